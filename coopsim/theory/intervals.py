"""Intervals across replicates: mean +- t_{n-1, 0.975} * s / sqrt(n) (Student t, 95%)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

CONFIDENCE = 0.95


def t_half_width(std, n, confidence: float = CONFIDENCE) -> np.ndarray:
    """Half-width of the t-interval; 0 where n < 2 or the values do not vary."""
    std = np.asarray(std, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        quantile = stats.t.ppf(0.5 + confidence / 2, np.maximum(n - 1, 1))
        half = quantile * std / np.sqrt(n)
    return np.where((n >= 2) & (std > 0), half, 0.0)


def mean_interval(values, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of one sample; the point itself with one value or no spread."""
    values = np.asarray(values, dtype=float)
    mean = float(values.mean())
    std = float(values.std(ddof=1)) if values.size > 1 else 0.0
    half = float(t_half_width(std, values.size, confidence))
    return mean, mean - half, mean + half


def grouped_interval(table: pd.DataFrame, by: list[str], column: str) -> pd.DataFrame:
    """Mean, low, high and n of `column` for every group of `by` (e.g. variant x round)."""
    grouped = table.groupby(by, sort=False)[column].agg(["mean", "std", "count"]).reset_index()
    half = t_half_width(grouped["std"].fillna(0.0), grouped["count"])
    return grouped.assign(low=grouped["mean"] - half, high=grouped["mean"] + half).drop(columns="std")
