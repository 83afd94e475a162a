"""The DSAIR race played round by round by agents (:mod:`coopsim.abm.race`), run for a
``model: dsair`` scenario with a ``dynamics:`` block, beside Eq. 2.

For every variant and every ordered pair (row, column) of the chosen strategies (``evolution.
strategies``, default AS, AU, CS), each of ``dynamics.replicates`` replicates plays whole races
(fixed length: W rounds when both labs play SAFE, W/s otherwise) until ``dynamics.rounds`` rounds
have been played. A replicate's measure is the row lab's mean payoff per round over its races,
whose expectation is the Eq. 2 entry exactly (see :mod:`coopsim.abm.race`); across replicates the
mean gets a 95% Student t interval (payoffs per round have no bound).

Seeds: as in the lab model, replicate r of the variant at position v uses
``SeedSequence([seed, v, r])``; pair number k (row-major over the strategies) draws from its
``k``-th spawned child, so every (variant, replicate, pair) stream is independent and reproducible.
"""

from __future__ import annotations

from itertools import product
from typing import Any, Callable

import numpy as np

from coopsim.abm.race import DsairRace, average_payoff
from coopsim.abm.runner import replicate_seed
from coopsim.analyses.evolution import choose_strategies, jsonable
from coopsim.games.dsair import dsair_params
from coopsim.scenario.loading import resolve_variants
from coopsim.scenario.spec import Scenario
from coopsim.theory import dsair
from coopsim.theory.intervals import interval_method, mean_interval

PAYOFF_RANGE = (None, None)  # payoff per round: unbounded, so a Student t interval
AGREEMENT_TOLERANCE = 1e-9  # relative: a zero-width interval still contains Eq. 2 up to rounding


def play(params: dsair.DsairParams, row: str, column: str, rounds: int, rng: np.random.Generator) -> tuple[float, int]:
    """The row lab's mean payoff per round over whole races filling ``rounds`` rounds, and the
    number of races."""
    model = DsairRace(params, (row, column), length="fixed", rng=rng)
    played = 0.0
    while played < rounds:
        model.run_races(1)
        played += model.labs[0].race_rounds
    return average_payoff(model.race_records(), 0, "fixed").mean, model.races


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
                              "interval": interval_method(PAYOFF_RANGE), "variants": {}}
    for v, (name, variant) in enumerate(variants.items()):
        params = dsair_params(variant)
        eq2 = dsair.race_payoff_matrix(params, strategies)
        rows = []
        for k, (row, column) in enumerate(pairs):
            measured, races = [], []
            for r in range(replicates):
                rng = np.random.default_rng(replicate_seed(variant.seed, v, r).spawn(len(pairs))[k])
                mean, count = play(params, row, column, rounds, rng)
                measured.append(mean)
                races.append(count)
                done += 1
                if progress:
                    progress(done, total)
            mean, low, high = mean_interval(measured, PAYOFF_RANGE)
            theory = float(eq2[strategies.index(row), strategies.index(column)])
            slack = AGREEMENT_TOLERANCE * max(1.0, abs(theory))
            rows.append({
                "row": row, "column": column, "races_per_replicate": float(np.mean(races)),
                "mean": mean, "low": low, "high": high, "eq2": theory,
                "eq2_in_interval": bool(low - slack <= theory <= high + slack),
            })
        result["variants"][name] = rows
    return jsonable(result)
