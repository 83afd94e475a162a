"""Findings: generated from the results, every quoted number traceable to the saved data."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from coopsim.analyses.findings import run_findings
from coopsim.analyses.headlines import percent, plain
from coopsim.analyses.run import has_stage_game, run
from coopsim.cli import app
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import SCENARIOS

STAGE_GAME_SCENARIOS = [p for p in SCENARIOS if has_stage_game(load_scenario(p))]


def _table_value(result, table: str, row: str, column: str) -> float:
    if table == "summary":
        return result.tables["summary"].set_index("variant").loc[row, column]
    if table == "labs":
        variant, kind = row.split("/")
        labs = result.tables["labs"]
        part = labs[(labs["variant"] == variant) & (labs["kind"] == kind)]
        rounds = int(result.tables["summary"].set_index("variant").loc[variant, "long_run_rounds"])
        last = part[part["round"] >= part["round"].max() + 1 - rounds]
        return last[column].mean()
    if table == "oneshot":
        index = int(re.fullmatch(r"labs\[(\d+)\]", row).group(1))
        return result.oneshot["labs"][index][column]
    raise AssertionError(table)


@pytest.mark.parametrize("path", STAGE_GAME_SCENARIOS, ids=lambda p: p.stem)
def test_every_quoted_number_comes_from_the_results(path):
    scenario = with_overrides(load_scenario(path), {"dynamics.replicates": 3})
    result = run(scenario)
    findings = run_findings(result)
    assert findings and not findings[0].caveat
    for finding in findings:
        for table, row, column, value in finding.values:
            assert value == pytest.approx(_table_value(result, table, row, column), abs=1e-12)
            shown = percent(value, sign=False) if "cooperation" in column else plain(value)
            assert shown in finding.text or f"{value:.3g}" in finding.text, (shown, finding.text)


def test_the_run_prints_the_findings_and_the_report_starts_with_them(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["run", "scenarios/prisoners-dilemma-race.yaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "data" / "summary.csv").set_index("variant")
    before = summary.loc["baseline", "long_run_cooperation_mean"]
    after = summary.loc["audits_and_fines", "long_run_cooperation_mean"]
    line = next(l for l in result.stdout.splitlines() if l.startswith("  - With audits and fines"))
    assert f"from {percent(before)}" in line and f"to {percent(after)}" in line
    assert "rises" in line and after > before
    report = (out / "report.md").read_text()
    assert report.index("## Findings") < report.index("## The scenario")
    assert line.strip(" -") in report


def test_labs_that_differ_are_named(tmp_path):
    scenario = with_overrides(load_scenario("scenarios/frontier-vs-newcomer.yaml"), {"dynamics.replicates": 2})
    result = run(scenario)
    labs = result.tables["labs"]
    last = labs[labs["round"] >= labs["round"].max() + 1 - int(result.tables["summary"]["long_run_rounds"][0])]
    by_kind = last.groupby("kind")["cooperation"].mean()
    text = " ".join(f.text for f in run_findings(result))
    rider = by_kind.idxmin()
    assert f"{rider} free-rides on {by_kind.idxmax()}" in text
    assert f"{rider} {percent(by_kind.min())}" in text
