"""Policy interventions in the iterated model: each does what it says, in its window, at its
cost."""

from __future__ import annotations

import typing

import numpy as np
import pytest

from coopsim.abm import INTERVENTIONS, PAPER_STRATEGIES, LabModel
from coopsim.scenario.spec import Scenario
from tests.abm_scenarios import PRISONERS_DILEMMA, STAG_HUNT, make_scenario


def run(scenario: Scenario, seed: int = 0):
    """The model after its run, and its per-round table."""
    model = LabModel(scenario, rng=np.random.default_rng(seed))
    for _ in range(scenario.dynamics.rounds):
        model.step()
    return model, model.datacollector.get_model_vars_dataframe()


def lab_column(model: LabModel, lab: int, column: str) -> list:
    table = model.datacollector.get_agent_vars_dataframe()
    return table.xs(list(model.agents)[lab].unique_id, level="AgentID")[column].tolist()


def test_every_schema_intervention_is_registered_and_mapped_to_the_paper():
    union = Scenario.model_fields["interventions"].annotation
    specs = typing.get_args(typing.get_args(typing.get_args(union)[0])[0])
    names = {typing.get_args(spec.model_fields["type"].annotation)[0] for spec in specs}
    assert names == set(INTERVENTIONS)
    for name, cls in INTERVENTIONS.items():
        assert cls.type == name and cls.__doc__ and cls.paper_strategy in PAPER_STRATEGIES
    assert {cls.paper_strategy for cls in INTERVENTIONS.values()} == set(PAPER_STRATEGIES)


# --------------------------------------------------------------------------- audit and fine


def test_audits_fine_detected_defections_as_transfers():
    audit = {"type": "audit_and_fine", "detection_probability": 0.5, "fine": 2.0}
    labs = [("always_defect", 4)]
    plain, base = run(make_scenario(labs, rounds=200))
    audited, rounds = run(make_scenario(labs, interventions=[audit], rounds=200))
    defections = 12 * 200
    expected = 0.5 * 2.0 * defections
    assert rounds["fines_collected"].sum() == pytest.approx(expected, rel=0.05)
    assert np.allclose(rounds["lab_payoffs"] + rounds["fines_collected"], base["lab_payoffs"])
    assert np.allclose(rounds["welfare"], base["welfare"])  # fines go to the public purse


def test_an_audit_whose_expected_fine_exceeds_the_gain_from_defecting_raises_cooperation():
    # PD gains from defecting: T - R = 2 against a cooperator, P - S = 0.5 against a defector;
    # expected fine 0.8 * 4 = 3.2 > 2 makes cooperation dominant
    audit = {"type": "audit_and_fine", "detection_probability": 0.8, "fine": 4.0}
    learner = {"type": "reinforcement", "learning_rate": 0.2, "exploration": 0.05}
    cases = (([("trust_best_response", 6)], 0.0, 1.0), ([(learner, 6)], 0.3, 0.9))
    for labs, ceiling, floor in cases:
        _, without = run(make_scenario(labs, rounds=300))
        _, with_audit = run(make_scenario(labs, interventions=[audit], rounds=300))
        assert without["cooperation_rate"].iloc[-100:].mean() <= ceiling
        assert with_audit["cooperation_rate"].iloc[-100:].mean() >= floor


def test_overlapping_audits_stack():
    audit = {"type": "audit_and_fine", "detection_probability": 0.5, "fine": 1.0}
    _, rounds = run(make_scenario([("always_defect", 2)], interventions=[audit, audit], rounds=2000))
    assert rounds["fines_collected"].mean() == pytest.approx(2 * 2 * 0.5, rel=0.05)


# --------------------------------------------------------------------------- subsidy


def test_safety_subsidies_pay_cooperators_per_match_and_cancel_in_welfare():
    subsidy = {"type": "safety_subsidy", "amount": 1.5, "cost_per_round": 0.25}
    labs = [("always_cooperate", 2), ("always_defect", 1)]
    model, rounds = run(make_scenario(labs, interventions=[subsidy], rounds=3))
    # lab 0 meets a cooperator (R = 3) and a defector (S = -1), subsidised twice
    assert lab_column(model, 0, "payoff") == [3 - 1 + 2 * 1.5] * 3
    assert lab_column(model, 2, "payoff") == [10.0] * 3  # defector: T twice, no subsidy
    assert rounds["subsidies_paid"].tolist() == [4 * 1.5] * 3
    stage_total = 3 + 3 - 1 - 1 + 5 + 5
    assert rounds["welfare"].tolist() == [stage_total - 0.25] * 3


def test_a_large_subsidy_makes_trusting_labs_cooperate():
    subsidy = {"type": "safety_subsidy", "amount": 3.0, "start": 5}
    _, rounds = run(make_scenario([("trust_best_response", 4)], interventions=[subsidy], rounds=10))
    assert rounds["cooperation_rate"].tolist() == [0.0] * 5 + [1.0] * 5


# --------------------------------------------------------------------------- joint research


def test_joint_research_raises_upside_and_lowers_exposure():
    research = {"type": "joint_research", "upside_increase": 2.0, "exposure_reduction": 0.6}
    labs = [("always_cooperate", 2), ("always_defect", 1)]
    model, _ = run(make_scenario(labs, interventions=[research], rounds=1))
    assert lab_column(model, 0, "payoff") == [pytest.approx((3 + 2) + (-1 + 0.6))]
    deep_cut = {**research, "exposure_reduction": 5.0}
    model, _ = run(make_scenario(labs, interventions=[deep_cut], rounds=1))
    assert lab_column(model, 0, "payoff") == [5.0 + 0.0]  # exposure floored at zero, not a gain


def test_joint_research_moves_trusting_labs_across_the_threshold():
    # stag hunt, trust 0.5 < critical 2/3; a larger upside lowers the critical trust below 0.5
    research = {"type": "joint_research", "upside_increase": 2.0, "start": 3, "end": 6}
    labs = [("trust_best_response", 4, {"trust": 0.5})]
    _, rounds = run(make_scenario(labs, interventions=[research], game=STAG_HUNT, rounds=8, observability=0.0))
    assert rounds["cooperation_rate"].tolist() == [0.0] * 3 + [1.0] * 3 + [0.0] * 2


# --------------------------------------------------------------------------- transparency


def test_transparency_makes_actions_observable_in_its_window():
    transparency = {"type": "transparency", "observability": 1.0, "start": 4, "end": 8}
    labs = [("tit_for_tat", 1), ("always_defect", 1)]
    model, rounds = run(make_scenario(labs, interventions=[transparency], rounds=10, observability=0.0))
    assert rounds["observability"].tolist() == [0.0] * 4 + [1.0] * 4 + [0.0] * 2
    # TFT sees the defection in round 4, retaliates from round 5, and remembers after round 8
    assert lab_column(model, 0, "cooperation") == [1.0] * 5 + [0.0] * 5
    trust = lab_column(model, 0, "trust")
    assert trust[:4] == [0.5] * 4 and trust[4] > trust[7] and trust[7] == trust[9]


def test_transparency_never_lowers_observability():
    transparency = {"type": "transparency", "observability": 0.2}
    scenario = make_scenario([("always_cooperate", 2)], interventions=[transparency], rounds=2, observability=0.9)
    _, rounds = run(scenario)
    assert rounds["observability"].tolist() == [0.9, 0.9]


# --------------------------------------------------------------------------- accurate beliefs


def test_accurate_beliefs_close_the_perception_gap_at_their_rate():
    beliefs = {"type": "accurate_beliefs", "rate": 0.5, "start": 2, "end": 5}
    biased = {"trust": 0.8, "perceived": {"advantage": 7.0}}  # truly 3 in the stag hunt
    labs = [("trust_best_response", 1, biased), ("always_cooperate", 1)]
    model, _ = run(make_scenario(labs, interventions=[beliefs], game=STAG_HUNT, rounds=8))
    gap = model.perceived_payoffs[0] - model.true_payoffs[0]
    assert gap[1, 0] == pytest.approx(4.0 * 0.5**3)  # three active rounds; the gap stays closed
    # perceived T by round: 7, 7, 5, 4, 3.5, ...; belief b in the cooperating partner rises from
    # 0.8 as it is observed; cooperation pays once b*(4 - T) + (1 - b)*(-3 + 1) >= 0 (round 4)
    assert lab_column(model, 0, "cooperation") == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]


# --------------------------------------------------------------------------- liability


def test_liability_puts_incident_costs_on_the_defector_in_its_window():
    incidents = {"probability": 1.0, "cost": 6.0, "borne_by": "all"}
    liability = {"type": "liability", "start": 2}
    labs = [("always_cooperate", 1), ("always_defect", 1), ("always_cooperate", 1)]
    model, rounds = run(make_scenario(labs, interventions=[liability], rounds=4, incidents=incidents))
    # two incidents per round (the defector's two matches); shared: 12 / 3 = 4 each
    assert lab_column(model, 0, "payoff") == [3 - 1 - 4, 3 - 1 - 4, 3 - 1, 3 - 1]
    assert lab_column(model, 1, "payoff") == [10 - 4, 10 - 4, 10 - 12, 10 - 12]
    assert (rounds["incident_cost"] == 12.0).all()


# --------------------------------------------------------------------------- public cost


def test_public_cost_is_charged_in_active_rounds_only():
    audit = {
        "type": "audit_and_fine",
        "detection_probability": 0.0,
        "fine": 1.0,
        "start": 1,
        "end": 3,
        "cost_per_round": 2.0,
    }
    subsidy = {"type": "safety_subsidy", "amount": 0.0, "start": 2, "cost_per_round": 0.5}
    _, rounds = run(make_scenario([("always_cooperate", 2)], interventions=[audit, subsidy], rounds=5))
    assert rounds["public_cost"].tolist() == [0.0, 2.0, 2.5, 0.5, 0.5]
    assert rounds["welfare"].tolist() == [6 - c for c in (0.0, 2.0, 2.5, 0.5, 0.5)]
