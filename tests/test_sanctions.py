"""Peer punishment, rewards and voluntary commitments: who pays what and when (hand
calculations), who pledges, that the expected game prices them as chance x amount, that they
move trust-best-response labs toward safe play in a prisoner's dilemma, and which draws make
runs random."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from coopsim.abm.model import LabModel
from coopsim.analyses import sensitivity as sa
from coopsim.abm.runner import random_sources
from coopsim.policy.expected import in_force
from tests.strategy_harness import scripted_strategy
from tests.test_policy import expected_rstp, scenario_with

# The PD of tests/test_policy.py: R = 3, S = -1, T = 5, P = -0.5.
PUNISH = {"type": "peer_punishment", "cost": 0.5, "fine": 4}
PUBLIC_REWARD = {"type": "reward", "amount": 2}
PEER_REWARD = {"type": "reward", "budget": "peer", "amount": 4, "cost": 1}
COMMIT = {"type": "voluntary_commitment", "pledge_cost": 0.2, "sanction": 4}


def play(interventions, moves, rounds, observability, seed=0, advantages=None):
    """Scripted labs with the given move strings (and T = ``advantages``, default 5); per-round
    payoffs (rounds x labs) and the model-level records."""
    advantages = advantages or [5] * len(moves)
    with scripted_strategy():
        labs = [{"name": f"L{i}", "advantage": t, "strategy": {"type": "scripted", "moves": m}}
                for i, (m, t) in enumerate(zip(moves, advantages))]
        scenario = scenario_with(interventions, labs=labs, rounds=rounds, observability=observability)
        model = LabModel(scenario, rng=np.random.default_rng(seed))
        for _ in range(rounds):
            model.step()
    payoffs = model.datacollector.get_agent_vars_dataframe()["payoff"].unstack().to_numpy()
    return payoffs, model.datacollector.get_model_vars_dataframe()


# --------------------------------------------------------------------------- who pays what, when


def test_peer_punishment_the_safe_lab_pays_the_cost_and_the_unsafe_one_the_fine():
    # Seen for sure: the cooperator gets S - c = -1 - 0.5, the defector T - F = 5 - 4.
    payoffs, records = play([PUNISH], ["C", "D"], 3, observability=1)
    assert payoffs.tolist() == [[-1.5, 1.0]] * 3
    # Lost to both: nothing reaches the public purse, welfare = stage payoffs - c - F.
    assert records["fines_collected"].tolist() == [0] * 3
    assert records["welfare"].tolist() == pytest.approx([-1 + 5 - 4.5] * 3)
    # Mutual cooperation and mutual defection: no one punishes (defectors never do).
    assert play([PUNISH], ["C", "C"], 2, observability=1)[0].tolist() == [[3, 3]] * 2
    assert play([PUNISH], ["D", "D"], 2, observability=1)[0].tolist() == [[-0.5, -0.5]] * 2
    # Never seen, never punished.
    assert play([PUNISH], ["C", "D"], 2, observability=0)[0].tolist() == [[-1, 5]] * 2


def test_peer_punishment_cost_and_fine_follow_one_sighting_with_the_observability():
    """With observability 1/2 each round is either unpunished (S, T) or punished (S - c, T - F):
    both sides of one punishment happen together, and it happens in about half the rounds
    (binomial: 2000 rounds, 5 standard errors = 0.056)."""
    payoffs, _ = play([PUNISH], ["C", "D"], 2000, observability=0.5, seed=3)
    rows = {tuple(row) for row in payoffs.tolist()}
    assert rows == {(-1.0, 5.0), (-1.5, 1.0)}
    punished = np.mean(payoffs[:, 1] == 1.0)
    assert abs(punished - 0.5) < 5 * np.sqrt(0.25 / 2000)


def test_public_reward_is_paid_by_the_public_purse_to_every_seen_safe_lab():
    # C against D, seen: the cooperator gets S + r = 1, the defector T = 5; r comes from the purse.
    payoffs, records = play([PUBLIC_REWARD], ["C", "D"], 2, observability=1)
    assert payoffs.tolist() == [[1, 5]] * 2
    assert records["subsidies_paid"].tolist() == [2, 2]
    assert records["welfare"].tolist() == [4, 4]  # a transfer: stage payoffs -1 + 5
    # Both safe: each gets R + r = 5, the purse pays 2r.
    payoffs, records = play([PUBLIC_REWARD], ["C", "C"], 1, observability=1)
    assert payoffs.tolist() == [[5, 5]] and records["subsidies_paid"].tolist() == [4]


def test_peer_reward_passes_between_safe_labs_only():
    # Both safe and seen: each pays c = 1 and receives r = 4: R + 3 = 6; no public money.
    payoffs, records = play([PEER_REWARD], ["C", "C"], 2, observability=1)
    assert payoffs.tolist() == [[6, 6]] * 2
    assert records["subsidies_paid"].tolist() == [0, 0]
    assert records["welfare"].tolist() == [12, 12]
    # A defector is neither rewarded nor rewards; the cooperator does not reward a defector.
    assert play([PEER_REWARD], ["C", "D"], 2, observability=1)[0].tolist() == [[-1, 5]] * 2


def test_a_pledged_lab_pays_its_pledge_every_match_and_the_sanction_when_seen_defecting():
    """Both labs pledge (F = 4 >= max(T - R, P - S) = 2 and R - e = 2.8 > P = -0.5). The safe
    lab pays e: S - 0.2; the breaker seen defecting pays e and F: T - 0.2 - 4; F goes to the
    public purse, e is lost."""
    payoffs, records = play([COMMIT], ["C", "D"], 2, observability=1)
    assert np.allclose(payoffs, [[-1.2, 0.8]] * 2)
    assert records["fines_collected"].tolist() == [4, 4]
    assert records["welfare"].tolist() == pytest.approx([-1 + 5 - 0.4] * 2)
    # Unseen breaches go unsanctioned; the pledge is still paid.
    payoffs, records = play([COMMIT], ["C", "D"], 2, observability=0)
    assert np.allclose(payoffs, [[-1.2, 4.8]] * 2)
    assert records["fines_collected"].tolist() == [0, 0]


def test_only_labs_the_pledge_rule_admits_pledge():
    """Lab 1 with T = 10 has temptation T - R = 7 > F = 4: it does not pledge, so defecting
    and seen it keeps P = -0.5; lab 0 (T = 5) pledges and pays P - e - F = -4.7. A pledge cost
    of 4 (R - e = -1 < P) keeps both out: no one pays anything."""
    payoffs, _ = play([COMMIT], ["D", "D"], 1, observability=1, advantages=[5, 10])
    assert np.allclose(payoffs, [[-4.7, -0.5]])
    dear = {**COMMIT, "pledge_cost": 4}
    assert play([dear], ["D", "D"], 1, observability=1)[0].tolist() == [[-0.5, -0.5]]


def test_the_expected_game_is_chance_times_amount():
    # o = 0.5.  Punishment: S - o*c = -1.25, T - o*F = 3.  Public reward: R, S + o*r = 4, 0.
    # Peer reward: R + o*(r - c) = 4.5.  Transparency raises o to 1 whatever the order.
    assert expected_rstp(scenario_with([PUNISH], observability=0.5)) == pytest.approx([3, -1.25, 3, -0.5])
    assert expected_rstp(scenario_with([PUBLIC_REWARD], observability=0.5)) == pytest.approx([4, 0, 5, -0.5])
    assert expected_rstp(scenario_with([PEER_REWARD], observability=0.5)) == pytest.approx([4.5, -1, 5, -0.5])
    # Pledged, o = 0.5: every payoff - e = 0.2, and T, P a further - o*F = 2.
    assert expected_rstp(scenario_with([COMMIT], observability=0.5)) == pytest.approx([2.8, -1.2, 2.8, -2.7])
    seen = {"type": "transparency", "observability": 1}
    for order in ([PUNISH, seen], [seen, PUNISH]):
        assert expected_rstp(scenario_with(order, observability=0.5)) == pytest.approx([3, -1.5, 1, -0.5])


# --------------------------------------------------------------------------- direction


@pytest.mark.parametrize("intervention", [PUNISH, PUBLIC_REWARD, PEER_REWARD, COMMIT],
                         ids=lambda i: i.get("budget", i["type"]))
def test_sanctions_and_rewards_turn_trusting_best_responders_safe_in_a_prisoners_dilemma(intervention):
    """Labs trusting their partner at 0.6 defect in the PD (T > R and P > S). Fully seen,
    punishment makes (R, S, T, P) = (3, -1.5, 1, -0.5): cooperating pays iff
    0.6*(3 - 1) + 0.4*(-1.5 + 0.5) = 0.8 >= 0; the public reward makes S + 2 = 1 > P and
    R + 2 = 5 = T; the peer reward R + 3 = 6 > T; pledged, (2.8, -1.2, 0.8, -4.7) makes safe
    play dominant. Cooperation then confirms the trust."""
    def cooperation(interventions):
        scenario = scenario_with(
            interventions, rounds=20, observability=1,
            labs=[{"name": n, "trust": 0.6, "strategy": {"type": "trust_best_response"}} for n in "AB"],
        )
        model = LabModel(scenario, rng=np.random.default_rng(0))
        for _ in range(20):
            model.step()
        return model.datacollector.get_model_vars_dataframe()["cooperation_rate"].mean()

    assert cooperation([]) == 0
    assert cooperation([intervention]) == 1


def test_punishment_raises_cooperation_when_sightings_are_random():
    """Seen half the time: T - 0.5*F = 5 - 0.5*8 = 1 < R and S - 0.5*c = -1.25; at trust 0.6
    cooperating pays 0.6*2 + 0.4*(-0.75) = 0.9 > 0, so labs cooperate from the start and keep
    cooperating (they only see cooperation), against none without it."""
    labs = [{"name": n, "trust": 0.6} for n in "ABC"]
    punish = {"type": "peer_punishment", "cost": 0.5, "fine": 8}
    rates = {}
    for name, interventions in {"none": [], "punish": [punish]}.items():
        scenario = scenario_with(interventions, labs=labs, rounds=30, observability=0.5)
        model = LabModel(scenario, rng=np.random.default_rng(1))
        for _ in range(30):
            model.step()
        rates[name] = model.datacollector.get_model_vars_dataframe()["cooperation_rate"].mean()
    assert rates == {"none": 0, "punish": 1}


def test_a_lab_that_does_not_pledge_keeps_defecting_beside_one_that_does():
    """Trust 0.6, fully seen: lab A (T = 5) pledges and plays safe; lab B (T = 10, temptation
    7 > F) stays out, and for it defecting still pays (0.6*(3 - 10) + 0.4*(-1 + 0.5) < 0)."""
    scenario = scenario_with(
        [COMMIT], rounds=10, observability=1,
        labs=[{"name": "A", "trust": 0.6}, {"name": "B", "trust": 0.6, "advantage": 10}],
    )
    model = LabModel(scenario, rng=np.random.default_rng(0))
    for _ in range(10):
        model.step()
    cooperation = model.datacollector.get_agent_vars_dataframe()["cooperation"].unstack()
    assert cooperation.mean().tolist() == [1, 0]


# --------------------------------------------------------------------------- randomness, no-ops, input


def test_a_sighting_that_is_not_certain_makes_runs_random():
    assert "sanctions and rewards" in random_sources(scenario_with([PUNISH], observability=0.5))
    assert random_sources(scenario_with([PUNISH], observability=1)) == []
    certain = [{"type": "transparency", "observability": 1, "start": 0}, PEER_REWARD]
    assert "sanctions and rewards" not in random_sources(scenario_with(certain, observability=0.5))
    assert "sanctions and rewards" in random_sources(scenario_with([COMMIT], observability=0.5))
    no_one_pledges = {**COMMIT, "sanction": 1}  # below every lab's temptation T - R = 2
    assert random_sources(scenario_with([no_one_pledges], observability=0.5)) == ["observability"]


def test_sanctions_nobody_can_see_do_nothing():
    assert in_force(scenario_with([PUNISH], observability=0)) == []
    seen = {"type": "transparency", "observability": 0.5}
    assert len(in_force(scenario_with([PUNISH, seen], observability=0))) == 2
    assert in_force(scenario_with([{"type": "reward", "amount": 0}], observability=1)) == []


def test_a_public_reward_has_no_rewarder_cost():
    with pytest.raises(ValidationError, match="cost applies only to budget: peer"):
        scenario_with([{"type": "reward", "amount": 1, "cost": 0.5}])


def test_sensitivity_varies_only_levers_every_setting_accepts():
    """A public reward's cost must stay 0, so cost is no lever; the others' parameters are."""
    scenario = scenario_with([PUBLIC_REWARD, PUNISH, COMMIT, PEER_REWARD])
    paths = {lever.path for lever in sa.levers(scenario, 0.5)}
    assert {"interventions[0].amount", "interventions[1].cost", "interventions[1].fine",
            "interventions[2].pledge_cost", "interventions[2].sanction",
            "interventions[3].amount"} <= paths
    assert not any(path.endswith("].cost") and not path.startswith("interventions[1]") for path in paths)


def test_a_targeted_commitment_is_open_to_the_targeted_labs_only():
    """Both labs qualify to pledge, but only L0 is targeted: L0 pays P - e - F = -4.7 when seen
    defecting, L1 keeps P = -0.5."""
    targeted = {**COMMIT, "targets": {"labs": ["L0"]}}
    payoffs, _ = play([targeted], ["D", "D"], 1, observability=1)
    assert np.allclose(payoffs, [[-4.7, -0.5]])
