"""Sensitivity analysis: lever ranges, one-at-a-time ranking, Sobol indices and the command."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from coopsim.analyses import sensitivity as sa
from coopsim.cli import app
from coopsim.scenario.loading import loads_scenario

PD = """\
name: sensitivity test
seed: 3
game: {trust: 0.8, shared_upside: 3, advantage: 4, exposure: 2, shared_downside: 1}
labs: [{name: Lab, count: 3, strategy: {type: trust_best_response}}]
dynamics: {rounds: 40, replicates: 2}
interventions:
  - {type: audit_and_fine, detection_probability: 0.2, fine: 1}
"""


def test_levers_cover_factors_and_interventions_within_valid_ranges():
    chosen = {lever.path: lever for lever in sa.levers(loads_scenario(PD), 0.5)}
    assert set(chosen) == {"game.trust", "game.shared_upside", "game.advantage", "game.exposure",
                           "game.shared_downside", "interventions[0].detection_probability",
                           "interventions[0].fine"}
    assert chosen["game.trust"].high == 1.0  # 0.8 + 0.4 clipped to a probability
    assert (chosen["game.advantage"].low, chosen["game.advantage"].high) == (2.0, 6.0)


def test_one_at_a_time_ranks_the_lever_that_flips_the_game_first(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(PD)
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["sensitivity", str(path), "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "data" / "sensitivity-oat.csv")
    top_two = table.sort_values("rank").head(2).set_index("parameter")
    # Halving the advantage (4 -> 2 < R = 3) or raising the upside (3 -> 4.5 > T = 4) makes
    # cooperation rational at trust 0.8; no other lever crosses a threshold.
    assert set(top_two.index) == {"game.advantage", "game.shared_upside"}
    assert (top_two["long_run_cooperation_effect"].abs() > 0.8).all()
    trust = table.set_index("parameter").loc["game.trust"]
    assert abs(trust["long_run_cooperation_effect"]) < 0.1  # trust cannot rescue a PD
    assert (out / "charts" / "oat-long-run-cooperation.png").exists()


def test_sobol_indices_point_at_the_same_lever(tmp_path):
    pytest.importorskip("SALib")
    path = tmp_path / "s.yaml"
    path.write_text(PD.replace("replicates: 2", "replicates: 1"))
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["sensitivity", str(path), "--method", "sobol", "--samples", "16",
                                      "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "data" / "sensitivity-sobol.csv")
    coop = table[table["metric"] == "long_run_cooperation"].set_index("parameter")
    assert coop["ST"].idxmax() == "game.advantage"


def test_one_at_a_time_effects_carry_intervals_from_the_replicates(tmp_path):
    """Each effect's interval, recomputed independently from the saved runs: Welch's interval
    (scipy) for welfare, and scipy's two-sample BCa bootstrap for long-run cooperation (within two
    steps of the grid the resample means lie on); the report names both methods."""
    import json

    import numpy as np
    from scipy import stats

    path = tmp_path / "s.yaml"
    path.write_text(PD.replace("replicates: 2}", "replicates: 2, tremble: 0.1}"))  # replicates that differ
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["sensitivity", str(path), "--workers", "1", "--replicates", "6",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "data" / "sensitivity-oat.csv")
    runs = pd.DataFrame([json.loads(line) for file in (out / "oat" / "data").glob("results-*.jsonl")
                         for line in file.read_text().splitlines()])
    assert len(runs) == 15 * 6  # base + 7 levers x (low, high), 6 replicates each
    chosen = [lever.path for lever in sa.levers(loads_scenario(PD), 0.5)]
    checked = 0
    for _, row in table.iterrows():
        index = chosen.index(row["parameter"])
        at = {end: runs[runs["point"] == point] for end, point in (("low", 1 + 2 * index), ("high", 2 + 2 * index))}
        welch = stats.ttest_ind(at["high"]["welfare"], at["low"]["welfare"], equal_var=False).confidence_interval()
        if row["welfare_effect_interval"] == "Welch t":
            assert (row["welfare_effect_low"], row["welfare_effect_high"]) == pytest.approx((welch.low, welch.high))
            checked += 1
        high, low = (at[end]["long_run_cooperation"].to_numpy() for end in ("high", "low"))
        if np.ptp(high) > 0 and np.ptp(low) > 0:
            assert row["long_run_cooperation_effect_interval"] == "two-sample BCa bootstrap"
            reference = stats.bootstrap((high, low), lambda a, b, axis=-1: a.mean(axis) - b.mean(axis),
                                        method="BCa", n_resamples=99_999, rng=np.random.default_rng(2)).confidence_interval
            # Shares of a few choices: resample means lie on a grid, and many equal the effect.
            # scipy counts those ties as half below it, Efron's z0 (and ours) as not below; that
            # and Monte Carlo error move an end by up to two grid steps.
            step = np.diff(np.unique(np.round(np.concatenate([high, low]), 9))).min() / len(high)
            assert row["long_run_cooperation_effect_low"] == pytest.approx(reference.low, abs=2 * step + 1e-9)
            assert row["long_run_cooperation_effect_high"] == pytest.approx(reference.high, abs=2 * step + 1e-9)
            checked += 1
    assert checked >= 8
    report = (out / "report.md").read_text()
    assert "two-sample BCa bootstrap for long-run cooperation; Welch t for welfare" in report


@pytest.mark.parametrize("second, said", [
    ((0.05, 0.25), "the ranking of the two is not clear"),  # |top| may be 0.2, the next up to 0.25
    ((0.05, 0.15), None),                                    # the next is at most 0.15 < 0.2
])
def test_oat_findings_say_when_the_ranking_is_not_clear(second, said):
    from coopsim.analyses.sensitivity_findings import LABEL, oat_findings

    rows = [("game.advantage", "Advantage", -0.3, (-0.4, -0.2)), ("game.trust", "Trust", 0.1, second)]
    table = pd.DataFrame([{"variant": "baseline", "parameter": path, LABEL: label, "low_value": 1.0,
                           "high_value": 2.0, "long_run_cooperation_at_low": 0.5,
                           "long_run_cooperation_at_high": 0.5 + effect, "long_run_cooperation_effect": effect,
                           "long_run_cooperation_effect_low": ends[0], "long_run_cooperation_effect_high": ends[1],
                           "long_run_cooperation_effect_interval": "two-sample BCa bootstrap"}
                          for path, label, effect, ends in rows])
    text = oat_findings(table, ("long_run_cooperation",), "sensitivity-oat")[0].text
    assert "(-30.0 points, 95% interval [-40.0, -20.0] points); next: trust (+10.0 points, [" in text
    assert (said in text) if said else "not clear" not in text


def test_oat_findings_say_when_the_largest_effect_may_be_none():
    from coopsim.analyses.sensitivity_findings import LABEL, oat_findings

    table = pd.DataFrame([{"variant": "baseline", "parameter": "game.trust", LABEL: "Trust", "low_value": 0.2,
                           "high_value": 0.9, "welfare_at_low": 10.0, "welfare_at_high": 14.0,
                           "welfare_effect": 4.0, "welfare_effect_low": -1.0, "welfare_effect_high": 9.0,
                           "welfare_effect_interval": "Welch t"}])
    text = oat_findings(table, ("welfare",), "sensitivity-oat")[0].text
    assert "(+4, 95% interval [-1, +9])" in text and "not told apart from none" in text
    exact = table.assign(welfare_effect_interval="none (exact: computed once per point)")
    text = oat_findings(exact, ("welfare",), "sensitivity-oat")[0].text
    assert "(+4)" in text and "interval" not in text
