"""The sweep's tidy table and its per-grid-point aggregates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.games.base import Measure
from coopsim.theory.intervals import grouped_interval, interval_method
from coopsim.sweep.plan import SweepPlan

EXACT = "none (exact: computed once per grid point)"


def sweep_table(plan: SweepPlan, records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per finished grid point x variant x replicate, in plan order."""
    order = {task.key: index for index, task in enumerate(plan.tasks)}
    rows = sorted((r for r in records if r["key"] in order), key=lambda r: order[r["key"]])
    measures = [m.name for m in plan.measures]
    columns = ["point", *plan.parameters, "variant", "replicate", "seed", *measures]
    return pd.DataFrame(rows, columns=["key", *columns])[columns]


def aggregate(table: pd.DataFrame, parameters: list[str], measures: tuple[Measure, ...],
              exact: bool = False) -> pd.DataFrame:
    """Per grid point x variant: replicates and mean / 95% interval of each numeric measure,
    with the interval's method (``_interval``; BCa bootstrap for bounded measures, see
    :mod:`coopsim.theory.intervals`; ``exact`` measures have no interval and say so), then the
    value of each categorical measure (a zone, a strategy), which is exact."""
    keys = ["point", *parameters, "variant"]
    merged = None
    for measure in (m for m in measures if m.numeric):
        name = measure.name
        stats = grouped_interval(table, keys, name, measure.bounds).rename(
            columns={"mean": f"{name}_mean", "low": f"{name}_low", "high": f"{name}_high",
                     "count": "replicates"}
        ).assign(**{f"{name}_interval": EXACT if exact else interval_method(measure.bounds)})
        merged = stats if merged is None else merged.merge(stats, on=[*keys, "replicates"])
    if merged is None:
        merged = table.groupby(keys, sort=False).size().reset_index(name="replicates")
    for measure in (m for m in measures if not m.numeric):
        merged = merged.merge(table.groupby(keys, sort=False)[measure.name].first().reset_index(), on=keys)
    return merged
