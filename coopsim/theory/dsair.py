"""The DSAIR race model: Han, Pereira, Santos & Lenaerts, "To Regulate or Not: A Social Dynamics
Analysis of an Idealised AI Race", JAIR 69 (2020).

Labs race over rounds to a decisive breakthrough; a race lasts ``W`` rounds on average. SAFE play
costs ``c`` per round and moves at speed 1; UNSAFE play moves at speed ``s > 1`` (finishes in
``W/s`` rounds), suffers a disaster that wipes out its gains with probability ``p_r`` and is
detected (earning 0 that round) with probability ``p_fo``. The per-round benefit ``b`` is shared
in proportion to speed; the prize ``B`` goes to the first to finish (shared on a tie).

Per-round payoffs to the row player (Eq. 1)::

    pi11 = -c + b/2                              SAFE vs SAFE
    pi12 = -c + (1 - p_fo) b/(s + 1) + p_fo b    SAFE vs UNSAFE
    pi21 = (1 - p_fo) s b/(s + 1)                UNSAFE vs SAFE
    pi22 = (1 - p_fo^2) b/2                      UNSAFE vs UNSAFE

Race payoffs (Eq. 2, average per round, row vs column) for AS (always safe), AU (always unsafe)
and CS (conditionally safe: SAFE first, then tit-for-tat)::

    AS vs AS = AS vs CS = CS vs AS = CS vs CS = B/(2W) + pi11
    AS vs AU = pi12
    AU vs AS = (1 - p_r) (s B/W + pi21)
    AU vs AU = (1 - p_r) (s B/(2W) + pi22)
    AU vs CS = (1 - p_r) (s B/W + (s/W) (pi21 + (W/s - 1) pi22))
    CS vs AU = (s/W) (pi12 + (W/s - 1) pi22)                          [as published]

Collective risk (Appendix C): AS vs AU and CS vs AU are multiplied by ``(1 - p_r gamma)``.

Every numeric field of :class:`DsairParams` may be a numpy array; all payoff, condition and
threshold functions broadcast over them (this is how phase diagrams,
:func:`coopsim.analyses.race_phase.dsair_phase`, are vectorised). The N-lab
population average :func:`n_lab_population_payoffs` needs scalar parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Literal

import numpy as np
import numpy.typing as npt

STRATEGIES: tuple[str, ...] = ("AS", "AU", "CS")
ZONES: tuple[str, ...] = (
    "compliance",
    "dilemma",
    "innovation",
    "unsafe_preferred_safe_selected",
)
CsVsAu = Literal["published", "corrected"]
ArrayLike = npt.ArrayLike


@dataclass(frozen=True)
class DsairParams:
    """Parameters of the DSAIR race.

    ``b`` benefit per round, ``c`` cost per SAFE round, ``s > 1`` UNSAFE speed, ``B`` prize,
    ``W >= 1`` expected rounds (CS formulas assume ``W >= s``), ``p_r`` disaster probability of a
    fully UNSAFE player, ``p_fo`` per-round detection probability of UNSAFE play, ``N`` labs per
    race, ``gamma`` collective-risk share, ``cs_vs_au`` which CS-vs-AU entry to use (see
    :func:`race_payoff_matrix`).
    """

    b: ArrayLike
    c: ArrayLike
    s: ArrayLike
    B: ArrayLike
    W: ArrayLike
    p_r: ArrayLike
    p_fo: ArrayLike
    N: int = 2
    gamma: ArrayLike = 0.0
    cs_vs_au: CsVsAu = "published"

    def __post_init__(self) -> None:
        if self.cs_vs_au not in ("published", "corrected"):
            raise ValueError(f"cs_vs_au must be 'published' or 'corrected', not {self.cs_vs_au!r}")
        if int(self.N) != self.N or self.N < 2:
            raise ValueError(f"N must be an integer >= 2, not {self.N!r}")
        for name in ("p_r", "p_fo", "gamma"):
            value = np.asarray(getattr(self, name), dtype=float)
            if np.any((value < 0) | (value > 1)):
                raise ValueError(f"{name} must lie in [0, 1]")
        if np.any(np.asarray(self.s, dtype=float) <= 1):
            raise ValueError("s must be > 1")
        if np.any(np.asarray(self.W, dtype=float) < 1):
            raise ValueError("W must be >= 1")


def _scalar_or_array(value: np.ndarray) -> float | np.ndarray:
    value = np.asarray(value)
    return value.item() if value.ndim == 0 else value


# --------------------------------------------------------------------------- two-lab race


def per_round_payoffs(p: DsairParams) -> dict[str, float | np.ndarray]:
    """Eq. 1: per-round payoffs ``pi11, pi12, pi21, pi22`` (row SAFE/UNSAFE vs column)."""
    return {
        "pi11": -p.c + p.b / 2,
        "pi12": -p.c + (1 - p.p_fo) * p.b / (p.s + 1) + p.p_fo * p.b,
        "pi21": (1 - p.p_fo) * p.s * p.b / (p.s + 1),
        "pi22": (1 - p.p_fo**2) * p.b / 2,
    }


def cs_survival_against_au(p: DsairParams) -> float | np.ndarray:
    """Factor applied to CS's own disaster risk in the CS-vs-AU entry (before collective risk).

    ``published``: 1 (Eq. 2 as printed: no disaster risk although CS plays UNSAFE after round 1).

    ``corrected``: ``1 - p_r (1 - s/W)``. Against AU the race lasts ``W/s`` rounds, of which CS
    plays the first SAFE and the remaining ``W/s - 1`` UNSAFE, a fraction ``1 - s/W``. Taking the
    model's rule that the disaster risk grows (linearly) with the fraction of rounds played
    UNSAFE, ``p_r`` being the risk of a fully UNSAFE player (AU), CS's disaster probability is
    ``p_r (1 - s/W)`` and, as for AU, a disaster wipes out the whole race payoff. (Multiplying by
    ``1 - p_r`` instead would overstate the risk by ``p_r s/W``, the one SAFE round.)
    """
    if p.cs_vs_au == "published":
        return 1.0
    return 1 - p.p_r * (1 - p.s / p.W)


def race_payoffs(p: DsairParams) -> dict[tuple[str, str], float | np.ndarray]:
    """Eq. 2 with collective risk: ``{(row, column): average payoff per round to row}``.

    All nine AS/AU/CS entries (see the module docstring). The CS-vs-AU entry is
    ``(s/W)(pi12 + (W/s - 1) pi22) * cs_survival_against_au(p) * (1 - p_r gamma)`` and the AS-vs-AU
    entry ``pi12 (1 - p_r gamma)``.
    """
    pi = per_round_payoffs(p)
    both_safe = p.B / (2 * p.W) + pi["pi11"]
    collective = 1 - p.p_r * p.gamma
    unsafe_rounds = p.W / p.s - 1
    return {
        ("AS", "AS"): both_safe,
        ("AS", "AU"): pi["pi12"] * collective,
        ("AS", "CS"): both_safe,
        ("AU", "AS"): (1 - p.p_r) * (p.s * p.B / p.W + pi["pi21"]),
        ("AU", "AU"): (1 - p.p_r) * (p.s * p.B / (2 * p.W) + pi["pi22"]),
        ("AU", "CS"): (1 - p.p_r)
        * (p.s * p.B / p.W + (p.s / p.W) * (pi["pi21"] + unsafe_rounds * pi["pi22"])),
        ("CS", "AS"): both_safe,
        ("CS", "AU"): (p.s / p.W)
        * (pi["pi12"] + unsafe_rounds * pi["pi22"])
        * cs_survival_against_au(p)
        * collective,
        ("CS", "CS"): both_safe,
    }


def race_payoff_matrix(p: DsairParams, strategies: tuple[str, ...] = STRATEGIES) -> np.ndarray:
    """Eq. 2 as a matrix ``M[i, j]`` = row strategy ``i``'s average payoff per round against ``j``.

    With array-valued parameters the result has shape ``(k, k) + broadcast shape``.
    ``p.cs_vs_au == "published"`` reproduces the paper (CS vs AU without a disaster factor);
    ``"corrected"`` multiplies that entry by ``1 - p_r (1 - s/W)`` (see
    :func:`cs_survival_against_au`). Collective risk multiplies AS-vs-AU and CS-vs-AU by
    ``1 - p_r gamma``.
    """
    unknown = set(strategies) - set(STRATEGIES)
    if unknown:
        raise ValueError(f"unknown DSAIR strategies {sorted(unknown)}; choose from {STRATEGIES}")
    entries = race_payoffs(p)
    cells = np.broadcast_arrays(
        *[np.asarray(entries[(row, col)], dtype=float) for row in strategies for col in strategies]
    )
    return np.stack(cells).reshape((len(strategies), len(strategies)) + cells[0].shape)


def race_profiles(p: DsairParams, strategies: tuple[str, ...] = STRATEGIES) -> np.ndarray:
    """How often each move profile is played in a race: ``F[X, Y, a, b]`` is the share of the
    race's rounds in which ``X`` moves ``a`` and ``Y`` moves ``b`` (SAFE 0, UNSAFE 1).

    AS always moves SAFE, AU always UNSAFE, CS SAFE first and then copies its rival. A race
    with an UNSAFE lab lasts ``W/s`` rounds, so CS meets AU with (SAFE, UNSAFE) in a share
    ``s/W`` of the rounds and (UNSAFE, UNSAFE) in the rest; every other pair repeats its
    first-round profile. These are the weights of ``pi11 .. pi22`` in Eq. 2 (scalar parameters)."""
    first = float(p.s) / float(p.W)
    moves = {"AS": (0, 0), "AU": (1, 1), "CS": (0, None)}  # (first move, later moves; None = copy)
    profiles = np.zeros((len(strategies), len(strategies), 2, 2))
    for i, x in enumerate(strategies):
        for j, y in enumerate(strategies):
            a0, b0 = moves[x][0], moves[y][0]
            a1 = b0 if moves[x][1] is None else moves[x][1]
            b1 = a0 if moves[y][1] is None else moves[y][1]
            if (a1, b1) == (a0, b0):
                profiles[i, j, a0, b0] = 1.0
            else:  # CS against AU: one round in W/s at the first profile
                profiles[i, j, a0, b0] += first
                profiles[i, j, a1, b1] += 1 - first
    return profiles


def per_round_table(p: DsairParams) -> np.ndarray:
    """Eq. 1 as a stage table ``[[pi11, pi12], [pi21, pi22]]`` (own move first)."""
    pi = per_round_payoffs(p)
    return np.array([[pi["pi11"], pi["pi12"]], [pi["pi21"], pi["pi22"]]], dtype=float)


# --------------------------------------------------------------------------- conditions


def _preference_margin(p: DsairParams) -> float | np.ndarray:
    m = race_payoffs(p)
    return m[("AS", "AS")] - m[("AU", "AU")]


def _as_risk_margin(p: DsairParams) -> float | np.ndarray:
    m = race_payoffs(p)
    return m[("AS", "AS")] + m[("AS", "AU")] - m[("AU", "AS")] - m[("AU", "AU")]


def _cs_risk_margin(p: DsairParams) -> float | np.ndarray:
    m = race_payoffs(p)
    return m[("CS", "CS")] + m[("CS", "AU")] - m[("AU", "CS")] - m[("AU", "AU")]


def safety_collectively_preferred(p: DsairParams) -> bool | np.ndarray:
    """``Pi_AS,AS > Pi_AU,AU`` (strict: a tie counts as not preferred)."""
    return _scalar_or_array(_preference_margin(p) > 0)


def as_risk_dominant(p: DsairParams) -> bool | np.ndarray:
    """AS risk-dominates AU: ``Pi_AS,AS + Pi_AS,AU > Pi_AU,AS + Pi_AU,AU`` (strict)."""
    return _scalar_or_array(_as_risk_margin(p) > 0)


def cs_risk_dominant(p: DsairParams) -> bool | np.ndarray:
    """CS risk-dominates AU: ``Pi_CS,CS + Pi_CS,AU > Pi_AU,CS + Pi_AU,AU`` (strict)."""
    return _scalar_or_array(_cs_risk_margin(p) > 0)


# --------------------------------------------------------------------------- thresholds in p_r


def _root_in_p_r(
    margin: Callable[[DsairParams], float | np.ndarray], p: DsairParams
) -> float | np.ndarray:
    """Root in ``p_r`` of a condition margin ``D(p_r) = a p_r^2 + b1 p_r + c0`` (degree <= 2).

    Every payoff entry is affine in ``p_r`` except the corrected CS-vs-AU entry with collective
    risk, ``(1 - p_r (1 - s/W)) (1 - p_r gamma) X``, which is quadratic; so every margin is a
    polynomial of degree <= 2 whose coefficients follow exactly from ``D(0), D(1/2), D(1)``. The
    root returned is ``-2 c0 / (b1 + sign(b1) sqrt(b1^2 - 4 a c0))``: this equals ``-c0/b1`` when
    ``a = 0`` and is, for ``a != 0``, the root that tends to it as ``a -> 0``. It is the raw value
    (it may lie outside [0, 1]); ``nan`` when there is none (``D`` constant in ``p_r``, or no real
    root). Which side satisfies the condition is given by the condition function itself.
    """
    d0, dh, d1 = (np.asarray(margin(replace(p, p_r=x)), dtype=float) for x in (0.0, 0.5, 1.0))
    a = 2 * d1 - 4 * dh + 2 * d0
    b1 = d1 - d0 - a
    with np.errstate(divide="ignore", invalid="ignore"):
        root = -2 * d0 / (b1 + np.copysign(np.sqrt(b1**2 - 4 * a * d0), b1))
    return _scalar_or_array(np.where(np.isfinite(root), root, np.nan))


def collective_preference_threshold(p: DsairParams) -> float | np.ndarray:
    """Exact (finite-W) ``p_r`` above which safety is collectively preferred.

    ``Pi_AS,AS > Pi_AU,AU  <=>  p_r > 1 - (B + 2 W pi11) / (s B + 2 W pi22)`` (the denominator is
    positive whenever ``B > 0`` or ``pi22 > 0``); ``nan`` if it is zero.
    """
    return _root_in_p_r(_preference_margin, p)


def collective_preference_threshold_early(p: DsairParams) -> float | np.ndarray:
    """Early regime (``B/W >> b``): ``p_r > 1 - 1/s``."""
    return 1 - 1 / p.s


def collective_preference_threshold_late(p: DsairParams) -> float | np.ndarray:
    """Late regime (``W -> infinity``): ``p_r > 1 - pi11/pi22`` (``nan`` if ``pi22 = 0``)."""
    pi = per_round_payoffs(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 1 - np.asarray(pi["pi11"], dtype=float) / pi["pi22"]
    return _scalar_or_array(np.where(np.isfinite(value), value, np.nan))


def as_risk_dominance_threshold(p: DsairParams) -> float | np.ndarray:
    """Exact ``p_r`` at which AS and AU swap risk dominance.

    ``pi12, pi21, pi22`` depend on ``p_fo`` only, so the condition is affine in ``p_r``::

        B/(2W) + pi11 + (1 - p_r gamma) pi12 > (1 - p_r) (3 s B/(2W) + pi21 + pi22)
        <=>  p_r > 1 - (B/(2W) + pi11 + (1 - gamma) pi12) / (3 s B/(2W) + pi21 + pi22 - gamma pi12)

    (the direction holds when the denominator is positive, e.g. always for ``gamma = 0`` and
    ``B > 0``). Raw value; ``nan`` when the denominator vanishes.
    """
    return _root_in_p_r(_as_risk_margin, p)


def cs_risk_dominance_threshold(p: DsairParams) -> float | np.ndarray:
    """Exact ``p_r`` at which CS and AU swap risk dominance.

    From ``Pi_CS,CS + Pi_CS,AU > Pi_AU,CS + Pi_AU,AU``. Published entry, ``X = (s/W)(pi12 +
    (W/s - 1) pi22)``, ``Y = s B/W + (s/W)(pi21 + (W/s - 1) pi22) + s B/(2W) + pi22``::

        B/(2W) + pi11 + (1 - p_r gamma) X > (1 - p_r) Y
        <=>  p_r > 1 - (B/(2W) + pi11 + (1 - gamma) X) / (Y - gamma X)

    With ``cs_vs_au="corrected"`` ``X`` also carries ``1 - p_r (1 - s/W)``: still affine when
    ``gamma = 0``, quadratic otherwise (see :func:`_root_in_p_r` for the root chosen).
    """
    return _root_in_p_r(_cs_risk_margin, p)


def risk_dominance_threshold_early(p: DsairParams) -> float | np.ndarray:
    """Early-regime limit of both risk-dominance thresholds: ``p_r > 1 - 1/(3 s)``.

    With ``B/W >> b, c``: ``B/(2W) > (1 - p_r) 3 s B/(2W)`` for AS, and the same for CS, whose
    entry against AU carries no prize.
    """
    return 1 - 1 / (3 * p.s)


# --------------------------------------------------------------------------- zones


def zone(p: DsairParams) -> str | np.ndarray:
    """Regulatory zone from collective preference and AS-vs-AU risk dominance ("selection").

    ==================================  ===========================  =========================
    zone                                safety collectively          AS risk-dominant over AU
                                        preferred
    ==================================  ===========================  =========================
    ``compliance``                      yes                          yes
    ``dilemma`` (regulation needed)     yes                          no
    ``innovation``                      no                           no
    ``unsafe_preferred_safe_selected``  no                           yes
    ==================================  ===========================  =========================

    The fourth combination cannot occur in the early regime (there ``1 - 1/(3s) > 1 - 1/s``: being
    selected implies being preferred) but can for finite ``B/W``; it is reported under its own
    descriptive name rather than folded into another zone. Both inequalities are strict, so a
    parameter point on a boundary falls on the "no" side.
    """
    return zone_of(_preference_margin(p) > 0, _as_risk_margin(p) > 0)


def zone_of(preferred: ArrayLike, selected: ArrayLike) -> str | np.ndarray:
    """The zone of :func:`zone` from its two conditions (booleans or boolean arrays): whether
    safety is collectively preferred and whether it is selected (AS risk-dominates AU)."""
    preferred, selected = np.asarray(preferred, dtype=bool), np.asarray(selected, dtype=bool)
    zones = np.select(
        [preferred & selected, preferred & ~selected, ~preferred & ~selected],
        list(ZONES[:3]),
        default=ZONES[3],
    )
    return _scalar_or_array(zones)
