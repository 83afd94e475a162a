"""Which factor or policy lever moves long-run cooperation and welfare most?

One-at-a-time (default): every parameter is moved to a low and a high value (base -+ spread x
|base|, or -+ spread when the base is 0, clipped to the field's valid range) with the others at
their base values; the effect is metric(high) - metric(low), and parameters are ranked by its size
(a tornado chart). Global (optional, needs SALib): Sobol first-order and total indices over the
same ranges from Saltelli sampling, one simulation per sample point and variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coopsim.scenario.spec import FACTOR_NAMES, Scenario

INTERVENTION_LEVERS = (
    "detection_probability", "fine", "amount", "upside_increase", "exposure_reduction",
    "observability", "rate",
)
PROBABILITIES = {"trust", "detection_probability", "observability", "rate"}
NON_NEGATIVE = {"exposure", "shared_downside", "fine", "amount", "upside_increase", "exposure_reduction"}
METRICS = ("long_run_cooperation", "welfare")


@dataclass(frozen=True)
class Lever:
    """One parameter of the analysis: its path and the values it takes."""

    path: str
    base: float
    low: float
    high: float


def _bounds(name: str) -> tuple[float, float]:
    if name in PROBABILITIES:
        return 0.0, 1.0
    if name in NON_NEGATIVE:
        return 0.0, np.inf
    return -np.inf, np.inf


def levers(scenario: Scenario, spread: float) -> list[Lever]:
    """The five factors (five-factor games) and every numeric intervention parameter."""
    candidates: list[tuple[str, str, float]] = []
    if scenario.game.model == "five_factors":
        candidates += [(f"game.{name}", name, getattr(scenario.game, name)) for name in FACTOR_NAMES]
    else:
        candidates.append(("game.trust", "trust", scenario.game.trust))
    for index, intervention in enumerate(scenario.interventions):
        for name in INTERVENTION_LEVERS:
            if hasattr(intervention, name):
                candidates.append((f"interventions[{index}].{name}", name, getattr(intervention, name)))
    result = []
    for path, name, base in candidates:
        delta = spread * abs(base) if base else spread
        lower, upper = _bounds(name)
        low, high = max(lower, base - delta), min(upper, base + delta)
        if high > low:
            result.append(Lever(path, float(base), float(low), float(high)))
    return result


def one_at_a_time_points(chosen: list[Lever]) -> list[dict[str, Any]]:
    """The base point, then each lever at its low and at its high value."""
    base = {lever.path: lever.base for lever in chosen}
    points = [dict(base)]
    for lever in chosen:
        points += [{**base, lever.path: lever.low}, {**base, lever.path: lever.high}]
    return points


def one_at_a_time_table(chosen: list[Lever], table: pd.DataFrame) -> pd.DataFrame:
    """Per variant and lever: the metric at the base, low and high values, and the effect
    (high - low); sorted by the size of the cooperation effect."""
    means = table.groupby(["point", "variant"], sort=False)[list(METRICS)].mean()
    rows = []
    for variant in table["variant"].unique():
        for index, lever in enumerate(chosen):
            low_point, high_point = 1 + 2 * index, 2 + 2 * index
            row = {"variant": variant, "parameter": lever.path, "base_value": lever.base,
                   "low_value": lever.low, "high_value": lever.high}
            for metric in METRICS:
                base, low, high = (means.loc[(p, variant), metric] for p in (0, low_point, high_point))
                row |= {f"{metric}_base": base, f"{metric}_at_low": low, f"{metric}_at_high": high,
                        f"{metric}_effect": high - low}
            rows.append(row)
    result = pd.DataFrame(rows)
    result["rank"] = (
        result.groupby("variant")["long_run_cooperation_effect"]
        .transform(lambda effect: effect.abs().rank(method="first", ascending=False))
        .astype(int)
    )
    return result.sort_values(["variant", "rank"], kind="stable").reset_index(drop=True)


def sobol_problem(chosen: list[Lever]) -> dict[str, Any]:
    """The SALib problem definition over the levers' ranges."""
    return {"num_vars": len(chosen), "names": [lever.path for lever in chosen],
            "bounds": [[lever.low, lever.high] for lever in chosen]}


def sobol_points(chosen: list[Lever], samples: int, seed: int) -> list[dict[str, Any]]:
    """Saltelli sample points (samples x (2D + 2)) over the levers' ranges."""
    from SALib.sample import sobol as sobol_sample

    matrix = sobol_sample.sample(sobol_problem(chosen), samples, calc_second_order=True, seed=seed)
    return [dict(zip((lever.path for lever in chosen), map(float, row))) for row in matrix]


def sobol_table(chosen: list[Lever], table: pd.DataFrame, seed: int) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% confidence, per variant and metric."""
    from SALib.analyze import sobol

    rows = []
    for variant, part in table.groupby("variant", sort=False):
        ordered = part.groupby("point")[list(METRICS)].mean().sort_index()
        for metric in METRICS:
            indices = sobol.analyze(sobol_problem(chosen), ordered[metric].to_numpy(),
                                    calc_second_order=True, seed=seed)
            for k, lever in enumerate(chosen):
                rows.append({"variant": variant, "metric": metric, "parameter": lever.path,
                             "S1": indices["S1"][k], "S1_conf": indices["S1_conf"][k],
                             "ST": indices["ST"][k], "ST_conf": indices["ST_conf"][k]})
    return pd.DataFrame(rows)
