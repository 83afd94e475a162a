"""`coopsim --help`, `validate` and `schema` start without the numerical and charting stack.

Each command runs in a fresh interpreter that then reports which modules it imported; the heavy
libraries may only be imported by the commands that use them (imports inside the command
functions). Speed itself is measured by benchmarks/cli_startup.py, not here.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
HEAVY = ("altair", "vl_convert", "nashpy", "scipy", "mesa", "SALib", "dask", "distributed", "pandas")
# Help reads no scenario: not even numpy or PyYAML (Typer itself may import pydantic). validate
# and schema read one but need no numpy: the classes they load import it on first use.
HELP_ONLY = (*HEAVY, "numpy", "yaml")

# Runs the app like the `coopsim` script, then prints the modules it imported on stderr's last
# line (stdout stays the command's own).
PROBE = """
import json, sys
sys.argv = ["coopsim", *json.loads(sys.argv[1])]
from coopsim.cli import app
try:
    app()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"exit": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def run_probe(args: list[str], full: bool = False) -> tuple[int, set[str], str]:
    """Exit code, imported top-level packages (every module with `full`) and stdout of
    `coopsim *args` in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args)], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    modules = set(report["modules"]) if full else {name.split(".")[0] for name in report["modules"]}
    return report["exit"], modules, done.stdout


@pytest.mark.parametrize(
    "args, banned",
    [
        pytest.param(["--help"], HELP_ONLY, id="--help"),
        *(pytest.param([command, "--help"], HELP_ONLY, id=f"{command} --help") for command in
          ("run", "report", "validate", "schema", "solve", "evolve", "sweep", "phase", "sensitivity", "explore")),
        pytest.param(["validate", str(SCENARIO)], (*HEAVY, "numpy"), id="validate"),
        pytest.param(["schema"], (*HEAVY, "numpy"), id="schema"),
    ],
)
def test_light_commands_do_not_import_the_heavy_stack(args, banned):
    code, modules, stdout = run_probe(args)
    assert code in (0, None), stdout
    assert stdout.strip(), "the command printed nothing"
    assert sorted(modules.intersection(banned)) == []


def test_run_imports_only_what_its_scenario_needs(tmp_path):
    """A stage game without a network or evolution runs on the batched engine: no Mesa, nashpy,
    networkx or the heavy parts of scipy; and the charts are drawn in drawing processes, so
    vl-convert is not loaded here either."""
    code, modules, stdout = run_probe(["run", str(SCENARIO), "--out", str(tmp_path / "report")], full=True)
    assert code in (0, None), stdout
    assert "long-run cooperation" in stdout and (tmp_path / "report" / "charts" / "payoff-matrix.png").is_file()
    banned = {"mesa", "nashpy", "networkx", "SALib", "dask", "vl_convert",
              "scipy.stats", "scipy.optimize", "scipy.spatial", "scipy.sparse"}
    assert sorted(modules.intersection(banned)) == []
    assert {"numpy", "pandas", "altair", "scipy.special"} <= modules  # the probe sees what it runs


def test_help_lists_every_command():
    code, _, stdout = run_probe(["--help"])
    assert code in (0, None)
    for command in ("run", "report", "validate", "schema", "solve", "evolve", "sweep", "phase", "sensitivity", "explore"):
        assert f" {command} " in stdout


def test_validate_still_checks_the_scenario():
    code, _, stdout = run_probe(["validate", str(SCENARIO)])
    assert code in (0, None)
    assert stdout.startswith(f"ok: {SCENARIO}")


def test_the_probe_sees_a_command_that_needs_the_stack():
    # Guards the probe itself: the DSAIR solution's evolutionary part needs numpy and scipy,
    # and the probe must notice (a 2x2 stage game is solved exactly, without them).
    code, modules, stdout = run_probe(["solve", str(ROOT / "scenarios" / "dsair-early-race.yaml"), "--json"])
    assert code in (0, None)
    assert json.loads(stdout)["zone"]
    assert {"numpy", "scipy"} <= modules
