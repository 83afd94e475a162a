"""Which factor or policy lever moves the model's outcomes most?

The outcomes are the measures the scenario's payoff model ranks by
(:class:`coopsim.games.base.Measure` with ``ranked``): long-run cooperation and welfare for the
lab model, the stationary share of safe play and the average payoff for the DSAIR race, the
probability of disaster for the precipice. The parameters are the model's
``sensitivity_factors`` and the interventions' levers.

One-at-a-time (default): every parameter is moved to a low and a high value (base -+ spread x
|base|, or -+ spread when the base is 0, clipped to the field's valid range; halfway to an
exclusive bound such as ``s > 1``; rounded for whole-number fields such as ``N``) with the
others at their base values; the effect is metric(high) - metric(low) (means across the
replicates at each end), with a 95% interval for that difference of two independent means
(:func:`coopsim.theory.intervals.difference_interval`: a two-sample BCa bootstrap for bounded
measures, Welch t for unbounded ones; none for exact measures or a single replicate), and
parameters are ranked by the size of the first ranked measure's effect (a tornado chart). Global (optional,
needs SALib): Sobol first-order and total indices over the same ranges from Saltelli sampling,
one run per sample point and variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from coopsim.games import game_model
from coopsim.scenario.spec import Scenario



def metrics(scenario: Scenario) -> tuple[str, ...]:
    """The measures the scenario's model ranks parameters by."""
    return tuple(m.name for m in game_model(scenario).measures if m.ranked)


def metric_bounds(scenario: Scenario) -> dict[str, tuple[float | None, float | None]]:
    """The range of each ranked measure, which picks its effects' interval method."""
    return {m.name: m.bounds for m in game_model(scenario).measures if m.ranked}


EXACT = "none (exact: computed once per point)"
ONE_REPLICATE = "none (one replicate per point)"
IDENTICAL = "none (every replicate identical)"


def effect_interval(high: np.ndarray, low: np.ndarray, bounds, exact: bool) -> tuple[float, float, str]:
    """The 95% interval of mean(high) - mean(low) across replicates, and the method's name."""
    from coopsim.theory.intervals import difference_interval, difference_method

    _, lower, upper = difference_interval(high, low, bounds)
    if exact:
        return lower, upper, EXACT
    if min(np.count_nonzero(~np.isnan(high)), np.count_nonzero(~np.isnan(low))) < 2:
        return lower, upper, ONE_REPLICATE
    if np.nanmax(high) == np.nanmin(high) and np.nanmax(low) == np.nanmin(low):
        return lower, upper, IDENTICAL
    return lower, upper, difference_method(bounds)


@dataclass(frozen=True)
class Lever:
    """One parameter of the analysis: its path and the values it takes."""

    path: str
    base: float
    low: float
    high: float
    whole: bool = False  # a whole-number field (N, teams): sampled values are rounded


def _bounds(model: type, name: str) -> tuple[float, float, bool, bool, bool]:
    """The valid range of a pydantic field from its constraints (also inside an optional
    ``Probability | None``): (lower, upper, lower exclusive, upper exclusive, whole number)."""
    import typing

    field = model.model_fields[name]
    constraints = list(field.metadata)
    arms = typing.get_args(field.annotation) or (field.annotation,)
    for arm in arms:
        for extra in typing.get_args(arm)[1:]:  # Annotated[float, FieldInfo(...)]
            constraints += getattr(extra, "metadata", [])
    def tightest(attribute: str, pick) -> float | None:
        values = [getattr(c, attribute) for c in constraints if getattr(c, attribute, None) is not None]
        return pick(values) if values else None

    ge, gt, le, lt = tightest("ge", max), tightest("gt", max), tightest("le", min), tightest("lt", min)
    lower_open = gt is not None and (ge is None or gt >= ge)
    upper_open = lt is not None and (le is None or lt <= le)
    lower = gt if lower_open else (ge if ge is not None else -np.inf)
    upper = lt if upper_open else (le if le is not None else np.inf)
    whole = int in arms
    return lower, upper, lower_open, upper_open, whole


def _candidates(scenario: Scenario) -> list[tuple[str, type, str, float]]:
    """(dotted path, pydantic model, field, value) of every parameter the labs actually play.

    A factor of `game` is a lever only if some lab takes it from the game; a lab's own override
    is a lever of its own (varying `game.advantage` when every lab sets `advantage` would change
    nothing). Interventions contribute the fields their class names as ``levers``, whether they
    sit in the scenario or in a variant. Fields without a value (a matrix game given as a
    bimatrix has no R) are left out."""
    from coopsim.policy import INTERVENTIONS
    from coopsim.scenario.spec import LabSpec

    candidates: list[tuple[str, type, str, float]] = []
    for name in game_model(scenario).sensitivity_factors:
        own = name in LabSpec.model_fields  # labs may set their own value
        if getattr(scenario.game, name) is not None and (
                not own or any(getattr(lab, name) is None for lab in scenario.labs)):
            candidates.append((f"game.{name}", type(scenario.game), name, getattr(scenario.game, name)))
        for index, lab in enumerate(scenario.labs):
            if own and getattr(lab, name) is not None:
                candidates.append((f"labs[{index}].{name}", LabSpec, name, getattr(lab, name)))
    def intervention_levers(prefix: str, interventions) -> None:
        for index, spec in enumerate(interventions):
            cls = INTERVENTIONS[spec["type"] if isinstance(spec, dict) else spec.type]
            values = spec if isinstance(spec, dict) else spec.model_dump()
            for name in cls.levers:
                value = values.get(name, cls.Spec.model_fields[name].default)
                candidates.append((f"{prefix}interventions[{index}].{name}", cls.Spec, name, value))

    intervention_levers("", scenario.interventions)
    for variant, override in scenario.variants.items():
        if isinstance(override.get("interventions"), list):
            intervention_levers(f"variants.{variant}.", override["interventions"])
    return candidates


def levers(scenario: Scenario, spread: float, left_out: list[tuple[str, str]] | None = None) -> list[Lever]:
    """Every parameter of :func:`_candidates`, moved by -+ spread x |base| (or -+ spread when
    the base is 0) within its field's valid range; parameters that cannot move are left out, and
    so are those whose low or high value makes the scenario (or a variant) invalid: each of
    those is appended to ``left_out`` as (path, reason)."""
    result = []
    for path, model, name, base in _candidates(scenario):
        delta = spread * abs(base) if base else spread
        lower, upper, lower_open, upper_open, whole = _bounds(model, name)
        low, high = base - delta, base + delta
        low = (lower + base) / 2 if lower_open and low <= lower else max(lower, low)
        high = (upper + base) / 2 if upper_open and high >= upper else min(upper, high)
        if whole:
            low, high = float(np.ceil(low)), float(np.floor(high))
        if high > low:
            problem = _problem(scenario, path, (low, high))
            if problem is None:
                result.append(Lever(path, float(base), float(low), float(high), whole))
            elif left_out is not None:
                left_out.append((path, problem))
    return result


def _problem(scenario: Scenario, path: str, values: tuple[float, float]) -> str | None:
    """Why moving ``path`` to one of ``values`` gives an invalid scenario or variant, if it does."""
    from coopsim.scenario.loading import ScenarioError, resolve_variants, with_overrides

    for value in values:
        try:
            resolve_variants(with_overrides(scenario, {path: value}, "<scenario>"), "<scenario>")
        except ScenarioError as exc:
            return f"at {value:g}: {exc.message}"
    return None


def one_at_a_time_points(chosen: list[Lever]) -> list[dict[str, Any]]:
    """The base point, then each lever at its low and at its high value."""
    base = {lever.path: lever.base for lever in chosen}
    points = [dict(base)]
    for lever in chosen:
        points += [{**base, lever.path: lever.low}, {**base, lever.path: lever.high}]
    return points


def one_at_a_time_table(chosen: list[Lever], table: pd.DataFrame, ranked: tuple[str, ...],
                        bounds: dict[str, tuple[float | None, float | None]], exact: bool = False) -> pd.DataFrame:
    """Per variant and lever: each ranked measure at the base, low and high values, the effect
    (high - low) and its 95% interval across replicates (``_effect_low``, ``_effect_high``, and
    the method in ``_effect_interval``; :func:`effect_interval`); sorted by the size of the
    first measure's effect."""
    means = table.groupby(["point", "variant"], sort=False)[list(ranked)].mean()
    samples = {key: part for key, part in table.groupby(["point", "variant"], sort=False)}
    rows = []
    for variant in table["variant"].unique():
        for index, lever in enumerate(chosen):
            low_point, high_point = 1 + 2 * index, 2 + 2 * index
            row = {"variant": variant, "parameter": lever.path, "base_value": lever.base,
                   "low_value": lever.low, "high_value": lever.high}
            for metric in ranked:
                base, low, high = (means.loc[(p, variant), metric] for p in (0, low_point, high_point))
                lower, upper, method = effect_interval(
                    samples[(high_point, variant)][metric].to_numpy(dtype=float),
                    samples[(low_point, variant)][metric].to_numpy(dtype=float), bounds[metric], exact)
                row |= {f"{metric}_base": base, f"{metric}_at_low": low, f"{metric}_at_high": high,
                        f"{metric}_effect": high - low, f"{metric}_effect_low": lower,
                        f"{metric}_effect_high": upper, f"{metric}_effect_interval": method}
            rows.append(row)
    result = pd.DataFrame(rows)
    result["rank"] = (
        result.groupby("variant")[f"{ranked[0]}_effect"]
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
    return [{lever.path: float(round(x)) if lever.whole else float(x) for lever, x in zip(chosen, row)}
            for row in matrix]


def sobol_table(chosen: list[Lever], table: pd.DataFrame, seed: int, ranked: tuple[str, ...]) -> pd.DataFrame:
    """First-order (S1) and total (ST) Sobol indices with 95% confidence, per variant and metric,
    with ``output_range``: how far the metric moves over the whole sample (max - min), without
    which indices of an output that is constant up to round-off would read as findings."""
    from SALib.analyze import sobol

    rows = []
    for variant, part in table.groupby("variant", sort=False):
        ordered = part.groupby("point")[list(ranked)].mean().sort_index()
        for metric in ranked:
            indices = sobol.analyze(sobol_problem(chosen), ordered[metric].to_numpy(),
                                    calc_second_order=True, seed=seed)
            for k, lever in enumerate(chosen):
                rows.append({"variant": variant, "metric": metric, "parameter": lever.path,
                             "S1": indices["S1"][k], "S1_conf": indices["S1_conf"][k],
                             "ST": indices["ST"][k], "ST_conf": indices["ST_conf"][k],
                             "output_range": float(np.ptp(ordered[metric].to_numpy()))})
    return pd.DataFrame(rows)
