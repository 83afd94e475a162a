"""The `coopsim` command through Typer's runner, and the `python cli.py` shim."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
ASSURANCE = ROOT / "scenarios" / "assurance-trust-decides.yaml"


def test_solve_json_meets_the_contract():
    result = runner.invoke(app, ["solve", str(ASSURANCE), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout holds exactly one JSON object
    assert data["game_class"] == "stag_hunt"
    assert data["trust_threshold"] == pytest.approx(2 / 3)
    assert data["cooperate_is_best_response"] is False  # trust 0.6 < 2/3
    for eq in data["equilibria"]:
        assert set(eq) >= {"row", "col", "payoffs"}
        assert sum(eq["row"]) == pytest.approx(1) and sum(eq["col"]) == pytest.approx(1)
        assert min(eq["row"] + eq["col"]) >= 0
    rows = sorted(tuple(eq["row"]) for eq in data["equilibria"])
    assert rows[0] == (0.0, 1.0) and rows[-1] == (1.0, 0.0)
    assert rows[1][0] == pytest.approx(2 / 3)


def test_solve_prints_a_readable_summary():
    result = runner.invoke(app, ["solve", str(ASSURANCE)])
    assert result.exit_code == 0
    assert "stag hunt" in result.stdout and "Critical trust: 0.6667" in result.stdout


def test_policy_changes_the_answer_in_the_joint_research_scenario():
    path = ROOT / "scenarios" / "joint-research-changes-the-answer.yaml"
    data = json.loads(runner.invoke(app, ["solve", str(path), "--json"]).stdout)
    assert data["game_class"] == "prisoners_dilemma"
    assert data["policy"]["no_collaboration"]["cooperate_is_best_response"] is False
    assert data["policy"]["joint_research"]["game_class"] == "stag_hunt"
    assert data["policy"]["joint_research"]["cooperate_is_best_response"] is True


def test_validate_accepts_every_bundled_scenario():
    result = runner.invoke(app, ["validate", *map(str, SCENARIOS)])
    assert result.exit_code == 0, result.output
    assert result.stdout.count("ok: ") == len(SCENARIOS)


def test_schema_is_json():
    result = runner.invoke(app, ["schema"])
    assert json.loads(result.stdout)["title"] == "coopsim scenario"


BAD_INPUTS = {
    "syntax": ("name: x\ngame: [1, 2\n", "line 3"),
    "unknown key": ("name: x\ngame: {shared_upside: 1, advantage: 2, exposure: 1, "
                    "shared_downside: 1, exposur: 2}\n", "game.exposur"),
    "wrong type": ("name: x\nseed: many\ngame: {shared_upside: 1, advantage: 2, exposure: 1, "
                   "shared_downside: 1}\n", "field 'seed'"),
    "out of range": ("name: x\ngame: {trust: -0.1, shared_upside: 1, advantage: 2, exposure: 1, "
                     "shared_downside: 1}\n", "game.trust"),
    "python tag": ("name: !!python/object/apply:os.getcwd []\n", "not allowed"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
@pytest.mark.parametrize("command", ["run", "solve", "validate"])
def test_bad_input_fails_cleanly(case, command, write_yaml, tmp_path):
    text, words = BAD_INPUTS[case]
    path = write_yaml(text, "bad.yaml")
    out = tmp_path / "report"
    args = [command, str(path)] + (["--out", str(out)] if command == "run" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.stderr and words in result.stderr
    assert not out.exists()


def test_missing_file_fails_cleanly(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "file not found" in result.stderr
    assert not (tmp_path / "r").exists()


def test_run_writes_a_complete_report_and_replaces_it(tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["run", str(ASSURANCE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7 and len(manifest["scenario_sha256"]) == 64
    assert manifest["versions"]["nashpy"] != "not installed"
    assert json.loads((out / "oneshot.json").read_text())["game_class"] == "stag_hunt"
    for chart in ("payoff-matrix", "expected-payoff-vs-trust"):
        for suffix in (".html", ".png", ".svg", ".vl.json"):
            assert (out / "charts" / f"{chart}{suffix}").stat().st_size > 0
    (out / "stale.txt").write_text("from an earlier run")
    assert runner.invoke(app, ["run", str(ASSURANCE), "--out", str(out), "--quiet"]).exit_code == 0
    assert not (out / "stale.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["report"]  # no temporary folders left


def test_cli_shim_behaves_like_the_command():
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "solve", str(ASSURANCE), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["game_class"] == "stag_hunt"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_bundled_scenario_runs(path, tmp_path):
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert (tmp_path / "r" / "manifest.json").exists()


def test_every_problem_gets_its_own_error_line(write_yaml):
    path = write_yaml("name: x\ngame: {shared_upside: 1, advantage: 2, exposure: two, shared_downside: 1}\n"
                      "dynamics: {replicats: 5}\n", "two.yaml")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"coopsim: error: {path}, line ") for line in lines)
    assert "game.exposure" in lines[0] and "dynamics.replicats" in lines[1]
