"""The report's tables name variants and targets in words, as the charts and findings do."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from coopsim.policy.base import Targets
from coopsim.report.content import interventions_in_words, iterated_summary, lab_by_lab
from coopsim.scenario.loading import load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
RAW = re.compile(r"[a-z]+\\?_[a-z]+|[{}\[\]]")  # snake_case (escaped or not) or a Python dict/list


def _first_column(table: str) -> list[str]:
    return [line.split("|")[1].strip() for line in table.splitlines()
            if line.startswith("|") and not line.startswith("|---")][1:]


def test_the_interventions_table_says_variants_and_targets_in_words():
    scenario = load_scenario(SCENARIOS / "network-frontier-labs.yaml")
    table = interventions_in_words(scenario)
    assert _first_column(table) == ["no policy", "audit frontier only", "audit everyone"]
    assert "| targets only Frontier A, Frontier B and Frontier C; detection probability 0.8, fine 3 |" in table
    assert not RAW.search(table), table


def test_targets_in_words():
    assert Targets(labs=["Frontier lab", "Mid lab"]).in_words() == "only Frontier lab and Mid lab"
    assert Targets(labs=["A", "B", "C"]).in_words() == "only A, B and C"
    assert Targets(labs=["A"]).in_words() == "only A"
    assert Targets(highest_degree=3).in_words() == "the 3 best-connected labs"


def _row(variant: str, **extra) -> dict:
    return {"variant": variant, "replicates": 2, **extra}


def test_the_results_and_lab_tables_name_variants_in_words():
    scenario = load_scenario(SCENARIOS / "network-frontier-labs.yaml")
    summary = pd.DataFrame([_row(v, **{f"{m}_{s}": 0.5 for m in ("long_run_cooperation", "cumulative_incidents",
                                                                   "welfare") for s in ("mean", "low", "high")})
                            for v in ("no_policy", "audit_frontier_only")])
    assert _first_column(iterated_summary(summary, scenario)) == ["no policy", "audit frontier only"]
    labs = pd.DataFrame([_row(v, kind="Frontier", labs=3, **{f"{m}_{s}": 0.5 for m in ("cooperation", "payoff",
                                                                                      "trust") for s in ("mean", "low", "high")})
                         for v in ("no_policy", "audit_frontier_only")])
    assert _first_column(lab_by_lab(labs, scenario)) == ["no policy", "audit frontier only"]


def test_no_trust_chart_when_no_lab_acts_on_trust(tmp_path, monkeypatch):
    """Every lab of network-scale-free-cooperation imitates (a rule that never reads its belief):
    the report leaves the trust chart out and says why in one line. The same scenario with
    best-responding labs, whose choice is the sign of EV(C) - EV(D) at their belief, keeps it."""
    from coopsim.analyses.run import run
    from coopsim.report import drawing, folder
    from coopsim.report.content import NO_TRUST_CHART
    from coopsim.scenario.loading import with_overrides

    monkeypatch.setattr(drawing, "CHART_FORMATS", ("json",))
    short = {"dynamics.rounds": 20, "dynamics.replicates": 1, "labs[0].count": 40}
    imitators = with_overrides(load_scenario(SCENARIOS / "network-scale-free-cooperation.yaml"), short)
    responders = with_overrides(imitators, {"labs[0].strategy": {"type": "trust_best_response"}})
    for scenario, drawn in ((imitators, False), (responders, True)):
        result = run(scenario)
        assert ("trust-over-time" in result.charts) == drawn
        report = folder.write_report(result, tmp_path / str(drawn))
        text = (report / "report.md").read_text()
        assert (NO_TRUST_CHART in text) != drawn
        assert (report / "charts" / "trust-over-time.vl.json").is_file() == drawn


def test_the_evolve_variants_table_names_variants_in_words():
    from coopsim.analyses.evolution import evolve
    from coopsim.analyses.evolution_text import evolve_markdown

    scenario = load_scenario(SCENARIOS / "dsair-early-race.yaml")
    table = evolve_markdown(evolve(scenario)).split("# Variants", 1)[1]
    names = [name.replace("_", " ") for name in scenario.variants]
    assert len(names) >= 2 and any(" " in name for name in names)
    assert _first_column(table.strip()) == names
