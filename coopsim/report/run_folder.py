"""Reading a run's report folder back into a RunResult, so its report can be rebuilt without
simulating again."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from coopsim.analyses.run import RunResult
from coopsim.scenario.loading import ScenarioError, load_scenario

TABLES = ("rounds", "labs", "summary", "lab_summary", "network_labs", "network_degree", "network_edges",
          "measures", "stationary", "fixation")
EXTRAS = ("solution", "race_dynamics", "evolution", "network")


def load_run(folder: Path) -> tuple[RunResult, dict]:
    """The saved scenario, analyses and tables of a run folder, and its manifest."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise ScenarioError(str(folder), "not a coopsim run folder (no manifest.json); "
                            "make one with `coopsim run SCENARIO.yaml`")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    kind = manifest.get("report", "run") if isinstance(manifest, dict) else "run"
    if kind != "run":
        raise ScenarioError(str(folder), f"a `coopsim {kind}` report, not a run: `coopsim report` rebuilds "
                            f"run reports only; run `coopsim {kind}` again to rebuild it")
    scenario = load_scenario(folder / "scenario.yaml")
    result = RunResult(scenario=scenario)
    oneshot = folder / "oneshot.json"
    if oneshot.is_file():
        result.oneshot = json.loads(oneshot.read_text(encoding="utf-8"))
    for name in EXTRAS:
        path = folder / f"{name}.json"
        if path.is_file():
            result.extras[name] = json.loads(path.read_text(encoding="utf-8"))
    for name in TABLES:
        path = folder / "data" / f"{name}.csv"
        if path.is_file():
            result.tables[name] = pd.read_csv(path, keep_default_na=True)
    return result, manifest
