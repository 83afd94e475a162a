"""Running the iterated model: replicates, variants, seeds and tidy result tables.

Seeds. Replicate r of the variant at position v (in ``resolve_variants`` order) runs on its own
stream ``numpy.random.SeedSequence([scenario.seed, v, r])``, so every run is independent and
reproducible on its own (serially, in parallel or alone), and the same scenario and seed give
identical tables.

Tables (one row per ...):

* ``rounds`` (variant x replicate x round): variant, replicate, round, then the model reporters
  cooperation_rate, mean_trust, incidents, welfare, lab_payoffs, fines_collected,
  subsidies_paid, incident_cost, public_cost, observability (see :class:`LabModel`);
* ``labs`` (variant x replicate x round x lab): variant, replicate, round, lab, kind, strategy,
  action (cooperate / defect / mixed / none), cooperation (share of the lab's matches in which it cooperated, NaN if it sat out), matches,
  payoff, trust (its mean belief that a partner cooperates), incidents_caused;
* ``summary`` (variant): replicates, long_run_rounds, and for long_run_cooperation (mean
  cooperation_rate over the last ``long_run_fraction`` of rounds), cumulative_incidents and
  welfare (sum over the run) the mean across replicates and a 95% Student-t interval
  (``_mean``, ``_low``, ``_high``, from :func:`coopsim.theory.intervals.mean_interval`; with one
  replicate, or no spread, the interval is the point).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from coopsim.abm.model import AGENT_REPORTERS, MODEL_REPORTERS, LabModel
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants
from coopsim.theory.intervals import mean_interval

LAB_COLUMNS = ["lab", "kind", "strategy"]
SUMMARY_MEASURES = ("long_run_cooperation", "cumulative_incidents", "welfare")


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


def simulate(
    scenario: Scenario, progress: Callable[[int, int], None] | None = None
) -> SimulationResult:
    """Run every variant of ``scenario`` for ``dynamics.replicates`` replicates each.

    ``progress(done, total)`` is called after each finished replicate."""
    variants = resolve_variants(scenario)
    total = sum(variant.dynamics.replicates for variant in variants.values())
    runs: list[RunResult] = []
    for variant_index, (name, variant) in enumerate(variants.items()):
        for replicate in range(variant.dynamics.replicates):
            seed = replicate_seed(scenario.seed, variant_index, replicate)
            runs.append(simulate_one(variant, name, replicate, seed))
            if progress is not None:
                progress(len(runs), total)
    rounds = pd.concat([run.rounds for run in runs], ignore_index=True)
    labs = pd.concat([run.labs for run in runs], ignore_index=True)
    fractions = {name: v.dynamics.long_run_fraction for name, v in variants.items()}
    return SimulationResult(rounds=rounds, labs=labs, summary=summarise(rounds, fractions))


def long_run_rounds(rounds: int, fraction: float) -> int:
    """How many final rounds make up the long run: ceil(fraction x rounds), at least 1."""
    return max(1, math.ceil(round(fraction * rounds, 9)))


def summarise(rounds: pd.DataFrame, long_run_fraction: dict[str, float]) -> pd.DataFrame:
    """One row per variant of a ``rounds`` table: per-replicate long-run cooperation, cumulative
    incidents and total welfare, each as mean and 95% t-interval across replicates."""
    rows = []
    for variant, table in rounds.groupby("variant", sort=False):
        n_rounds = int(table["round"].max()) + 1
        tail = long_run_rounds(n_rounds, long_run_fraction[variant])
        per_replicate = table.groupby("replicate", sort=True)
        late = table[table["round"] >= n_rounds - tail].groupby("replicate", sort=True)
        measures = {
            "long_run_cooperation": late["cooperation_rate"].mean(),
            "cumulative_incidents": per_replicate["incidents"].sum(),
            "welfare": per_replicate["welfare"].sum(),
        }
        row = {"variant": variant, "replicates": per_replicate.ngroups, "long_run_rounds": tail}
        for measure in SUMMARY_MEASURES:
            mean, low, high = mean_interval(measures[measure].to_numpy(dtype=float))
            row |= {f"{measure}_mean": mean, f"{measure}_low": low, f"{measure}_high": high}
        rows.append(row)
    return pd.DataFrame(rows)
