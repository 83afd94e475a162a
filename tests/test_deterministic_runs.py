"""Deterministic variants: detected from the scenario, run once, said so; long-run cycles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.abm import replicate_seed, simulate, simulate_one
from coopsim.abm.runner import cycle_period, is_deterministic, random_sources, summarise
from coopsim.abm.strategies import STRATEGIES
from coopsim.scenario.loading import loads_scenario
from tests.abm_scenarios import STAG_HUNT, make_scenario

GRIM_AND_TRUST = [("grim_trigger", 1), ("trust_best_response", 2, {"trust": 0.4}), ("tit_for_tat", 1)]


def runs_with_two_seeds(scenario):
    """The tables of two replicates on unrelated seeds."""
    first = simulate_one(scenario, "v", 0, replicate_seed(1, 0, 0))
    second = simulate_one(scenario, "v", 0, replicate_seed(987, 3, 5))
    return first, second


def identical(first, second) -> bool:
    return first.rounds.equals(second.rounds) and first.labs.equals(second.labs)


def test_every_strategy_says_whether_it_draws_random_numbers():
    assert {name: cls.stochastic for name, cls in STRATEGIES.items()} == {
        "always_cooperate": False, "always_defect": False, "tit_for_tat": False,
        "grim_trigger": False, "trust_best_response": False,
        "reinforcement": True, "imitation": True,
    }


DETERMINISTIC = {
    "full observability, no trembles": dict(),
    "nobody sees anything": dict(observability=0.0),
    "random pairs of two labs": dict(labs=[("tit_for_tat", 1), ("always_defect", 1)], matching="random_pairs"),
    "incidents certain": dict(labs=[("always_defect", 2)], incidents={"probability": 1.0, "cost": 2}),
    "every action flipped": dict(tremble=1.0),
    "audits that always detect": dict(
        labs=[("always_defect", 1), ("tit_for_tat", 2)],
        interventions=[{"type": "audit_and_fine", "detection_probability": 1.0, "fine": 3}]),
    "full transparency over partial observability": dict(
        observability=0.5, interventions=[{"type": "transparency", "observability": 1.0}]),
    "a random-rules window that never opens": dict(
        interventions=[{"type": "audit_and_fine", "start": 40, "detection_probability": 0.5, "fine": 3}]),
}
STOCHASTIC = {
    "trembles": (dict(tremble=0.2), "tremble"),
    "partial observability": (dict(observability=0.5), "observability"),
    "random pairs of four labs": (dict(matching="random_pairs"), "random_pairs matching"),
    "incidents": (dict(labs=[("always_defect", 4)], incidents={"probability": 0.5, "cost": 2}), "incidents"),
    "audits": (dict(labs=[("always_defect", 4)],
                    interventions=[{"type": "audit_and_fine", "detection_probability": 0.5, "fine": 3}]), "audits"),
    "transparency window at a partial level": (dict(
        observability=0.0, labs=[("tit_for_tat", 2), ("always_defect", 2)],
        interventions=[{"type": "transparency", "start": 5, "end": 15, "observability": 0.5}]), "observability"),
    "reinforcement": (dict(labs=[("reinforcement", 4)]), "reinforcement strategy"),
    "imitation": (dict(labs=[("imitation", 4)]), "imitation strategy"),
}


def scenario_with(settings_: dict):
    settings_ = dict(settings_)
    labs = settings_.pop("labs", GRIM_AND_TRUST)
    interventions = settings_.pop("interventions", ())
    return make_scenario(labs, game=STAG_HUNT, interventions=interventions, rounds=30, **settings_)


@pytest.mark.parametrize("case", DETERMINISTIC)
def test_a_variant_flagged_deterministic_gives_identical_tables_on_any_seed(case):
    scenario = scenario_with(DETERMINISTIC[case])
    assert random_sources(scenario) == [] and is_deterministic(scenario)
    assert identical(*runs_with_two_seeds(scenario))


@pytest.mark.parametrize("case", STOCHASTIC)
def test_each_source_of_randomness_is_named_and_really_changes_runs(case):
    settings_, source = STOCHASTIC[case]
    scenario = scenario_with(settings_)
    assert random_sources(scenario) == [source]
    assert not identical(*runs_with_two_seeds(scenario))


@settings(max_examples=40, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(sorted(STRATEGIES)), min_size=2, max_size=4),
    matching=st.sampled_from(["round_robin", "random_pairs"]),
    tremble=st.sampled_from([0.0, 0.1, 1.0]),
    observability=st.sampled_from([0.0, 0.6, 1.0]),
    incidents=st.sampled_from([0.0, 0.3, 1.0]),
    detection=st.sampled_from([None, 0.0, 0.5, 1.0]),
)
def test_whenever_the_flag_says_deterministic_the_seed_changes_nothing(
    kinds, matching, tremble, observability, incidents, detection
):
    interventions = [] if detection is None else [
        {"type": "audit_and_fine", "start": 3, "detection_probability": detection, "fine": 2}]
    scenario = make_scenario(
        [(kind, 1, {"trust": 0.3 + 0.2 * i}) for i, kind in enumerate(kinds)], game=STAG_HUNT,
        interventions=interventions, rounds=12, matching=matching, tremble=tremble,
        observability=observability, incidents={"probability": incidents, "cost": 1},
    )
    if is_deterministic(scenario):
        assert identical(*runs_with_two_seeds(scenario))


MIXED = """
name: one deterministic variant, one not
seed: 3
game: {shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1, trust: 0.8}
labs:
  - {name: Grim, strategy: {type: grim_trigger}}
  - {name: Believer, count: 2}
dynamics: {rounds: 20, replicates: 5}
variants:
  steady: {}
  shaky: {dynamics: {tremble: 0.1}}
"""


def test_a_deterministic_variant_runs_once_and_the_summary_says_so():
    calls = []
    result = simulate(loads_scenario(MIXED), progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (6, 6)  # 1 run of 'steady' + 5 of 'shaky'
    assert result.rounds.groupby("variant")["replicate"].nunique().to_dict() == {"steady": 1, "shaky": 5}
    summary = result.summary.set_index("variant")
    assert summary.loc["steady", "replicates"] == 1 and summary.loc["steady", "deterministic"]
    assert summary.loc["shaky", "replicates"] == 5 and not summary.loc["shaky", "deterministic"]
    for measure in ("long_run_cooperation", "cumulative_incidents", "welfare"):
        assert summary.loc["steady", f"{measure}_interval"] == "none (deterministic: every replicate identical)"
    assert summary.loc["shaky", "long_run_cooperation_interval"] == "BCa bootstrap"
    assert summary.loc["shaky", "welfare_interval"] == "Student t"
    # Stag hunt R, S, T, P = 4, -3, 3, -1: cooperating pays iff b(R - T) + (1 - b)(S - P) >= 0,
    # i.e. b >= 2/3; at trust 0.8 everyone cooperates throughout, a steady state.
    assert summary.loc["steady", "long_run_cooperation_mean"] == 1.0
    assert summary.loc["steady", "long_run_cycle_period"] == 1
    assert pd.isna(summary.loc["shaky", "long_run_cycle_period"])


def test_cycle_period_of_hand_made_series():
    assert cycle_period([0.5, 0.5, 0.5, 0.5]) == 1
    assert cycle_period([1, 0, 1, 0, 1, 0]) == 2
    assert cycle_period([1, 0, 0, 1, 0, 0, 1]) == 3
    assert cycle_period([1, 0, 1, 1]) is None
    assert cycle_period([1, 0, 0, 1, 0]) is None  # period 3 not yet seen twice
    assert cycle_period([0.3]) is None


def test_summary_reports_a_long_run_cycle():
    cooperation = np.array([0.2, 0.9, 0.1, 0.6, 0.3, 1.0, 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0])
    rounds = pd.DataFrame({
        "variant": "v", "replicate": 0, "round": np.arange(cooperation.size),
        "cooperation_rate": cooperation, "incidents": 0, "welfare": 1.0,
    })
    summary = summarise(rounds, {"v": 0.5}, {"v": True}).iloc[0]
    assert summary["long_run_rounds"] == 7  # the last 7 rounds: 0.0, 0.5, 1.0, 0.0, 0.5, 1.0, 0.0
    assert summary["long_run_cycle_period"] == 3
    assert summary["long_run_cooperation_mean"] == pytest.approx(3.0 / 7)


def test_the_report_table_names_methods_determinism_and_cycles():
    from coopsim.report.content import iterated_summary

    scenario = loads_scenario(MIXED)
    summary = simulate(scenario).summary
    text = iterated_summary(summary, scenario)
    assert "BCa bootstrap for long-run cooperation and incidents; Student t for welfare" in text
    assert "| steady | 1 (deterministic: every replicate identical) |" in text
    assert "| shaky | 5 |" in text
    cycling = summary.assign(long_run_cycle_period=pd.array([3, pd.NA], dtype="Int64"))
    assert "(a cycle of period 3)" in iterated_summary(cycling, scenario)
    unsettled = summary.assign(long_run_cycle_period=pd.array([pd.NA, pd.NA], dtype="Int64"))
    assert "not settled" in iterated_summary(unsettled, scenario)
