"""Interventions aimed at some labs (``targets:``): named labs, or the best-connected ones."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.abm import LabModel
from tests.abm_scenarios import PRISONERS_DILEMMA, make_scenario

# PRISONERS_DILEMMA: R = 3, T = 5, S = -1, P = -0.5


def play(scenario, rounds=None):
    model = LabModel(scenario, rng=np.random.default_rng(0))
    for _ in range(rounds or scenario.dynamics.rounds):
        model.step()
    return model


def lab(name, strategy, **fields):
    return (strategy, 1, {"name": name, **fields})


def test_an_audit_of_named_labs_fines_only_them():
    # Round robin of three: Target and Other always defect, Saint always cooperates. A certain
    # audit (detection 1, fine 4) of Target alone: Target defects in its 2 matches each round, so
    # fines are 2 x 4 = 8 per round. Target earns T + P - 8 = 5 - 0.5 - 8, Other T + P = 4.5.
    scenario = make_scenario(
        [lab("Target", "always_defect"), lab("Other", "always_defect"), lab("Saint", "always_cooperate")],
        rounds=3,
        interventions=[{"type": "audit_and_fine", "detection_probability": 1, "fine": 4,
                        "targets": {"labs": ["Target"]}}],
    )
    model = play(scenario)
    rounds = model.datacollector.get_model_vars_dataframe()
    assert rounds["fines_collected"].tolist() == [8.0] * 3
    assert model.lab_payoff[:2] == [5 - 0.5 - 8, 5 - 0.5]


def test_a_subsidy_for_the_best_connected_lab_pays_only_the_hub(write_yaml, tmp_path):
    # A star: Hub linked to three leaves, everyone cooperating. A subsidy of 2 per cooperative
    # match for the single highest-degree lab pays Hub 3 x 2 = 6 per round and nobody else.
    write_yaml("source,target\nHub,Leaf 1\nHub,Leaf 2\nHub,Leaf 3\n", "edges.csv")
    scenario = make_scenario(
        [lab("Hub", "always_cooperate"), ("always_cooperate", 3, {"name": "Leaf"})],
        rounds=2, network={"type": "file", "file": str(tmp_path / "edges.csv")},
        interventions=[{"type": "safety_subsidy", "amount": 2, "targets": {"highest_degree": 1}}],
    )
    model = play(scenario)
    assert model.datacollector.get_model_vars_dataframe()["subsidies_paid"].tolist() == [6.0, 6.0]
    assert model.lab_payoff == [3 * 3 + 6, 3, 3, 3]


def test_targeted_fines_change_only_the_targeted_labs_decisions():
    # Trust best response in the PD: defecting gains T - R = 2 against a cooperator and
    # P - S = 0.5 against a defector. An expected fine of 1 x 3 = 3 > 2 makes cooperating the
    # best response for Frontier alone; Follower keeps defecting.
    scenario = make_scenario(
        [lab("Frontier", "trust_best_response"), lab("Follower", "trust_best_response")],
        game=PRISONERS_DILEMMA, rounds=2,
        interventions=[{"type": "audit_and_fine", "detection_probability": 1, "fine": 3,
                        "targets": {"labs": ["Frontier"]}}],
    )
    model = play(scenario)
    assert model.lab_cooperation == [1.0, 0.0]


@pytest.mark.parametrize("intervention, network, message", [
    ({"type": "transparency", "observability": 1, "targets": {"labs": ["Kind 0"]}}, None,
     "transparency cannot target labs"),
    ({"type": "safety_subsidy", "amount": 1, "targets": {"labs": ["Nobody"]}}, None,
     "unknown lab 'Nobody'"),
    ({"type": "safety_subsidy", "amount": 1, "targets": {"highest_degree": 2}}, None,
     "needs dynamics.network"),
    ({"type": "safety_subsidy", "amount": 1, "targets": {"labs": ["Kind 0"], "highest_degree": 2}},
     {"type": "ring", "degree": 2}, "exactly one of"),
])
def test_impossible_targets_are_bad_input(intervention, network, message):
    extra = {"network": network} if network else {}
    with pytest.raises(ValueError, match=message):
        make_scenario([("always_cooperate", 4)], interventions=[intervention], **extra)


def test_two_subsidies_for_different_labs_pay_each_only_its_own_lab():
    # Round robin of three cooperators (2 matches each per round, R = 3). A subsidy of 2 per
    # cooperative match for Alpha and one of 5 for Beta: Alpha earns 2 x (3 + 2) = 10, Beta
    # 2 x (3 + 5) = 16, Gamma 2 x 3 = 6; subsidies paid 2 x 2 + 2 x 5 = 14 per round. (The
    # second targeted subsidy once reached every lab through an array shared with its trial copy.)
    scenario = make_scenario(
        [lab("Alpha", "always_cooperate"), lab("Beta", "always_cooperate"), lab("Gamma", "always_cooperate")],
        rounds=2,
        interventions=[{"type": "safety_subsidy", "amount": 2, "targets": {"labs": ["Alpha"]}},
                       {"type": "safety_subsidy", "amount": 5, "targets": {"labs": ["Beta"]}}],
    )
    model = play(scenario)
    assert model.datacollector.get_model_vars_dataframe()["subsidies_paid"].tolist() == [14.0, 14.0]
    assert model.lab_payoff == [10, 16, 6]
