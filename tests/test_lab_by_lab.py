"""Lab by lab: the lab summary table, its charts and words, and the expected-payoff chart per
variant (its critical trust only where the lines really cross)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from coopsim.analyses.findings import run_findings
from coopsim.analyses.headlines import crossing, percent
from coopsim.analyses.run import run
from coopsim.charts.oneshot import policy_expected_value_chart
from coopsim.report import folder
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT, chart_specs_only

THREE_LABS = """
name: Three labs and joint research
question: Does joint safety research hold three unequal labs together?
seed: 5
game: {trust: 0.7, shared_upside: 3, advantage: 4, exposure: 2, shared_downside: 1}
labs:
  - {name: Frontier lab, advantage: 6}
  - {name: Mid-size lab, count: 2}
  - {name: Newcomer, exposure: 3, trust: 0.5}
dynamics: {rounds: 60, replicates: 4, tremble: 0.02}
variants:
  no_collaboration: {}
  joint_research:
    interventions:
      - {type: joint_research, start: 0, upside_increase: 2, exposure_reduction: 0.5, cost_per_round: 0.5}
"""


@pytest.fixture(scope="module")
def three_labs(tmp_path_factory):
    path = tmp_path_factory.mktemp("three") / "three.yaml"
    path.write_text(THREE_LABS)
    result = run(load_scenario(path))
    with chart_specs_only():
        report = folder.write_report(result, tmp_path_factory.mktemp("three") / "report")
    return result, report


def pooled_long_run(labs: pd.DataFrame, summary: pd.DataFrame, column: str) -> pd.Series:
    """By hand: the mean of `column` over every row of each variant x kind in the final
    long_run_rounds rounds (every replicate has the same rows, so this is the mean of the
    per-replicate means)."""
    rounds = summary.set_index("variant")["long_run_rounds"]
    parts = []
    for variant, part in labs.groupby("variant"):
        last = part[part["round"] >= part["round"].max() + 1 - rounds[variant]]
        parts.append(last.groupby("kind")[column].mean().rename(lambda k, v=variant: (v, k)))
    return pd.concat(parts)


def test_lab_summary_is_the_long_run_mean_of_each_kind(three_labs):
    result, report = three_labs
    table = pd.read_csv(report / "data" / "lab_summary.csv")
    labs, summary = result.tables["labs"], result.tables["summary"]
    assert list(table["kind"].unique()) == ["Frontier lab", "Mid-size lab", "Newcomer"]
    assert table.set_index(["variant", "kind"])["labs"].xs("joint_research").tolist() == [1, 2, 1]
    for measure in ("cooperation", "payoff", "trust"):
        by_hand = pooled_long_run(labs, summary, measure)
        for _, row in table.iterrows():
            assert row[f"{measure}_mean"] == pytest.approx(by_hand[(row["variant"], row["kind"])])
            assert row[f"{measure}_low"] <= row[f"{measure}_mean"] <= row[f"{measure}_high"]


def test_the_report_has_the_lab_table_and_charts(three_labs):
    result, report = three_labs
    text = (report / "report.md").read_text()
    section = text[text.index("## Lab by lab"):]
    table = result.tables["lab_summary"]
    for _, row in table.iterrows():
        assert f"| {row['variant'].replace('_', ' ')} | {row['kind']} | {row['labs']} |" in section
    charts = {p.name.split(".")[0] for p in (report / "charts").glob("*.vl.json")}
    assert {"labs-compared", "cooperation-by-lab-over-time", "expected-payoff-by-variant"} <= charts
    spec = json.loads((report / "charts" / "labs-compared.vl.json").read_text())
    rows = [r for rows in spec["datasets"].values() for r in rows if "lab" in r]
    assert {r["lab"] for r in rows} == {"Frontier lab", "Mid-size lab", "Newcomer"}
    joint = table[(table["variant"] == "joint_research") & (table["kind"] == "Newcomer")].iloc[0]
    drawn = next(r for r in rows if r["lab"] == "Newcomer" and r["variant"] == "joint research"
                 and r["measure"].startswith("Long-run cooperation"))
    assert drawn["mean"] == pytest.approx(joint["cooperation_mean"])
    title = _one_line(spec["title"]["text"])
    worst = table.loc[(table["variant"] == "joint_research"), ["kind", "cooperation_mean"]].set_index("kind")["cooperation_mean"]
    assert f"Frontier lab cooperates {percent(worst.min())}" in title and worst.idxmin() == "Frontier lab"


def test_free_riding_is_said_only_when_the_defector_earns_more(three_labs):
    """In the three-lab case the frontier lab cooperates least but earns least (the others stop
    cooperating with it); in frontier-vs-newcomer the frontier lab cooperates least and earns more."""
    result, _ = three_labs
    table = result.tables["lab_summary"].set_index(["variant", "kind"])
    text = " ".join(f.text for f in run_findings(result))
    frontier, newcomer = table.loc[("joint_research", "Frontier lab")], table.loc[("joint_research", "Newcomer")]
    assert frontier["cooperation_mean"] < newcomer["cooperation_mean"] and frontier["payoff_mean"] < newcomer["payoff_mean"]
    assert "Frontier lab free-rides" not in text and "Frontier lab cooperates less than" in text

    scenario = with_overrides(load_scenario(ROOT / "scenarios" / "frontier-vs-newcomer.yaml"), {"dynamics.replicates": 2})
    result = run(scenario)
    table = result.tables["lab_summary"].set_index("kind")
    assert table.loc["Frontier lab", "payoff_mean"] > table.loc["Newcomer", "payoff_mean"]
    text = " ".join(f.text for f in run_findings(result))
    assert "Frontier lab free-rides on Newcomer" in text
    assert f"Frontier lab {percent(table.loc['Frontier lab', 'cooperation_mean'])}" in text


def critical_rules(spec: dict, part: dict | None = None) -> list[float]:
    """The critical-trust rules drawn in `part` of a chart (default: all of it)."""
    names = set(json.dumps(part).split('"name": "')[1:]) if part is not None else None
    used = {name.split('"')[0] for name in names} if names is not None else set(spec["datasets"])
    return [row["critical trust"] for name, rows in spec["datasets"].items() if name in used
            for row in rows if "critical trust" in row]


def test_per_variant_chart_draws_the_critical_trust_the_policy_moves():
    """Joint research turns the prisoner's dilemma (R 3, S -2, T 4, P -1: no crossing) into
    R 5, S -1.5, T 4, P -1, whose lines cross at (P - S) / ((R - T) - (S - P)) = 0.5 / 1.5 = 1/3."""
    scenario = with_overrides(load_scenario(ROOT / "scenarios" / "joint-research-changes-the-answer.yaml"),
                              {"dynamics.rounds": 30, "dynamics.replicates": 1})
    result = run(scenario)
    spec = result.charts["expected-payoff-by-variant"].to_dict()
    panels = spec["concat"]
    assert [p["title"]["text"] for p in panels] == ["no collaboration", "joint research", "late joint research"]
    assert panels[0]["title"]["subtitle"] == "cooperating never pays (the lines do not cross)"
    assert critical_rules(spec, panels[0]) == []
    assert critical_rules(spec, panels[1]) == critical_rules(spec, panels[2]) == pytest.approx([1 / 3])
    assert _one_line(spec["title"]["text"]) == ("Cooperating never pays in no collaboration; cooperating pays above "
                                     "trust 0.333 in joint research and late joint research")


@pytest.mark.parametrize("threshold, region, drawn", [
    (1.5, "trust > 1.5", False), (-0.25, "trust > -0.25", False), (-0.0, "trust < -0", True),
    (0.4, "trust > 0.4", True), (None, "never", False)])
def test_no_crossing_is_claimed_outside_trust_0_to_1(threshold, region, drawn):
    """A threshold outside [0, 1] (or none) draws no critical-trust rule; the lines of a panel
    cross where its rule is drawn (EV(C) = EV(D) there)."""
    R, S, T, P = 3.0, -1.0, 2.0, 0.0
    lab = {"name": "Lab", "trust": 0.5, "decides_on": "true payoffs", "trust_threshold": threshold,
           "cooperation_region": region, "cooperate_is_best_response": False,
           "decision_payoffs": {"R": R, "S": S, "T": T, "P": P}}
    chart = policy_expected_value_chart({"policy": {"a": {"labs": [lab]}}}, "subtitle", "title")
    rules = critical_rules(chart.to_dict())
    assert bool(rules) == drawn == (crossing(lab) is not None)
    real = (P - S) / ((R - T) - (S - P))  # 0.5: where these lines truly cross
    assert np.isclose(real * R + (1 - real) * S, real * T + (1 - real) * P)


def _one_line(title) -> str:
    """A chart title as one line (the theme wraps long titles into a list of lines)."""
    return " ".join(title) if isinstance(title, list) else title
