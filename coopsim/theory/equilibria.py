"""Nash equilibria of bimatrix games through nashpy, cleaned and cross-checked.

Support enumeration finds every equilibrium of a non-degenerate game. A game is degenerate when
some mixed strategy with support size k has more than k pure best responses; then the equilibrium
set can contain continua that support enumeration reports only partly, so vertex enumeration (a
second algorithm) is run as well, the two lists are merged and the game is flagged.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import nashpy
import numpy as np

PROBABILITY_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Equilibrium:
    """A Nash equilibrium: mixed strategies, expected payoffs and how it compares."""

    row: tuple[float, ...]
    column: tuple[float, ...]
    payoffs: tuple[float, float]
    pure: bool
    pareto_efficient: bool

    @property
    def welfare(self) -> float:
        """Sum of both labs' expected payoffs."""
        return self.payoffs[0] + self.payoffs[1]


@dataclass(frozen=True)
class EquilibriumSet:
    """All equilibria found, and how they were found."""

    equilibria: tuple[Equilibrium, ...]
    degenerate: bool
    methods: tuple[str, ...]
    methods_agree: bool  # in a degenerate game: vertex enumeration confirmed support enumeration


def clean_strategy(sigma: np.ndarray) -> np.ndarray:
    """Clip round-off (tiny negatives, near-0 and near-1 entries) and renormalise to sum to 1."""
    sigma = np.where(np.abs(sigma) < PROBABILITY_TOLERANCE, 0.0, np.asarray(sigma, dtype=float))
    sigma = np.clip(sigma, 0.0, None)
    sigma = sigma / sigma.sum()
    return np.where(np.abs(sigma - 1.0) < PROBABILITY_TOLERANCE, 1.0, sigma)


def is_degenerate(A: np.ndarray, B: np.ndarray) -> bool:
    """True if some mixed strategy of support size k has more than k pure best responses.

    Checked over every support of both players (fine for the small games coopsim solves)."""
    for payoff, other_payoff in ((A, B), (B.T, A.T)):
        n_own = payoff.shape[0]
        for size in range(1, n_own + 1):
            for support in itertools.combinations(range(n_own), size):
                if _has_excess_best_responses(other_payoff, support):
                    return True
    return False


def _has_excess_best_responses(responder_payoff: np.ndarray, support: tuple[int, ...]) -> bool:
    """Whether some mixture on `support` (of the mover) leaves > |support| best responses.

    responder_payoff[i, j]: responder's payoff when the mover plays i and responder j. Pure
    supports are checked exactly; for larger supports we solve for mixtures making
    |support| + 1 responses indifferent."""
    k = len(support)
    rows = responder_payoff[list(support), :]
    n_resp = rows.shape[1]
    if k == 1:
        best = rows[0].max()
        return int(np.sum(np.abs(rows[0] - best) <= 1e-12)) > 1
    for responses in itertools.combinations(range(n_resp), k + 1):
        # Indifference among k+1 responses: x @ rows[:, r] equal for all r, sum x = 1, x >= 0.
        diffs = rows[:, responses[1:]] - rows[:, [responses[0]]]
        system = np.vstack([diffs.T, np.ones((1, k))])
        target = np.zeros(k + 1)
        target[-1] = 1.0
        x, _, rank, _ = np.linalg.lstsq(system, target, rcond=None)
        if np.allclose(system @ x, target, atol=1e-10) and np.all(x >= -1e-12):
            values = x @ rows
            if np.all(values[list(responses)] >= values.max() - 1e-10):
                return True
    return False


def _nashpy_profiles(game: nashpy.Game, method: str) -> list[tuple[np.ndarray, np.ndarray]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nashpy warns about degeneracy; we detect it ourselves
        if method == "support_enumeration":
            found = game.support_enumeration()
        else:
            found = game.vertex_enumeration()
        return [(np.asarray(r, float), np.asarray(c, float)) for r, c in found]


def _dedupe(profiles: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    unique: list[tuple[np.ndarray, np.ndarray]] = []
    for row, col in profiles:
        row, col = clean_strategy(row), clean_strategy(col)
        if not any(np.allclose(row, r, atol=1e-7) and np.allclose(col, c, atol=1e-7) for r, c in unique):
            unique.append((row, col))
    # Pure equilibria first, then by the row player's probability on its first action.
    unique.sort(key=lambda rc: (not _is_pure(*rc), -rc[0][0], -rc[1][0]))
    return unique


def _is_pure(row: np.ndarray, col: np.ndarray) -> bool:
    return bool(np.all((row == 0) | (row == 1)) and np.all((col == 0) | (col == 1)))


def pareto_dominated(payoffs: tuple[float, float], A: np.ndarray, B: np.ndarray) -> bool:
    """Whether some pure outcome gives both labs at least as much and one strictly more."""
    for i, j in itertools.product(range(A.shape[0]), range(A.shape[1])):
        a, b = A[i, j], B[i, j]
        if a >= payoffs[0] - 1e-12 and b >= payoffs[1] - 1e-12 and (
            a > payoffs[0] + 1e-12 or b > payoffs[1] + 1e-12
        ):
            return True
    return False


def solve(A: np.ndarray, B: np.ndarray) -> EquilibriumSet:
    """Every Nash equilibrium of the bimatrix game (A, B)."""
    A, B = np.asarray(A, float), np.asarray(B, float)
    game = nashpy.Game(A, B)
    degenerate = is_degenerate(A, B)
    primary = _dedupe(_nashpy_profiles(game, "support_enumeration"))
    methods = ("support_enumeration",)
    agree = True
    profiles = primary
    if degenerate:
        secondary = _dedupe(_nashpy_profiles(game, "vertex_enumeration"))
        methods += ("vertex_enumeration",)
        agree = all(
            any(np.allclose(r, r2, atol=1e-7) and np.allclose(c, c2, atol=1e-7) for r2, c2 in secondary)
            for r, c in primary
        )
        profiles = _dedupe(primary + secondary)
    equilibria = []
    for row, col in profiles:
        payoffs = (float(row @ A @ col), float(row @ B @ col))
        equilibria.append(
            Equilibrium(
                row=tuple(float(x) for x in row),
                column=tuple(float(x) for x in col),
                payoffs=payoffs,
                pure=_is_pure(row, col),
                pareto_efficient=not pareto_dominated(payoffs, A, B),
            )
        )
    return EquilibriumSet(tuple(equilibria), degenerate, methods, agree)


def social_optimum(A: np.ndarray, B: np.ndarray) -> tuple[tuple[int, int], float]:
    """The pure outcome with the highest total payoff, and that total."""
    total = np.asarray(A) + np.asarray(B)
    i, j = np.unravel_index(int(np.argmax(total)), total.shape)
    return (int(i), int(j)), float(total[i, j])


def risk_dominance_2x2(A: np.ndarray, B: np.ndarray) -> str | None:
    """Harsanyi-Selten risk dominance between (C, C) and (D, D) in a 2x2 game.

    (C, C) risk-dominates when the product of deviation losses at (C, C),
    (A00 - A10)(B00 - B01), exceeds that at (D, D), (A11 - A01)(B11 - B10); for a symmetric game
    this is R - T > P - S. Returns 'cooperate', 'defect', 'tie', or None when (C, C) and (D, D)
    are not both strict equilibria (risk dominance then does not apply)."""
    loss_cc = (A[0, 0] - A[1, 0], B[0, 0] - B[0, 1])
    loss_dd = (A[1, 1] - A[0, 1], B[1, 1] - B[1, 0])
    if min(loss_cc) <= 0 or min(loss_dd) <= 0:
        return None
    product_cc, product_dd = loss_cc[0] * loss_cc[1], loss_dd[0] * loss_dd[1]
    if abs(product_cc - product_dd) <= 1e-12:
        return "tie"
    return "cooperate" if product_cc > product_dd else "defect"
