"""The DSAIR race played round by round by agents (:mod:`coopsim.abm.race`), run for a
``model: dsair`` scenario with a ``dynamics:`` block, beside Eq. 2.

For every variant and every ordered pair (row, column) of the chosen strategies (``evolution.
strategies``, default AS, AU, CS), each of ``dynamics.replicates`` replicates plays whole races
(fixed length: W rounds when both labs play SAFE, W/s otherwise) until ``dynamics.rounds`` rounds
have been played. A replicate's measure is the row lab's mean payoff per round over its races,
whose expectation is the Eq. 2 entry exactly (see :mod:`coopsim.abm.race`); across replicates the
mean gets a 95% Student t interval (payoffs per round have no bound).

Interventions that pay between rivals each round (peer punishment, rewards, pledges) act in every
race (:func:`race_rules`, :mod:`coopsim.abm.race_play`); the expected value beside each measure
is then Eq. 2 plus the pair's expected payments per round (:func:`expected_payments`). With a
``dynamics.network`` the race is played on the graph instead (:mod:`coopsim.games.dsair_network`).

Seeds: as in the lab model, replicate r of the variant at position v uses
``SeedSequence([seed, v, r])``; pair number k (row-major over the strategies) draws from its
``k``-th spawned child, so every (variant, replicate, pair) stream is independent and reproducible.
"""

from __future__ import annotations

from itertools import product
from typing import Any, Callable

import numpy as np

from coopsim.abm.race import average_payoff, play_pair, race_steps
from coopsim.policy.base import RoundRules, base_rules, make_intervention
from coopsim.policy.targets import apply_to, target_mask
from coopsim.abm.runner import replicate_seed
from coopsim.analyses.evolution import choose_strategies, jsonable
from coopsim.games.dsair import dsair_params
from coopsim.scenario.loading import resolve_variants
from coopsim.scenario.spec import Scenario
from coopsim.theory import dsair
from coopsim.theory.intervals import interval_method, mean_interval

PAYOFF_RANGE = (None, None)  # payoff per round: unbounded, so a Student t interval
AGREEMENT_TOLERANCE = 1e-9  # relative: a zero-width interval still contains Eq. 2 up to rounding


def race_rules(scenario: Scenario, n_labs: int, degree: np.ndarray | None = None) -> Callable[[int], RoundRules | None] | None:
    """The rules of a race that starts at a given round (None when no intervention acts): the
    scenario's rules (:func:`coopsim.policy.base.base_rules`) on the labs' stage table, Eq. 1
    (``[[pi11, pi12], [pi21, pi22]]``, own move first; what a pledge is judged on), then every
    intervention active at that round, for its target labs only (:func:`coopsim.policy.targets.apply_to`),
    as in the lab model. Only their per-round payments act in the race (see :func:`race_problem`)."""
    interventions = [make_intervention(spec) for spec in scenario.interventions]
    if not interventions:
        return None
    table = np.broadcast_to(dsair.per_round_table(dsair_params(scenario)), (n_labs, 2, 2))
    masks = [target_mask(i.spec.targets, scenario, degree) for i in interventions]
    made: dict[tuple[int, ...], RoundRules] = {}

    def rules(round_index: int) -> RoundRules | None:
        active = tuple(k for k, i in enumerate(interventions) if i.active(round_index))
        if not active:
            return None
        if active not in made:  # one object per set of active interventions (play_pair groups by it)
            made[active] = base_rules(scenario, table.copy(), table.copy())
            for k in active:
                apply_to(interventions[k], made[active], masks[k])
        return made[active]

    return rules


def race_problem(scenario: Scenario, index: int) -> str | None:
    """Why intervention ``index`` cannot act in the race played by agents (None if it can): the
    race has no stage payoffs, audits, subsidies or trust to change, only per-round payments
    between rivals (:class:`coopsim.policy.base.Transfer`). Judged by what the intervention does
    to a round's rules, so a new intervention that only pays is accepted without a list."""
    intervention = make_intervention(scenario.interventions[index])
    zeros = np.zeros((2, 2, 2))
    before = base_rules(scenario, zeros.copy(), zeros.copy())
    after = base_rules(scenario, zeros.copy(), zeros.copy())
    intervention.apply(after)
    unchanged = (np.array_equal(before.true, after.true) and np.array_equal(before.perceived, after.perceived)
                 and before.observability == after.observability and not after.audits
                 and not np.any(after.subsidy) and before.defector_pays == after.defector_pays)
    if intervention.lasting or not unchanged:
        return (f"{intervention.spec.type} does not apply to the DSAIR race played by agents, where "
                "interventions act only through payments between rivals each round (e.g. "
                "peer_punishment, reward, voluntary_commitment)")
    return None


def expected_payments(params: dsair.DsairParams, row: str, column: str, rules: RoundRules | None) -> float:
    """The row lab's expected intervention payments per round in a race of ``row`` against
    ``column`` under ``rules``: each move profile's expected payment
    (:meth:`coopsim.policy.base.RoundRules.expected_payoffs` of a zero table) weighted by the
    share of the race's rounds the pair plays it (:func:`coopsim.theory.dsair.race_profiles`)."""
    if rules is None:
        return 0.0
    names = dsair.STRATEGIES
    profile = dsair.race_profiles(params, names)[names.index(row), names.index(column)]
    term = rules.expected_payoffs(np.zeros_like(rules.true), np.zeros((2, 2)))[0]
    return float((profile * term).sum())


def play(params: dsair.DsairParams, row: str, column: str, rounds: int, rng: np.random.Generator,
         rules: Callable[[int], RoundRules | None] | None = None) -> tuple[float, int, float]:
    """The row lab's mean payoff per round over whole races filling ``rounds`` rounds, the number
    of races, and the mean over those races of its expected payments per round (races are
    played all at once: :func:`coopsim.abm.race.play_pair`, the same races as the Mesa model
    :class:`coopsim.abm.race.DsairRace` on the same stream)."""
    steps, duration = race_steps(params, row, column)
    races = max(1, int(np.ceil(rounds / duration - 1e-9)))
    records = play_pair(params, row, column, races, rng, rules)
    payments = [expected_payments(params, row, column, rules(k * steps)) for k in range(races)] if rules else [0.0]
    return average_payoff(records, 0, "fixed").mean, races, float(np.mean(payments))


def race_dynamics(scenario: Scenario, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Measured payoffs per pair and variant beside Eq. 2 (see the module docstring)."""
    rounds, replicates = scenario.dynamics.rounds, scenario.dynamics.replicates
    variants = resolve_variants(scenario)
    strategies = choose_strategies(
        scenario.evolution.strategies if scenario.evolution else None, dsair.STRATEGIES, "<scenario>"
    )
    pairs = list(product(strategies, strategies))
    total, done = len(variants) * len(pairs) * replicates, 0
    result: dict[str, Any] = {"rounds": rounds, "replicates": replicates, "strategies": list(strategies),
                              "interval": interval_method(PAYOFF_RANGE), "variants": {},
                              "payments": any(v.interventions for v in variants.values())}
    for v, (name, variant) in enumerate(variants.items()):
        params = dsair_params(variant)
        eq2 = dsair.race_payoff_matrix(params, strategies)
        rules = race_rules(variant, 2)
        rows = []
        for k, (row, column) in enumerate(pairs):
            measured, races, payments = [], [], []
            for r in range(replicates):
                rng = np.random.default_rng(replicate_seed(variant.seed, v, r).spawn(len(pairs))[k])
                mean, count, paid = play(params, row, column, rounds, rng, rules)
                measured.append(mean)
                payments.append(paid)
                races.append(count)
                done += 1
                if progress:
                    progress(done, total)
            mean, low, high = mean_interval(measured, PAYOFF_RANGE)
            theory = float(eq2[strategies.index(row), strategies.index(column)]) + float(np.mean(payments))
            slack = AGREEMENT_TOLERANCE * max(1.0, abs(theory))
            rows.append({
                "row": row, "column": column, "races_per_replicate": float(np.mean(races)),
                "mean": mean, "low": low, "high": high, "eq2": theory,
                "eq2_in_interval": bool(low - slack <= theory <= high + slack),
            })
        result["variants"][name] = rows
    return jsonable(result)
