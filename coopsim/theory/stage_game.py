"""Stage games between labs: payoffs from the five factors, game classes and critical trust.

Each lab i has its *own* 2x2 payoff table, indexed (own action, other's action), C = 0, D = 1::

    M_i = [[R_i, S_i],
           [T_i, P_i]]

With the five factors R = shared_upside, T = advantage, S = -exposure, P = -shared_downside. The
bimatrix game between a row lab i and a column lab j is (A, B) = (M_i, M_j transposed).

A lab that believes its partner cooperates with probability tau compares

    EV(C) = tau*R + (1 - tau)*S,   EV(D) = tau*T + (1 - tau)*P,
    delta(tau) = EV(C) - EV(D) = tau*(R - T) + (1 - tau)*(S - P).

One decision rule serves the one-shot analysis and the simulated labs (:func:`cooperates`): a lab
cooperates iff delta(tau) >= 0, so a tie (indifference) goes to cooperation; float round-off is
absorbed by TIE_TOLERANCE. With K = (R - T) - (S - P) != 0 the critical trust is
tau* = (P - S) / K: cooperate at or above it when K > 0 (stag-hunt-like), at or below it when
K < 0 (chicken-like). Critical trusts and factor distances are computed in exact rational
arithmetic (:func:`exact`), so a boundary that is exactly 0 comes out as 0. The array functions
work element-wise on numpy arrays, so phase diagrams classify whole grids at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from coopsim.lazy_import import numpy as np

COOPERATE, DEFECT = 0, 1
ACTIONS = ("cooperate", "defect")
CLASSES = ("prisoners_dilemma", "stag_hunt", "chicken", "harmony", "deadlock")
TIE_TOLERANCE = 1e-12
CLASS_TITLES = {
    "prisoners_dilemma": "prisoner's dilemma",
    "stag_hunt": "stag hunt",
    "chicken": "chicken",
    "harmony": "harmony",
    "deadlock": "deadlock",
}
SNAP_DENOMINATOR = 10**6
SNAP_TOLERANCE = 1e-14


def exact(x) -> Fraction:
    """`x` as an exact rational number.

    A float within SNAP_TOLERANCE (relative, absolute below 1) of a fraction with denominator at
    most SNAP_DENOMINATOR is that fraction: every decimal typed with up to six places, and the
    round-off of arithmetic on such numbers (0.1 + 0.2 is 3/10). Any other float is its exact
    binary value. Snapping moves a number by at most 1e-14 of its size."""
    value = Fraction(float(x))
    simple = value.limit_denominator(SNAP_DENOMINATOR)
    return simple if abs(simple - value) <= SNAP_TOLERANCE * max(1, abs(value)) else value


def cooperates(advantage) -> np.ndarray:
    """The decision rule, element-wise: cooperate iff EV(C) - EV(D) >= 0 (ties cooperate), to
    within TIE_TOLERANCE of float round-off. Used by the one-shot analysis and the simulated labs."""
    return np.asarray(advantage, dtype=float) >= -TIE_TOLERANCE


def best_response_action(advantage) -> np.ndarray:
    """The action the decision rule picks (COOPERATE = 0, DEFECT = 1), as int8, element-wise."""
    return (~cooperates(advantage)).view(np.int8)  # DEFECT (1) where it does not cooperate


@dataclass(frozen=True)
class Payoffs:
    """One lab's own payoffs (R, S, T, P), relative to the status quo."""

    R: float
    S: float
    T: float
    P: float

    @classmethod
    def from_factors(cls, shared_upside, advantage, exposure, shared_downside) -> Payoffs:
        """R = shared_upside, T = advantage, S = -exposure, P = -shared_downside."""
        return cls(R=shared_upside, S=-exposure, T=advantage, P=-shared_downside)

    def matrix(self) -> np.ndarray:
        """[[R, S], [T, P]]: rows are the lab's own action, columns the partner's."""
        return np.array([[self.R, self.S], [self.T, self.P]], dtype=float)

    def factors(self) -> dict[str, float]:
        """The payoffs in the five-factor units (costs as positive numbers)."""
        return {
            "shared_upside": self.R,
            "advantage": self.T,
            "exposure": -self.S,
            "shared_downside": -self.P,
        }


@dataclass(frozen=True)
class Lab:
    """One lab after expanding `count`: its true payoffs, its beliefs and its decision rule."""

    name: str
    kind: str
    trust: float
    payoffs: Payoffs
    perceived: Payoffs
    strategy: Any = field(compare=False)


def bimatrix(row: Payoffs, column: Payoffs) -> tuple[np.ndarray, np.ndarray]:
    """(A, B) for nashpy: A[i, j] row lab's payoff, B[i, j] column lab's, i row's action."""
    return row.matrix(), column.matrix().T


def with_factor(payoffs: Payoffs, factor: str, value: float) -> Payoffs:
    """Payoffs with one factor (five-factor units) set to `value`."""
    return Payoffs.from_factors(**{**payoffs.factors(), factor: value})


# --------------------------------------------------------------------------- expected values


def expected_values(R, S, T, P, trust) -> tuple[np.ndarray, np.ndarray]:
    """(EV(C), EV(D)) at belief `trust` that the partner cooperates."""
    trust = np.asarray(trust, dtype=float)
    return trust * R + (1 - trust) * S, trust * T + (1 - trust) * P


def cooperation_advantage(R, S, T, P, trust) -> np.ndarray:
    """delta(tau) = EV(C) - EV(D) = tau*(R - T) + (1 - tau)*(S - P)."""
    ev_c, ev_d = expected_values(R, S, T, P, trust)
    return ev_c - ev_d


def critical_trust(R, S, T, P) -> np.ndarray:
    """tau* = (P - S) / ((R - T) - (S - P)); NaN where that denominator is zero."""
    K = np.asarray((R - T) - (S - P), dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(K) > TIE_TOLERANCE, (np.asarray(P) - S) / np.where(K == 0, 1, K), np.nan)


@dataclass(frozen=True)
class TrustVerdict:
    """What trust does for one lab's choice (under the decision rule :func:`cooperates`)."""

    threshold: float | None  # tau* when it lies in [0, 1], else None
    threshold_raw: float | None  # tau* wherever it lies (None when K = 0)
    region: str  # "trust >= x", "trust <= x", "always", "never", "indifferent"
    cooperate_is_best_response: bool  # delta >= 0 at the lab's trust: the lab cooperates
    indifferent: bool  # delta == 0 at the lab's trust (the tie goes to cooperation)
    advantage_of_cooperating: float  # delta at the lab's trust


def _exact_delta(p: Payoffs, trust: Fraction) -> Fraction:
    R, S, T, P = (exact(v) for v in (p.R, p.S, p.T, p.P))
    return trust * (R - T) + (1 - trust) * (S - P)


def trust_verdict(p: Payoffs, trust: float) -> TrustVerdict:
    """The critical trust (exact) and the lab's choice at its own trust."""
    tau = exact(trust)
    delta = _exact_delta(p, tau)
    R, S, T, P = (exact(v) for v in (p.R, p.S, p.T, p.P))
    K = (R - T) - (S - P)
    raw = None if K == 0 else (P - S) / K
    inside = raw is not None and 0 <= raw <= 1
    if inside:
        region = f"trust >= {float(raw):.4g}" if K > 0 else f"trust <= {float(raw):.4g}"
    else:
        # delta keeps one sign on [0, 1]: the midpoint's sign (or the constant when K = 0) tells.
        middle = _exact_delta(p, Fraction(1, 2))
        region = "always" if middle > 0 else ("never" if middle < 0 else "indifferent")
    return TrustVerdict(
        threshold=float(raw) if inside else None,
        threshold_raw=None if raw is None else float(raw),
        region=region,
        cooperate_is_best_response=bool(cooperates(float(delta))),
        indifferent=abs(float(delta)) <= TIE_TOLERANCE,
        advantage_of_cooperating=float(delta),
    )


# --------------------------------------------------------------------------- classification


@dataclass(frozen=True)
class GameClass:
    """The class of a stage game, as data.

    kind "strict": one class (`classes` holds it); "boundary": a payoff tie decides the class and
    `classes` are those it separates; "asymmetric": the two labs' own payoff orders differ, `sides`
    holds (row lab's class, column lab's class) and `classes` every class involved."""

    kind: str
    classes: tuple[str, ...]
    sides: tuple[GameClass, GameClass] | None = None

    @property
    def key(self) -> str:
        """A compact identifier: 'stag_hunt', 'boundary:harmony|stag_hunt',
        'asymmetric:<row>|<column>' (a boundary side in parentheses)."""
        if self.kind == "strict":
            return self.classes[0]
        if self.kind == "boundary":
            return "boundary:" + "|".join(self.classes)
        row, column = (s.key if s.kind == "strict" else f"({s.key})" for s in self.sides)
        return f"asymmetric:{row}|{column}"

    @property
    def words(self) -> str:
        """Human words: 'stag hunt', 'boundary between harmony and stag hunt', ..."""
        if self.kind == "strict":
            return CLASS_TITLES[self.classes[0]]
        if self.kind == "boundary":
            titles = [CLASS_TITLES[c] for c in self.classes]
            listed = titles[0] if len(titles) == 1 else ", ".join(titles[:-1]) + " and " + titles[-1]
            return f"boundary between {listed}"
        row, column = self.sides
        return f"asymmetric: {row.words} for the row lab, {column.words} for the column lab"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (recursive for the sides of an asymmetric game)."""
        out: dict[str, Any] = {"kind": self.kind, "classes": list(self.classes), "key": self.key,
                               "words": self.words}
        if self.sides is not None:
            out["row"], out["column"] = (side.to_dict() for side in self.sides)
        return out


def _sign(x) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.where(np.abs(x) <= TIE_TOLERANCE, 0, np.sign(x)).astype(int)


def _strict_class(r_t: np.ndarray, s_p: np.ndarray, r_p: np.ndarray) -> np.ndarray:
    """Class codes (index into CLASSES) from strict signs of R-T, S-P and R-P."""
    return np.select(
        [
            (r_t > 0) & (s_p > 0),
            (r_t > 0) & (s_p < 0),
            (r_t < 0) & (s_p > 0),
            (r_t < 0) & (s_p < 0) & (r_p > 0),
            (r_t < 0) & (s_p < 0) & (r_p < 0),
        ],
        [3, 1, 2, 0, 4],
        default=-1,
    )


def _class_of_signs(r_t: int, s_p: int, r_p: int) -> GameClass:
    """The class for given signs of R-T, S-P, R-P; a zero that decides the class gives the
    boundary between the classes on either side of every such tie."""
    code = int(_strict_class(np.array(r_t), np.array(s_p), np.array(r_p)))
    if code >= 0:
        return GameClass("strict", (CLASSES[code],))
    options = [(r_t,) if r_t else (1, -1), (s_p,) if s_p else (1, -1), (r_p,) if r_p else (1, -1)]
    neighbours = set()
    for a in options[0]:
        for b in options[1]:
            for c in options[2]:
                near = int(_strict_class(np.array(a), np.array(b), np.array(c)))
                if near >= 0:
                    neighbours.add(CLASSES[near])
    return GameClass("boundary", tuple(sorted(neighbours)))


def classify(R, S, T, P) -> np.ndarray:
    """Game class keys (:attr:`GameClass.key`) of symmetric 2x2 payoffs, element-wise.

    prisoners_dilemma T > R > P > S; stag_hunt R > T, P > S; chicken T > R, S > P;
    harmony R > T, S > P; deadlock T > R, P > S, P > R. A tie that decides the class gives
    'boundary:' followed by the classes it separates, e.g. 'boundary:harmony|stag_hunt'.
    """
    r_t, s_p, r_p = _sign(np.subtract(R, T)), _sign(np.subtract(S, P)), _sign(np.subtract(R, P))
    shape = np.broadcast(r_t, s_p, r_p).shape
    r_t, s_p, r_p = (np.broadcast_to(a, shape) for a in (r_t, s_p, r_p))
    names = np.array(CLASSES + ("",), dtype=object)
    codes = _strict_class(r_t, s_p, r_p)
    result = names[codes.ravel()]
    for flat in np.flatnonzero(codes.ravel() < 0):
        index = np.unravel_index(flat, shape)
        result[flat] = _class_of_signs(r_t[index], s_p[index], r_p[index]).key
    return result.reshape(shape)


def classify_payoffs(p: Payoffs) -> GameClass:
    """Class of the symmetric game in which both labs have payoffs `p` (signs taken exactly)."""
    R, S, T, P = (exact(v) for v in (p.R, p.S, p.T, p.P))
    sign = lambda x: (x > 0) - (x < 0)  # noqa: E731
    return _class_of_signs(sign(R - T), sign(S - P), sign(R - P))


def game_class(row: Payoffs, column: Payoffs) -> GameClass:
    """The class of a (possibly asymmetric) game: the common class when both labs' own payoff
    orders agree, else an asymmetric class holding each lab's."""
    a, b = classify_payoffs(row), classify_payoffs(column)
    if a == b:
        return a
    return GameClass("asymmetric", tuple(sorted(set(a.classes) | set(b.classes))), (a, b))


# --------------------------------------------------------------------------- factor distances

FACTOR_SLOPES = {
    # d delta / d factor, in five-factor units (exposure = -S, shared_downside = -P).
    "shared_upside": lambda tau: tau,
    "advantage": lambda tau: -tau,
    "exposure": lambda tau: -(1 - tau),
    "shared_downside": lambda tau: 1 - tau,
}
NON_NEGATIVE_FACTORS = {"exposure", "shared_downside"}


@dataclass(frozen=True)
class FactorDistance:
    """How far one factor must move, the others held fixed."""

    factor: str
    value: float
    cooperation_boundary: float | None  # value at which EV(C) = EV(D)
    change_for_cooperation: float | None  # boundary - value, when the lab does not yet cooperate
    class_now: GameClass
    class_change_below: tuple[float, GameClass] | None  # nearest lower value where the class changes
    class_change_above: tuple[float, GameClass] | None


def factor_distances(p: Payoffs, trust: float) -> list[FactorDistance]:
    """For trust and each payoff factor: the value where EV(C) = EV(D) (computed exactly), and
    the nearest values at which the game class changes. A cost (exposure, shared downside) has no
    boundary below zero; a boundary at exactly zero is kept."""
    verdict = trust_verdict(p, trust)
    current_class = classify_payoffs(p)
    tau = exact(trust)
    rows = [
        FactorDistance(
            factor="trust",
            value=trust,
            cooperation_boundary=verdict.threshold,
            change_for_cooperation=(
                None
                if verdict.cooperate_is_best_response or verdict.threshold is None
                else float(exact(verdict.threshold_raw) - tau)
            ),
            class_now=current_class,
            class_change_below=None,
            class_change_above=None,
        )
    ]
    delta = _exact_delta(p, tau)
    for factor, slope_of in FACTOR_SLOPES.items():
        value = exact(p.factors()[factor])
        slope = slope_of(tau)
        boundary = None if slope == 0 else value - delta / slope
        if boundary is not None and factor in NON_NEGATIVE_FACTORS and boundary < 0 <= value:
            boundary = None  # a cost cannot fall below zero
        needed = None
        if boundary is not None and not verdict.cooperate_is_best_response:
            needed = float(boundary - value)
        below, above = _class_changes(p, factor, current_class)
        rows.append(
            FactorDistance(factor, float(value), None if boundary is None else float(boundary),
                           needed, current_class, below, above)
        )
    return rows


def _class_changes(p: Payoffs, factor: str, current: GameClass) -> tuple[tuple | None, tuple | None]:
    """Nearest factor values below/above the current one at which the class changes.

    The class depends only on the order of R, S, T, P, so it can change only where the moved
    payoff ties another one; those tie points are the candidates, checked just beyond each."""
    value = p.factors()[factor]
    sign = -1.0 if factor in NON_NEGATIVE_FACTORS else 1.0  # factor -> payoff direction
    own_key = {"shared_upside": "R", "advantage": "T", "exposure": "S", "shared_downside": "P"}[factor]
    payoffs = {"R": p.R, "S": p.S, "T": p.T, "P": p.P}
    ties = sorted({sign * v for k, v in payoffs.items() if k != own_key})
    below = above = None
    for tie in sorted((t for t in ties if t < value), reverse=True):
        beyond = classify_payoffs(with_factor(p, factor, tie - 1e-6 * max(1.0, abs(tie))))
        if (factor in NON_NEGATIVE_FACTORS and tie < 0 <= value) or beyond == current:
            continue
        below = (tie + 0.0, beyond)
        break
    for tie in sorted(t for t in ties if t > value):
        beyond = classify_payoffs(with_factor(p, factor, tie + 1e-6 * max(1.0, abs(tie))))
        if beyond == current:
            continue
        above = (tie + 0.0, beyond)
        break
    return below, above
