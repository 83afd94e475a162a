"""One small report folder per command, written through the CLI, shared by the report tests
(`command_reports` fixture in conftest.py)."""

from __future__ import annotations

from pathlib import Path

import yaml
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT

SHORT = {"dynamics.rounds": 40, "dynamics.replicates": 2}


def short_copy(name: str, folder: Path, overrides: dict | None = None) -> Path:
    """A bundled scenario with fewer rounds and replicates, as a YAML file."""
    scenario = with_overrides(load_scenario(ROOT / "scenarios" / name), overrides or SHORT)
    path = folder / name
    path.write_text(yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), sort_keys=False))
    return path


def command_lines(folder: Path) -> dict[str, list[str]]:
    """The command lines of the reports (name -> arguments; `--out` is added)."""
    assurance = short_copy("assurance-trust-decides.yaml", folder)
    race = short_copy("prisoners-dilemma-race.yaml", folder)
    lines = {
        "run": ["run", str(race)],
        "evolve": ["evolve", str(ROOT / "scenarios" / "dsair-early-race.yaml")],
        "sweep": ["sweep", str(assurance), "--set", "game.trust=0:1:11", "--replicates", "2", "--workers", "1"],
        "sweep-grid": ["sweep", str(race), "--set", "game.trust=0,0.5,1",
                       "--set", "variants.audits_and_fines.interventions[0].fine=0,6", "--workers", "1"],
        "phase": ["phase", str(ROOT / "scenarios" / "assurance-trust-decides.yaml"),
                  "--x", "game.exposure=0:5:51", "--y", "game.trust=0:1:101"],
        "sensitivity": ["sensitivity", str(race), "--replicates", "1", "--workers", "1"],
    }
    try:
        import SALib  # noqa: F401

        lines["sensitivity-sobol"] = ["sensitivity", str(assurance), "--method", "sobol", "--samples", "8",
                                      "--workers", "1"]
    except ImportError:
        pass
    return lines


def write_command_reports(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (report folder, what the command printed on stdout)."""
    reports = {}
    for name, args in command_lines(folder).items():
        out = folder / f"{name}-report"
        result = CliRunner().invoke(app, [*args, "--out", str(out)])
        assert result.exit_code == 0, (name, result.output)
        reports[name] = (out, result.stdout)
    return reports
