"""The sweep's tidy table and its per-grid-point aggregates."""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.abm.runner import MEASURE_RANGES
from coopsim.theory.intervals import grouped_interval, interval_method
from coopsim.sweep.plan import SweepPlan
from coopsim.sweep.task import METRICS


def sweep_table(plan: SweepPlan, records: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per finished grid point x variant x replicate, in plan order."""
    order = {task.key: index for index, task in enumerate(plan.tasks)}
    rows = sorted((r for r in records if r["key"] in order), key=lambda r: order[r["key"]])
    columns = ["point", *plan.parameters, "variant", "replicate", "seed", *METRICS]
    return pd.DataFrame(rows, columns=["key", *columns])[columns]


def aggregate(table: pd.DataFrame, parameters: list[str]) -> pd.DataFrame:
    """Per grid point x variant: replicates and mean / 95% interval of each metric, with the
    interval's method (``_interval``; BCa bootstrap for bounded metrics, see
    :mod:`coopsim.theory.intervals`)."""
    keys = ["point", *parameters, "variant"]
    merged = None
    for metric in METRICS:
        bounds = MEASURE_RANGES[metric]
        stats = grouped_interval(table, keys, metric, bounds).rename(
            columns={"mean": f"{metric}_mean", "low": f"{metric}_low", "high": f"{metric}_high",
                     "count": "replicates"}
        ).assign(**{f"{metric}_interval": interval_method(bounds)})
        merged = stats if merged is None else merged.merge(stats, on=[*keys, "replicates"])
    return merged
