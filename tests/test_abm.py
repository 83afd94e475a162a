"""The iterated model's dynamics: strategies, matching, observability, trembles and incidents."""

from __future__ import annotations

import math
import typing

import numpy as np
import pytest

from coopsim.abm import STRATEGIES, LabModel, simulate
from coopsim.policy.incidents import expected_cost_matrix
from coopsim.theory.stage_game import Payoffs, critical_trust
from coopsim.scenario.spec import IncidentSpec, Scenario, StrategySpec
from tests.abm_scenarios import HARMONY, PRISONERS_DILEMMA, STAG_HUNT, make_scenario


def run(scenario: Scenario, seed: int = 0) -> LabModel:
    model = LabModel(scenario, rng=np.random.default_rng(seed))
    for _ in range(scenario.dynamics.rounds):
        model.step()
    return model


def rounds_table(model: LabModel):
    return model.datacollector.get_model_vars_dataframe()


def lab_actions(model: LabModel, lab: int) -> list[float]:
    """A lab's cooperation share per round."""
    table = model.datacollector.get_agent_vars_dataframe()
    agent = list(model.agents)[lab].unique_id
    return table.xs(agent, level="AgentID")["cooperation"].tolist()


# --------------------------------------------------------------------------- registry


def test_every_schema_strategy_is_registered_with_a_docstring():
    specs = typing.get_args(typing.get_args(StrategySpec)[0])
    names = {typing.get_args(spec.model_fields["type"].annotation)[0] for spec in specs}
    assert names == set(STRATEGIES)
    assert all(cls.__doc__ and cls.type == name for name, cls in STRATEGIES.items())


# --------------------------------------------------------------------------- fixed strategies


def test_always_strategies_give_exact_cooperation_rates_round_robin():
    model = run(make_scenario([("always_cooperate", 3), ("always_defect", 2)], rounds=5))
    # each of 5 labs plays 4 matches: 12 of the 20 actions are cooperation
    assert rounds_table(model)["cooperation_rate"].tolist() == [0.6] * 5
    assert lab_actions(model, 0) == [1.0] * 5 and lab_actions(model, 4) == [0.0] * 5


def test_always_strategies_give_exact_cooperation_rates_random_pairs():
    scenario = make_scenario(
        [("always_cooperate", 2), ("always_defect", 6)], rounds=20, matching="random_pairs"
    )
    assert rounds_table(run(scenario))["cooperation_rate"].tolist() == [0.25] * 20


def test_stage_payoffs_follow_the_matrix():
    # C vs D in a PD: the cooperator gets S = -1, the defector T = 5
    model = run(make_scenario([("always_cooperate", 1), ("always_defect", 1)], rounds=3))
    assert model.lab_payoff == [-1.0, 5.0]
    assert rounds_table(model)["welfare"].tolist() == [4.0] * 3


def test_asymmetric_bimatrix_payoffs_are_respected():
    game = {"model": "matrix", "bimatrix": {"row": [[3, -2], [4, 0]], "column": [[2, 5], [-1, 1]]}}
    model = run(make_scenario([("always_cooperate", 1), ("always_defect", 1)], game=game, rounds=1))
    # row lab cooperates, column lab defects: row gets row[C][D], column gets column[C][D]
    assert model.lab_payoff == [-2.0, 5.0]


def test_random_pairs_with_an_odd_count_sit_one_lab_out():
    model = run(make_scenario([("always_cooperate", 5)], rounds=30, matching="random_pairs"))
    table = model.datacollector.get_agent_vars_dataframe()
    per_round = table.groupby(level="Step")["matches"]
    assert (per_round.sum() == 4).all() and (per_round.min() == 0).all()
    assert table.loc[table["matches"] == 0, "cooperation"].isna().all()
    assert table["matches"].groupby(level="AgentID").min().eq(0).sum() > 1  # the sitter varies


# --------------------------------------------------------------------------- reactive strategies


def test_tit_for_tat_pairs_cooperate_forever_without_trembles():
    model = run(make_scenario([("tit_for_tat", 6)], rounds=200, matching="random_pairs"))
    assert (rounds_table(model)["cooperation_rate"] == 1.0).all()


def test_tit_for_tat_and_grim_trigger_retaliate_after_the_first_round():
    for strategy in ("tit_for_tat", "grim_trigger"):
        model = run(make_scenario([(strategy, 1), ("always_defect", 1)], rounds=5))
        assert lab_actions(model, 0) == [1.0, 0.0, 0.0, 0.0, 0.0]


def test_tit_for_tat_forgives_and_grim_trigger_does_not():
    # reinforcement with full exploration plays a random action every match
    random_lab = {"type": "reinforcement", "exploration": 1.0}
    for strategy, forgives in (("tit_for_tat", True), ("grim_trigger", False)):
        model = run(make_scenario([(strategy, 1), (random_lab, 1)], rounds=60))
        mine, theirs = lab_actions(model, 0), lab_actions(model, 1)
        assert mine[1:] == theirs[:-1] if forgives else mine[1:] != theirs[:-1]
        if not forgives:
            first_defection = theirs.index(0.0)
            assert mine[first_defection + 1 :] == [0.0] * (59 - first_defection)


def test_unobserved_partners_are_never_punished():
    model = run(
        make_scenario([("tit_for_tat", 1), ("always_defect", 1)], rounds=20, observability=0.0)
    )
    assert lab_actions(model, 0) == [1.0] * 20


def test_beliefs_never_move_without_observability():
    labs = [("trust_best_response", 3, {"trust": 0.7}), ("always_defect", 2, {"trust": 0.2})]
    model = run(make_scenario(labs, rounds=30, observability=0.0))
    table = model.datacollector.get_agent_vars_dataframe()
    assert np.allclose(model.memory.belief[0][:3], 0.7) and np.allclose(model.memory.belief[0][3:], 0.2)
    assert table["trust"].groupby(level="AgentID").nunique().eq(1).all()


def test_beliefs_are_beta_posterior_means():
    # prior mean 0.5, strength 4; partner always defects, seen every round
    labs = [({"type": "trust_best_response", "prior_strength": 4}, 1), ("always_defect", 1)]
    model = run(make_scenario(labs, rounds=6))
    assert model.memory.belief[0][0, 1] == pytest.approx(2 / (4 + 6))


# --------------------------------------------------------------------------- trust best response


def stag_hunt_threshold() -> float:
    p = Payoffs.from_factors(**STAG_HUNT)
    return float(critical_trust(p.R, p.S, p.T, p.P))


@pytest.mark.parametrize("offset, expected", [(0.05, 1.0), (-0.05, 0.0)])
def test_trusting_labs_in_a_stag_hunt_converge_on_the_side_of_the_critical_trust(offset, expected):
    trust = stag_hunt_threshold() + offset  # critical trust 2/3
    labs = [("trust_best_response", 6, {"trust": trust})]
    exact = run(make_scenario(labs, game=STAG_HUNT, rounds=30))
    assert (rounds_table(exact)["cooperation_rate"] == expected).all()
    # with trembles a weak prior near the threshold can be broken by one early slip, so the
    # noisy run uses firmer priors: 10 pseudo-observations
    firm = [({"type": "trust_best_response", "prior_strength": 10}, 6, {"trust": trust})]
    noisy = run(make_scenario(firm, game=STAG_HUNT, rounds=200, tremble=0.02))
    late = rounds_table(noisy)["cooperation_rate"].iloc[-50:].mean()
    assert abs(late - expected) < 0.05


def test_no_trust_makes_cooperation_rational_in_a_prisoners_dilemma():
    model = run(make_scenario([("trust_best_response", 4, {"trust": 1.0})], rounds=5))
    assert (rounds_table(model)["cooperation_rate"] == 0.0).all()


def test_biased_perceptions_drive_trust_best_response():
    # truly a stag hunt at trust 0.8 (cooperate), but a lab that believes the advantage is 6
    # sees a prisoner's dilemma and defects
    biased = {"trust": 0.8, "perceived": {"advantage": 6}}
    labs = [("trust_best_response", 1, biased), ("always_cooperate", 1)]
    model = run(make_scenario(labs, game=STAG_HUNT, rounds=3))
    assert lab_actions(model, 0) == [0.0] * 3
    assert model.lab_payoff[0] == 3.0  # paid the TRUE advantage


# --------------------------------------------------------------------------- learning strategies


def long_run(model: LabModel, last: int = 50) -> float:
    return float(rounds_table(model)["cooperation_rate"].iloc[-last:].mean())


def test_reinforcement_learns_to_defect_in_a_dilemma_and_cooperate_in_harmony():
    learner = {"type": "reinforcement", "learning_rate": 0.2, "exploration": 0.05}
    assert long_run(run(make_scenario([(learner, 6)], rounds=300))) < 0.1
    assert long_run(run(make_scenario([(learner, 6)], game=HARMONY, rounds=300))) > 0.9


def test_reinforcement_explores_at_its_rate():
    explorer = {"type": "reinforcement", "exploration": 0.4}
    model = run(make_scenario([(explorer, 2), ("always_cooperate", 8)], rounds=400))
    # greedy play is defection against cooperators; exploring picks C half the time
    assert np.mean(lab_actions(model, 0)[50:]) == pytest.approx(0.2, abs=0.03)


def test_imitation_spreads_the_better_paid_action():
    imitator = {"type": "imitation", "selection_intensity": 5, "initial_cooperation": 0.5}
    assert long_run(run(make_scenario([(imitator, 10)], rounds=200))) == 0.0
    assert long_run(run(make_scenario([(imitator, 10)], game=HARMONY, rounds=200))) == 1.0


def test_imitation_without_selection_copies_regardless_of_payoffs():
    imitator = {"type": "imitation", "selection_intensity": 0, "initial_cooperation": 1.0}
    labs = [(imitator, 4), ("always_cooperate", 3), ("always_defect", 3)]
    model = run(make_scenario(labs, rounds=400))
    assert lab_actions(model, 0)[0] == 1.0
    # beta = 0: defectors earn more but are copied no more often than cooperators
    share = np.mean([lab_actions(model, lab)[100:] for lab in range(4)])
    assert 0.35 < share < 0.65
    selective_labs = [({**imitator, "selection_intensity": 5}, 4), *labs[1:]]
    selective = run(make_scenario(selective_labs, rounds=400))
    assert np.mean([lab_actions(selective, lab)[100:] for lab in range(4)]) < 0.2


# --------------------------------------------------------------------------- trembles, incidents


def test_trembles_flip_actions_at_their_rate():
    model = run(make_scenario([("always_cooperate", 10)], rounds=100, tremble=0.1))
    assert rounds_table(model)["cooperation_rate"].mean() == pytest.approx(0.9, abs=0.01)


def test_incident_counts_match_their_probability():
    incidents = {"probability": 0.3, "cost": 2.0}
    model = run(make_scenario([("always_defect", 10)], rounds=100, incidents=incidents))
    trials = 90 * 100  # 45 matches x 2 defections per round
    count = rounds_table(model)["incidents"].sum()
    assert abs(count - 0.3 * trials) < 4 * math.sqrt(trials * 0.3 * 0.7)


def test_cooperators_cause_no_incidents():
    incidents = {"probability": 1.0, "cost": 5}
    model = run(make_scenario([("always_cooperate", 4)], rounds=20, incidents=incidents))
    assert rounds_table(model)["incidents"].sum() == 0


@pytest.mark.parametrize("borne_by", ["defector", "all"])
def test_incident_costs_fall_on_whom_the_scenario_says(borne_by):
    incidents = {"probability": 0.5, "cost": 4.0, "borne_by": borne_by}
    labs = [("always_cooperate", 2), ("always_defect", 2)]
    model = run(make_scenario(labs, rounds=50, incidents=incidents))
    table = model.datacollector.get_agent_vars_dataframe()
    rounds = rounds_table(model)
    assert rounds["incident_cost"].tolist() == (rounds["incidents"] * 4.0).tolist()
    stage = 3 - 1 - 1  # a cooperator meets one cooperator (R = 3) and two defectors (S = -1)
    cooperator_bill = stage - table.xs(list(model.agents)[0].unique_id, level="AgentID")["payoff"]
    if borne_by == "defector":
        assert (cooperator_bill == 0).all()
    else:
        assert np.allclose(cooperator_bill.to_numpy(), rounds["incidents"].to_numpy() * 4.0 / 4)


@pytest.mark.parametrize("borne_by", ["defector", "all"])
def test_mean_payoffs_match_the_incident_adjusted_stage_game(borne_by):
    """The honest one-shot comparison: average realised payoffs equal the adjusted payoffs."""
    spec = IncidentSpec(probability=0.25, cost=8.0, borne_by=borne_by)
    scenario = make_scenario(
        [("always_cooperate", 1), ("always_defect", 1)], rounds=4000, incidents=spec.model_dump()
    )
    model = run(scenario)
    labs = model.datacollector.get_agent_vars_dataframe()["payoff"].groupby(level="AgentID").mean()
    # By hand: q*C = 2. The defector pays: S = -1, T = 5 - 2. Shared by the 2 labs: each pays 1.
    sucker, temptation = (-1.0, 3.0) if borne_by == "defector" else (-2.0, 4.0)
    assert labs.tolist() == pytest.approx([sucker, temptation], abs=0.1)
    costs = expected_cost_matrix(spec, 2, borne_by == "defector")
    assert costs[0, 1] == pytest.approx(-1 - sucker)
    assert costs[1, 0] == pytest.approx(5 - temptation)
