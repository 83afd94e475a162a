"""Running the iterated model: tables, variants, replicates, seeds and the summary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from coopsim.abm import replicate_seed, simulate, simulate_one
from coopsim.abm.runner import long_run_rounds
from coopsim.scenario.loading import loads_scenario, resolve_variants

SCENARIO = """
name: runner test
seed: 11
game: {shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1, trust: 0.7}
labs:
  - {name: Frontier, count: 2, strategy: {type: trust_best_response}}
  - {name: Learner, strategy: {type: reinforcement, exploration: 0.1}}
  - {name: Copier, strategy: {type: imitation}}
dynamics:
  rounds: 12
  replicates: 3
  matching: random_pairs
  tremble: 0.05
  observability: 0.7
  incidents: {probability: 0.2, cost: 3}
variants:
  baseline: {}
  audited:
    interventions:
      - {type: audit_and_fine, detection_probability: 0.5, fine: 2, cost_per_round: 0.1}
"""

ROUND_COLUMNS = [
    "variant", "replicate", "round", "cooperation_rate", "mean_trust", "incidents", "welfare",
    "lab_payoffs", "fines_collected", "subsidies_paid", "incident_cost", "public_cost",
    "observability",
]
LAB_COLUMNS = [
    "variant", "replicate", "round", "lab", "kind", "strategy", "action", "cooperation", "matches",
    "payoff", "trust", "incidents_caused",
]


@pytest.fixture(scope="module")
def scenario():
    return loads_scenario(SCENARIO)


@pytest.fixture(scope="module")
def result(scenario):
    return simulate(scenario)


def test_tables_have_the_documented_columns_and_one_row_per_unit(result):
    assert list(result.rounds.columns) == ROUND_COLUMNS
    assert list(result.labs.columns) == LAB_COLUMNS
    assert len(result.rounds) == 2 * 3 * 12
    assert len(result.labs) == 2 * 3 * 12 * 4
    assert result.labs["lab"].unique().tolist() == ["Frontier 1", "Frontier 2", "Learner", "Copier"]
    assert result.labs.groupby("lab")["strategy"].first().to_dict() == {
        "Copier": "imitation",
        "Frontier 1": "trust_best_response",
        "Frontier 2": "trust_best_response",
        "Learner": "reinforcement",
    }
    assert result.rounds["round"].tolist()[:12] == list(range(12))
    assert result.rounds["variant"].unique().tolist() == ["baseline", "audited"]


def test_round_and_lab_tables_agree(result):
    labs = result.labs.groupby(["variant", "replicate", "round"], sort=False)
    assert np.allclose(labs["payoff"].sum().to_numpy(), result.rounds["lab_payoffs"].to_numpy())
    assert np.allclose(labs["trust"].mean().to_numpy(), result.rounds["mean_trust"].to_numpy())
    caused = labs["incidents_caused"].sum().to_numpy()
    assert (caused == result.rounds["incidents"].to_numpy()).all()
    rounds = result.rounds
    transfers = rounds["fines_collected"] - rounds["subsidies_paid"]
    welfare = rounds["lab_payoffs"] + transfers - rounds["public_cost"]
    assert np.allclose(welfare, rounds["welfare"])


def test_same_seed_gives_identical_tables_and_csv(scenario, result):
    again = simulate(scenario)
    for name in ("rounds", "labs", "summary"):
        first, second = getattr(result, name), getattr(again, name)
        pd.testing.assert_frame_equal(first, second)
        assert first.to_csv(index=False, float_format="%.10g") == second.to_csv(
            index=False, float_format="%.10g"
        )


def test_another_seed_gives_different_runs(scenario, result):
    other = simulate(scenario.model_copy(update={"seed": 12}))
    assert not result.labs["cooperation"].equals(other.labs["cooperation"])


def test_replicates_differ_and_each_run_stands_alone(scenario, result):
    rounds = result.rounds[result.rounds["variant"] == "audited"]
    by_replicate = [t["cooperation_rate"].to_numpy() for _, t in rounds.groupby("replicate")]
    assert not np.array_equal(by_replicate[0], by_replicate[1])
    audited = resolve_variants(scenario)["audited"]
    alone = simulate_one(audited, "audited", 2, replicate_seed(scenario.seed, 1, 2))
    expected = rounds[rounds["replicate"] == 2].reset_index(drop=True)
    pd.testing.assert_frame_equal(alone.rounds, expected)


def test_progress_is_reported_per_variant(scenario):
    # a variant's replicates run as one batch: progress moves a variant at a time
    calls = []
    simulate(scenario, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(3, 6), (6, 6)]


def test_summary_is_the_mean_across_replicates_with_a_t_interval_for_welfare(result):
    summary = result.summary.set_index("variant")
    assert summary.loc["baseline", "replicates"] == 3
    assert not summary["deterministic"].any() and summary["long_run_cycle_period"].isna().all()
    assert summary.loc["audited", "welfare_interval"] == "Student t"
    for measure in ("long_run_cooperation", "cumulative_incidents"):
        assert summary.loc["audited", f"{measure}_interval"] == "BCa bootstrap"
    assert summary.loc["baseline", "long_run_rounds"] == 3  # ceil(0.25 x 12)
    rounds = result.rounds[result.rounds["variant"] == "audited"]
    welfare = rounds.groupby("replicate")["welfare"].sum().to_numpy()
    half = stats.t.ppf(0.975, 2) * welfare.std(ddof=1) / math.sqrt(3)
    row = summary.loc["audited"]
    assert row["welfare_mean"] == pytest.approx(welfare.mean())
    assert (row["welfare_low"], row["welfare_high"]) == pytest.approx(
        (welfare.mean() - half, welfare.mean() + half)
    )
    late = rounds[rounds["round"] >= 9].groupby("replicate")["cooperation_rate"].mean()
    assert row["long_run_cooperation_mean"] == pytest.approx(late.mean())
    incidents = rounds.groupby("replicate")["incidents"].sum()
    assert row["cumulative_incidents_mean"] == pytest.approx(incidents.mean())


def test_one_replicate_gives_a_point_interval(scenario):
    dynamics = scenario.dynamics.model_copy(update={"replicates": 1})
    single = scenario.model_copy(update={"variants": {}, "dynamics": dynamics})
    row = simulate(single).summary.iloc[0]
    assert row["variant"] == "baseline" and row["replicates"] == 1
    for measure in ("long_run_cooperation", "cumulative_incidents", "welfare"):
        assert row[f"{measure}_low"] == row[f"{measure}_mean"] == row[f"{measure}_high"]
        assert row[f"{measure}_interval"] == "none (one replicate)"


def test_long_run_window():
    assert long_run_rounds(100, 0.25) == 25
    assert long_run_rounds(30, 0.1) == 3  # not 4 from 0.1 * 30 = 3.0000000000000004
    assert long_run_rounds(3, 0.25) == 1
    assert long_run_rounds(5, 1.0) == 5


def test_lab_actions_in_words():
    import pandas as pd

    from coopsim.abm.runner import action_labels

    shares = pd.Series([1.0, 0.0, 0.5, float("nan")])
    assert list(action_labels(shares)) == ["cooperate", "defect", "mixed", "none"]
