"""Running the iterated model: replicates, variants, seeds and tidy result tables.

Seeds. Replicate r of the variant at position v (in ``resolve_variants`` order) runs on its own
stream ``numpy.random.SeedSequence([scenario.seed, v, r])``, so every run is independent and
reproducible on its own (serially, in parallel or alone), and the same scenario and seed give
identical tables. :func:`simulate` plays a variant's replicates as one batch
(:mod:`coopsim.abm.batch`); :func:`simulate_one` plays one replicate on the Mesa model
(:class:`~coopsim.abm.model.LabModel`), the reference, and gives the same tables.

Tables (one row per ...):

* ``rounds`` (variant x replicate x round): variant, replicate, round, then the model reporters
  cooperation_rate, mean_trust, incidents, welfare, lab_payoffs, fines_collected,
  subsidies_paid, incident_cost, public_cost, observability (see :class:`LabModel`);
* ``labs`` (variant x replicate x round x lab): variant, replicate, round, lab, kind, strategy,
  action (cooperate / defect / mixed / none), cooperation (share of the lab's matches in which it cooperated, NaN if it sat out), matches,
  payoff, trust (its mean belief that a partner cooperates), incidents_caused;
* ``summary`` (variant): replicates (runs simulated), deterministic, long_run_rounds,
  long_run_cycle_period, and for long_run_cooperation (mean cooperation_rate over the last
  ``long_run_fraction`` of rounds), cumulative_incidents and welfare (sums over the run) the
  mean across replicates and a 95% interval (``_mean``, ``_low``, ``_high``) with the method
  that made it (``_interval``): :func:`coopsim.theory.intervals.mean_interval` picks a BCa
  bootstrap for the bounded measures (cooperation in [0, 1], incidents >= 0), so an interval
  never leaves what the measure can be, and a Student t interval for welfare. With one
  replicate, or no spread, the interval is the point.

Deterministic variants. When no random draw of the model can change an outcome
(:func:`random_sources` is empty) every replicate is identical whatever its seed, so the variant
is simulated once (replicate 0) and its summary says so. Its long run may still be a cycle:
``long_run_cycle_period`` is the smallest k such that the per-round cooperation_rate of the
long-run window repeats with period k (at least twice over; 1 = a steady state), empty when
there is none or the variant is stochastic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from coopsim.abm.batch import RunRecords, run_batch
from coopsim.abm.records import AGENT_REPORTERS, MODEL_REPORTERS
from coopsim.abm.strategies import STRATEGIES
from coopsim.policy.base import base_rules, make_intervention
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants
from coopsim.theory.intervals import interval_method, mean_interval
from coopsim.games.stage import SIMULATED_MEASURES, expand_labs

LAB_COLUMNS = ["lab", "kind", "strategy"]
# The per-run measures and the range each can take (None: unbounded), as the model declares them.
MEASURE_RANGES = {measure.name: measure.bounds for measure in SIMULATED_MEASURES}
SUMMARY_MEASURES = tuple(MEASURE_RANGES)
DETERMINISTIC = "none (deterministic: every replicate identical)"
ONE_REPLICATE = "none (one replicate)"


@dataclass(frozen=True)
class RunResult:
    """The tables of one replicate of one variant."""

    rounds: pd.DataFrame
    labs: pd.DataFrame


@dataclass(frozen=True)
class SimulationResult:
    """Every variant x replicate of a scenario (see the module docstring for the columns)."""

    rounds: pd.DataFrame
    labs: pd.DataFrame
    summary: pd.DataFrame


def replicate_seed(seed: int, variant_index: int, replicate: int) -> np.random.SeedSequence:
    """The seed sequence of one replicate of one variant."""
    return np.random.SeedSequence([seed, variant_index, replicate])


def simulate_one(
    scenario: Scenario, variant_name: str, replicate: int, seed_sequence: np.random.SeedSequence
) -> RunResult:
    """Run ``scenario`` (a resolved variant, i.e. one value of ``resolve_variants``) for
    ``dynamics.rounds`` rounds on the stream ``seed_sequence``; ``variant_name`` and
    ``replicate`` only label the rows."""
    from coopsim.abm.model import LabModel  # Mesa loads only for the single-run path

    model = LabModel(scenario, rng=np.random.default_rng(seed_sequence))
    for _ in range(scenario.dynamics.rounds):
        model.step()
    collector = model.datacollector
    labels = {"variant": variant_name, "replicate": replicate}

    rounds = collector.get_model_vars_dataframe()[list(MODEL_REPORTERS)]
    rounds.insert(0, "round", np.arange(len(rounds)))
    rounds = _label(rounds, labels)

    identity = pd.DataFrame(
        [(agent.unique_id, agent.name, agent.kind, agent.strategy) for agent in model.agents],
        columns=["AgentID", *LAB_COLUMNS],
    )
    labs = collector.get_agent_vars_dataframe().reset_index().merge(identity, on="AgentID")
    labs["round"] = labs["Step"] - 1
    labs = labs[["round", *LAB_COLUMNS, *AGENT_REPORTERS]].copy()
    labs.insert(labs.columns.get_loc("cooperation"), "action", action_labels(labs["cooperation"]))
    labs = _label(labs, labels)
    return RunResult(rounds=rounds, labs=labs)


def records_tables(scenario: Scenario, variant_name: str, replicate: int, records: RunRecords) -> RunResult:
    """The tables of one run of the batched engine: the same rows, columns and types as
    :func:`simulate_one` makes from the Mesa model's DataCollector."""
    labels = {"variant": variant_name, "replicate": replicate}
    rounds = pd.DataFrame({"round": np.arange(scenario.dynamics.rounds)}
                          | {name: records.model[name] for name in MODEL_REPORTERS})
    rounds = _label(rounds, labels)
    labs_of_scenario = expand_labs(scenario)
    n_rounds, n_labs = scenario.dynamics.rounds, len(labs_of_scenario)
    identity = {
        "lab": [lab.name for lab in labs_of_scenario],
        "kind": [lab.kind for lab in labs_of_scenario],
        "strategy": [lab.strategy.type for lab in labs_of_scenario],
    }
    labs = pd.DataFrame(
        {"round": np.repeat(np.arange(n_rounds), n_labs)}
        | {column: np.tile(np.array(values, dtype=object), n_rounds) for column, values in identity.items()}
        | {name: records.labs[name].ravel() for name in AGENT_REPORTERS}
    )
    labs.insert(labs.columns.get_loc("cooperation"), "action", action_labels(labs["cooperation"]))
    labs = _label(labs, labels)
    return RunResult(rounds=rounds, labs=labs)


def action_labels(cooperation: pd.Series) -> np.ndarray:
    """A lab's round in words: 'cooperate' or 'defect' in all its matches, 'mixed' when it did
    both (round robin), 'none' when it sat out."""
    return np.select(
        [cooperation.isna(), cooperation == 1.0, cooperation == 0.0],
        ["none", "cooperate", "defect"],
        default="mixed",
    )


def _label(table: pd.DataFrame, labels: dict) -> pd.DataFrame:
    for position, (column, value) in enumerate(labels.items()):
        table.insert(position, column, value)
    return table


def random_sources(scenario: Scenario) -> list[str]:
    """The settings of a resolved variant that make its runs depend on the seed: every random
    draw of :class:`LabModel` whose outcome is not certain. A draw with probability 0 or 1 of
    succeeding (tremble, incidents, audit detection, observability, the sighting behind a
    sanction, reward or pledge sanction) decides nothing; random pairs of two labs always pair
    the same two. Empty means deterministic."""
    dynamics = scenario.dynamics
    sources = []
    if dynamics.matching == "random_pairs" and sum(lab.count for lab in scenario.labs) > 2:
        sources.append("random_pairs matching")
    kinds = dict.fromkeys(lab.strategy.type for lab in scenario.labs)
    sources += [f"{kind} strategy" for kind in kinds if STRATEGIES[kind].stochastic]
    if 0 < dynamics.tremble < 1:
        sources.append("tremble")
    if 0 < dynamics.incidents.probability < 1:
        sources.append("incidents")
    # The rules change only where an intervention starts or ends: build them, with the
    # interventions' own code, for one round of each stretch.
    interventions = [make_intervention(spec) for spec in scenario.interventions]
    changes = {0} | {i.spec.start for i in interventions}
    changes |= {i.spec.end for i in interventions if i.spec.end is not None}
    labs = expand_labs(scenario)  # the labs' payoffs decide who pledges (voluntary_commitment)
    true = np.stack([lab.payoffs.matrix() for lab in labs])
    perceived = np.stack([lab.perceived.matrix() for lab in labs])
    observed, audited, sanctioned = False, False, False
    for round_index in sorted(r for r in changes if r < dynamics.rounds):
        rules = base_rules(scenario, true, perceived)
        for intervention in interventions:
            if intervention.active(round_index):
                intervention.apply(rules)
        observed |= 0 < rules.observability < 1
        audited |= any(0 < detection < 1 for detection, _ in rules.audits)
        sanctioned |= any(0 < rules.chance(t) < 1 and not t.is_zero() for t in rules.transfers)
    sources += ["observability"] * observed + ["audits"] * audited
    sources += ["sanctions and rewards"] * sanctioned
    return sources


def is_deterministic(scenario: Scenario) -> bool:
    """Whether every run of the resolved variant ``scenario`` is the same whatever the seed."""
    return not random_sources(scenario)


def simulate(
    scenario: Scenario, progress: Callable[[int, int], None] | None = None
) -> SimulationResult:
    """Run every variant of ``scenario`` for ``dynamics.replicates`` replicates each (once when
    the variant is deterministic).

    A variant's replicates run as one batch (:func:`coopsim.abm.batch.run_batch`);
    ``progress(done, total)`` is called after each finished variant."""
    variants = resolve_variants(scenario)
    deterministic = {name: is_deterministic(variant) for name, variant in variants.items()}
    replicates = {
        name: 1 if deterministic[name] else variant.dynamics.replicates
        for name, variant in variants.items()
    }
    total = sum(replicates.values())
    runs: list[RunResult] = []
    for variant_index, (name, variant) in enumerate(variants.items()):
        count = replicates[name]
        seeds = [replicate_seed(scenario.seed, variant_index, r) for r in range(count)]
        for replicate, records in enumerate(run_batch([variant] * count, seeds)):
            runs.append(records_tables(variant, name, replicate, records))
        if progress is not None:
            progress(len(runs), total)
    rounds = pd.concat([run.rounds for run in runs], ignore_index=True)
    labs = pd.concat([run.labs for run in runs], ignore_index=True)
    fractions = {name: v.dynamics.long_run_fraction for name, v in variants.items()}
    summary = summarise(rounds, fractions, deterministic)
    return SimulationResult(rounds=rounds, labs=labs, summary=summary)


def run_measures(cooperation: np.ndarray, incidents: np.ndarray, welfare: np.ndarray,
                 fraction: float) -> dict[str, float]:
    """One run's measures from its per-round cooperation rate, incidents and welfare: long-run
    cooperation (mean cooperation rate over the last :func:`long_run_rounds` rounds),
    cumulative incidents and total welfare. The one definition behind the run's summary, sweeps
    and sensitivity analyses."""
    tail = long_run_rounds(len(cooperation), fraction)
    return {
        "long_run_cooperation": float(np.mean(cooperation[-tail:])),
        "cumulative_incidents": float(np.sum(incidents)),
        "welfare": float(np.sum(welfare)),
    }


def replicate_measures(table: pd.DataFrame, fraction: float) -> tuple[dict[str, pd.Series], int]:
    """Per replicate of a ``rounds`` table (one variant): :func:`run_measures`, as series indexed
    by replicate; and the number of long-run rounds."""
    n_rounds = int(table["round"].max()) + 1
    per_replicate = {
        replicate: run_measures(part["cooperation_rate"].to_numpy(), part["incidents"].to_numpy(),
                                part["welfare"].to_numpy(), fraction)
        for replicate, part in table.sort_values(["replicate", "round"], kind="stable").groupby("replicate", sort=True)
    }
    frame = pd.DataFrame.from_dict(per_replicate, orient="index")
    frame.index.name = "replicate"
    return {name: frame[name] for name in frame.columns}, long_run_rounds(n_rounds, fraction)


def long_run_rounds(rounds: int, fraction: float) -> int:
    """How many final rounds make up the long run: ceil(fraction x rounds), at least 1."""
    return max(1, math.ceil(round(fraction * rounds, 9)))


def cycle_period(series) -> int | None:
    """The smallest period k >= 1 with series[t] == series[t + k] throughout, seen at least twice
    (k <= len / 2); None when there is none."""
    values = np.asarray(series)
    for k in range(1, values.size // 2 + 1):
        if np.array_equal(values[k:], values[:-k]):
            return k
    return None


def summarise(
    rounds: pd.DataFrame,
    long_run_fraction: dict[str, float],
    deterministic: dict[str, bool] | None = None,
) -> pd.DataFrame:
    """One row per variant of a ``rounds`` table: per-replicate long-run cooperation, cumulative
    incidents and total welfare, each as the mean and 95% interval across replicates (see the
    module docstring); ``deterministic`` marks variants whose replicates are all identical."""
    deterministic = deterministic or {}
    rows = []
    for variant, table in rounds.groupby("variant", sort=False):
        measures, tail = replicate_measures(table, long_run_fraction[variant])
        per_replicate = table.groupby("replicate", sort=True)
        late = table[table["round"] >= int(table["round"].max()) + 1 - tail]
        fixed = deterministic.get(variant, False)
        period = None
        if fixed:
            first = late[late["replicate"] == late["replicate"].min()]
            period = cycle_period(first["cooperation_rate"].to_numpy())
        row = {
            "variant": variant,
            "replicates": per_replicate.ngroups,
            "deterministic": fixed,
            "long_run_rounds": tail,
            "long_run_cycle_period": pd.NA if period is None else period,
        }
        for measure, bounds in MEASURE_RANGES.items():
            values = measures[measure].to_numpy(dtype=float)
            mean, low, high = mean_interval(values, bounds)
            method = DETERMINISTIC if fixed else ONE_REPLICATE if values.size < 2 else interval_method(bounds)
            row |= {f"{measure}_mean": mean, f"{measure}_low": low, f"{measure}_high": high,
                    f"{measure}_interval": method}
        rows.append(row)
    summary = pd.DataFrame(rows)
    summary["long_run_cycle_period"] = summary["long_run_cycle_period"].astype("Int64")
    return summary
