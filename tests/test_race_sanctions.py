"""Interventions in the DSAIR race played by agents: peer punishment, rewards and pledges pay
each round between rivals through the one Transfer rule of the lab model
(coopsim.policy.base.entry_amounts), settled as they happen (a disaster does not undo them).

Hand calculations use b = 4, c = 1, s = 2, B = 100, W = 10, so a race with an UNSAFE lab lasts
W/s = 5 rounds and an all-SAFE race 10; p_r = p_fo = 0 unless said, so nothing else is random.
"""

from __future__ import annotations

import zlib
from dataclasses import replace

import numpy as np
import pytest

from coopsim.abm.race import DsairRace, play_pair
from coopsim.games.dsair_race import expected_payments, race_problem, race_rules
from coopsim.scenario.errors import ScenarioError
from coopsim.scenario.loading import loads_scenario
from coopsim.theory import dsair
from coopsim.theory.dsair import DsairParams
from tests.test_policy import SETTINGS

PARAMS = DsairParams(b=4.0, c=1.0, s=2.0, B=100.0, W=10.0, p_r=0.0, p_fo=0.0)
GAME = "{model: dsair, b: 4, c: 1, s: 2, B: 100, W: 10, p_r: 0, p_fo: 0}"


def scenario(interventions: str, game: str = GAME, observability: float = 1.0, extra: str = ""):
    return loads_scenario(
        f"name: race sanctions\ngame: {game}\n"
        f"dynamics: {{rounds: 100, replicates: 2, observability: {observability}}}\n"
        f"interventions: {interventions}\n{extra}"
    )


def race_payoffs(s, row: str, column: str, params: DsairParams = PARAMS, races: int = 3, seed: int = 0):
    """Each lab's payoff of each race (races x 2) with the scenario's interventions."""
    records = play_pair(params, row, column, races, np.random.default_rng(seed), race_rules(s, 2))
    return records.pivot(index="race", columns="lab", values="race_payoff").to_numpy()


def test_peer_punishment_the_safe_lab_pays_and_the_unsafe_lab_is_fined_every_round():
    s = scenario("[{type: peer_punishment, cost: 1, fine: 5}]")
    # AS vs AU, 5 rounds. AS earns pi12 = -c + b/(s+1) = -1 + 4/3 per round, pays 1 per round:
    # 5 * (1/3) - 5 = -10/3. AU earns b s/(s+1) = 8/3 per round and wins B = 100, is fined 5
    # per round: 100 + 5 * 8/3 - 25 = 265/3.
    assert race_payoffs(s, "AS", "AU") == pytest.approx(np.tile([-10 / 3, 265 / 3], (3, 1)))
    # Two safe labs never punish: AS vs AS is Eq. 1's pi11 = b/2 - c = 1 for 10 rounds + B/2.
    assert race_payoffs(s, "AS", "AS") == pytest.approx(np.full((3, 2), 10 + 50))
    # A disaster wipes out the race payoff, not the fines already paid: p_r = 1, AU fully UNSAFE.
    doomed = race_payoffs(s, "AS", "AU", replace(PARAMS, p_r=1.0))
    assert doomed[:, 1] == pytest.approx([-25.0] * 3)
    # CS vs AU: CS plays SAFE in round 1 only, so it punishes once (pays 1, fines 5).
    cs = race_payoffs(s, "CS", "AU")
    assert cs[:, 0] == pytest.approx([1 / 3 + 4 * 2 - 1] * 3)  # pi12 once, then pi22 = b/2 four times
    assert cs[:, 1] == pytest.approx([100 + 8 / 3 + 4 * 2 - 5] * 3)


def test_rewards_and_pledges_pay_who_the_rule_says():
    peer = scenario("[{type: reward, amount: 2, budget: peer, cost: 0.5}]")
    # Between safe labs each pays 0.5 and receives 2 every round: +1.5 x 10 rounds.
    assert race_payoffs(peer, "AS", "AS") == pytest.approx(np.full((3, 2), 60 + 15))
    assert race_payoffs(peer, "AS", "AU") == pytest.approx(np.tile([5 / 3, 100 + 40 / 3], (3, 1)))
    public = scenario("[{type: reward, amount: 2}]")
    # The public purse pays a SAFE lab 2 per round whatever its rival played.
    assert race_payoffs(public, "AS", "AU") == pytest.approx(np.tile([5 / 3 + 10, 100 + 40 / 3], (3, 1)))
    # Pledges: with p_fo = 0.9, Eq. 1 gives R = pi11 = 1, S = pi12 = -1 + 0.1 * 4/3 + 0.9 * 4,
    # T = pi21 = 0.1 * 8/3, P = pi22 = (1 - 0.81) * 2 = 0.38: T - R and P - S are negative and
    # R - e = 0.9 > P, so both labs pledge. A pledged lab pays e = 0.1 every round and F = 3 each
    # round its rival sees it UNSAFE (observability 1): over 5 rounds AU pays 15.5, AS 0.5.
    game = GAME.replace("p_fo: 0", "p_fo: 0.9")
    pledged = scenario("[{type: voluntary_commitment, pledge_cost: 0.1, sanction: 3}]", game)
    params = replace(PARAMS, p_fo=0.9)
    without = scenario("[]", game)
    difference = race_payoffs(pledged, "AS", "AU", params) - race_payoffs(without, "AS", "AU", params)
    assert difference == pytest.approx(np.tile([-0.5, -15.5], (3, 1)))  # same draws: certain payments
    # With p_fo = 0 a pledge does not pay off (R - e = 0.9 < P = 2): nobody pledges, nothing paid.
    idle = scenario("[{type: voluntary_commitment, pledge_cost: 0.1, sanction: 3}]")
    assert race_payoffs(idle, "AS", "AU") == pytest.approx(race_payoffs(scenario("[]"), "AS", "AU"))


def test_payments_start_with_the_race_after_the_window_opens():
    # The window opens at round 7: races of AS vs AU last 5 rounds (they start at 0, 5, 10, ...),
    # so races 1-2 start before it, race 3 (starting at 10) is the first with punishment.
    s = scenario("[{type: peer_punishment, cost: 1, fine: 5, start: 7, end: 15}]")
    payoffs = race_payoffs(s, "AS", "AU", races=4)
    assert payoffs[:, 0] == pytest.approx([5 / 3, 5 / 3, -10 / 3, 5 / 3])


def test_the_mesa_model_pays_the_same_as_the_batch():
    s = scenario("[{type: peer_punishment, cost: 1, fine: 5}, {type: reward, amount: 1}]",
                 GAME.replace("p_r: 0", "p_r: 0.4").replace("p_fo: 0", "p_fo: 0.3"), observability=0.5)
    params = replace(PARAMS, p_r=0.4, p_fo=0.3)
    model = DsairRace(params, ("CS", "AU"), rng=np.random.default_rng(4), rules=race_rules(s, 2))
    model.run_races(30)
    batch = play_pair(params, "CS", "AU", 30, np.random.default_rng(4), race_rules(s, 2))
    assert model.race_records()["race_payoff"].tolist() == batch["race_payoff"].tolist()


@pytest.mark.parametrize("kind", list(SETTINGS))
def test_expected_payments_equal_the_simulated_ones(kind):
    """The expected-equals-simulated property of tests/test_policy.py, for the race: every
    intervention the race accepts, with the settings that test draws, moves each pair's mean
    payoff per round from Eq. 2 by exactly its expected payments (RoundRules.expected_payoffs
    weighted by the share of rounds each move profile is played), within 5 standard errors;
    every other intervention is refused with a reason."""
    rng = np.random.default_rng(zlib.crc32(kind.encode()))
    settings = SETTINGS[kind](rng)
    text = "[{" + ", ".join(f"{k}: {v}" for k, v in {"type": kind, **settings}.items()) + "}]"
    # W/s = 4.5: the last round of a race with an UNSAFE lab is half a round (payments count half)
    game = "{model: dsair, b: 4, c: 1, s: 2, B: 100, W: 9, p_r: 0.3, p_fo: 0.8}"
    try:
        s = scenario(text, game, observability=0.5)
    except ScenarioError as error:
        assert "does not apply to the DSAIR race played by agents" in str(error)
        assert kind not in ("peer_punishment", "reward", "voluntary_commitment")
        return
    assert race_problem(s, 0) is None
    params = DsairParams(b=4.0, c=1.0, s=2.0, B=100.0, W=9.0, p_r=0.3, p_fo=0.8)
    eq2 = dsair.race_payoffs(params)
    rules = race_rules(s, 2)
    for row in dsair.STRATEGIES:
        for column in dsair.STRATEGIES:
            records = play_pair(params, row, column, 4000, np.random.default_rng(1), rules)
            own = records[records["lab"] == 0]["average_payoff"].to_numpy()
            expected = eq2[(row, column)] + expected_payments(params, row, column, rules(0))
            error = own.std(ddof=1) / np.sqrt(own.size)
            assert abs(own.mean() - expected) <= 5 * error + 1e-9, (row, column, own.mean(), expected)
