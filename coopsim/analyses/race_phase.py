"""Phase diagrams of the race models over two of their fields, in closed form over the whole grid.

DSAIR (:func:`dsair_phase`): the zone (AS vs AU), whether safety is collectively preferred and
whether AS (and, with two labs per race, CS) risk-dominates AU, from the conditions of
:mod:`coopsim.theory.dsair` (Appendix B's for N > 2 labs) with array-valued parameters: one
numpy pass, no solver per cell. Every continuous field may be an axis (``b, c, s, B, W, p_r,
p_fo, gamma``); the number of labs per race ``N`` changes which game is played and is swept with
`coopsim sweep` instead.

Precipice (:func:`precipice_phase`): the probability of disaster in closed form
(:func:`coopsim.theory.precipice.disaster_probability`) in bands of 10 points, and the
information condition under which disaster is likeliest (``tie`` when two or more share the
highest probability), over ``teams`` (rounded to whole teams), ``mu`` and ``enmity``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coopsim.scenario.loading import ScenarioError, parse_dotted_path, with_overrides

if TYPE_CHECKING:
    from coopsim.analyses.phase import Axis
    from coopsim.scenario.spec import Scenario

DSAIR_AXES = ("b", "c", "s", "B", "W", "p_r", "p_fo", "gamma")
PRECIPICE_AXES = ("teams", "mu", "enmity")


def game_fields(scenario: Scenario, axes: list[Axis], allowed: tuple[str, ...], source: str,
                why: str) -> list[str]:
    """The game field each axis varies: ``game.<field>`` with ``field`` in ``allowed``, two
    different ones, and both end values valid (else :class:`ScenarioError` naming the axis)."""
    names = []
    for axis in axes:
        try:
            parts = parse_dotted_path(axis.path)
        except ValueError as exc:
            raise ScenarioError(source, str(exc), field=axis.path) from None
        if not (parts[0] == "game" and len(parts) == 2 and parts[1] in allowed):
            raise ScenarioError(source, f"phase diagrams of the {scenario.game.model} model vary "
                                f"game.<field> with field one of {', '.join(allowed)}{why}",
                                field=axis.path)
        for value in (float(axis.values.min()), float(axis.values.max())):
            with_overrides(scenario, {axis.path: int(value) if value.is_integer() else value}, source)
        names.append(parts[1])
    if names[0] == names[1]:
        raise ScenarioError(source, "the two axes vary the same field", field=axes[1].path)
    return names


def dsair_phase(scenario: Scenario, x: Axis, y: Axis, source: str = "<scenario>") -> pd.DataFrame:
    """The DSAIR phase table: one row per (x, y) cell with the zone and its conditions."""
    from coopsim.games.dsair import dsair_params
    from coopsim.theory import dsair, dsair_groups

    fx, fy = game_fields(scenario, [x, y], DSAIR_AXES, source,
                         " (game.N, the number of labs per race, changes the game: sweep it with "
                         "coopsim sweep)")
    X, Y = np.meshgrid(x.values, y.values, indexing="xy")
    p = replace(dsair_params(scenario), **{fx: X, fy: Y})
    if p.N == 2:
        preferred = np.asarray(dsair.safety_collectively_preferred(p))
        selected = np.asarray(dsair.as_risk_dominant(p))
        extra = {"cs_risk_dominant": np.broadcast_to(dsair.cs_risk_dominant(p), X.shape).ravel()}
    else:
        preferred = np.asarray(dsair_groups.n_lab_race_payoffs(p, p.N).safe
                               > dsair_groups.n_lab_race_payoffs(p, 0).unsafe)
        selected = np.asarray(dsair_groups.n_lab_as_risk_dominant(p))
        extra = {}
    preferred, selected = np.broadcast_to(preferred, X.shape), np.broadcast_to(selected, X.shape)
    return pd.DataFrame({
        x.path: X.ravel(),
        y.path: Y.ravel(),
        "zone": np.broadcast_to(dsair.zone_of(preferred, selected), X.shape).ravel(),
        "safety_collectively_preferred": preferred.ravel(),
        "as_risk_dominant": selected.ravel(),
        **extra,
    })


def disaster_band(probability: np.ndarray) -> np.ndarray:
    """'0–10%', '10–20%', ... '90–100%': the band of 10 points a probability falls in."""
    lower = np.minimum(np.floor(np.asarray(probability) * 10), 9).astype(int) * 10
    return np.array([f"{low}–{low + 10}%" for low in lower.ravel()], dtype=object)


def precipice_phase(scenario: Scenario, x: Axis, y: Axis, source: str = "<scenario>") -> pd.DataFrame:
    """The precipice phase table: one row per (x, y) cell with the probability of disaster under
    the scenario's information condition (exact and in bands) and the riskiest condition."""
    from coopsim.games.precipice import precipice_params
    from coopsim.theory import precipice

    fx, fy = game_fields(scenario, [x, y], PRECIPICE_AXES, source, "")
    X, Y = np.meshgrid(x.values, y.values, indexing="xy")
    base = precipice_params(scenario)
    whole = {"teams"}
    by_information = {info: np.empty(X.size) for info in precipice.INFORMATION}
    for k, (xv, yv) in enumerate(zip(X.ravel(), Y.ravel())):
        values = {f: (int(round(v)) if f in whole else float(v)) for f, v in ((fx, xv), (fy, yv))}
        for info in precipice.INFORMATION:
            cell = replace(base, **values, information=info)
            by_information[info][k] = precipice.disaster_probability(cell)
    own = by_information[base.information]
    stacked = np.stack([by_information[info] for info in precipice.INFORMATION])
    riskiest = np.array(precipice.INFORMATION, dtype=object)[np.argmax(stacked, axis=0)]
    riskiest[(stacked == stacked.max(axis=0)).sum(axis=0) > 1] = "tie"
    return pd.DataFrame({
        x.path: X.ravel(),
        y.path: Y.ravel(),
        "disaster_probability": own,
        "disaster_band": disaster_band(own),
        "riskiest_information": riskiest,
        **{f"disaster_probability_{info}_information": v for info, v in by_information.items()},
    })
