"""Every analysis command accepts every bundled scenario, or refuses it with a reason that is
about the question (not about the implementation): small grids, one replicate."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopsim.analyses import sensitivity as sa
from coopsim.cli import app
from coopsim.scenario.loading import load_scenario

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
# Refusals that answer the question asked: the model has nothing of that kind to analyse.
QUESTION_REFUSALS = {
    "evolve": ("continuous safety level, not a set of strategies to evolve",),
}


def _arguments(command: str, path: Path) -> list[str]:
    """The command's arguments on ``path``: a two-point sweep of its first lever, a 4 x 4 phase
    diagram over its first two game fields (trust and R for a matrix game, which has only
    trust as a lever)."""
    scenario = load_scenario(path)
    levers = sa.levers(scenario, 0.5)
    game = [lever for lever in levers if lever.path.startswith("game.")]
    if command == "sweep":
        first = levers[0]
        return ["--set", f"{first.path}={first.low},{first.high}", "--replicates", "1", "--workers", "1"]
    if command == "phase":
        if len(game) < 2:
            return ["--x", "game.trust=0:1:4", "--y", "game.R=0:2:4"]
        x, y = game[:2]
        return ["--x", f"{x.path}={x.low}:{x.high}:4", "--y", f"{y.path}={y.low}:{y.high}:4"]
    if command == "sensitivity":
        return ["--replicates", "1", "--workers", "1"]
    return []


@pytest.mark.parametrize("command", ["evolve", "sweep", "phase", "sensitivity"])
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_command_accepts_every_bundled_scenario(path, command, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, [command, str(path), "--out", str(out), *_arguments(command, path)])
    if result.exit_code == 0:
        assert out.exists()
        return
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    reasons = QUESTION_REFUSALS.get(command, ())
    assert any(reason in result.stderr for reason in reasons), result.stderr
