"""Every Nash equilibrium of a small bimatrix game, in exact rational arithmetic.

Method (von Stengel 2002, "Computing equilibria for two-person games", section 3.5; Avis, Rosenberg,
Savani & von Stengel 2010). Payoffs are read as exact rationals (:func:`stage_game.exact`) and
shifted to be positive; the best-response polytopes of the m x n game (A, B) are

    P = {x in R^m : x >= 0, B^T x <= 1},        Q = {y in R^n : A y <= 1, y >= 0}.

A point carries label i (a row action) when x_i = 0 in P or (A y)_i = 1 in Q, and label m + j (a
column action) when (B^T x)_j = 1 in P or y_j = 0 in Q. The Nash equilibria are the completely
labelled pairs (x, y) != (0, 0), normalised to sum to 1. Every vertex is found by solving each set
of m (resp. n) constraints as equalities, so degenerate games (vertices on more constraints) are
handled exactly. The equilibrium set is the union of *maximal Nash subsets* conv(X) x conv(Y):
X and Y are maximal sets of vertices with every pair completely labelled (maximal bicliques of
the compatibility graph), so any mix of X's strategies against any mix of Y's is an equilibrium.
Subsets sharing an extreme equilibrium form one connected *component*. This is what Gambit's
`enummixed` with clique enumeration reports; the tests cross-check with pygambit when installed.

The enumeration visits C(m + n, m) constraint sets per polytope: meant for coopsim's 2x2 and 3x3
games, not large ones.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from coopsim.theory.stage_game import exact

METHOD = "exact vertex enumeration with maximal Nash subsets"


@dataclass(frozen=True)
class Equilibrium:
    """An extreme Nash equilibrium: mixed strategies, expected payoffs and how it compares."""

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
class EquilibriumSubset:
    """A maximal Nash subset: any mix of the `row` strategies against any mix of the `column`
    strategies is an equilibrium. `equilibria` indexes its extreme equilibria (the corners) in
    EquilibriumSet.equilibria; `component` numbers its connected component."""

    row: tuple[tuple[float, ...], ...]
    column: tuple[tuple[float, ...], ...]
    equilibria: tuple[int, ...]
    component: int

    @property
    def isolated(self) -> bool:
        """One point: a single row and a single column strategy."""
        return len(self.row) == 1 and len(self.column) == 1


@dataclass(frozen=True)
class EquilibriumSet:
    """Every extreme equilibrium, the maximal Nash subsets they span, and how they were found."""

    equilibria: tuple[Equilibrium, ...]
    subsets: tuple[EquilibriumSubset, ...]
    degenerate: bool
    methods: tuple[str, ...]
    methods_agree: bool  # kept for callers that report cross-checks; one exact method: True

    @property
    def components(self) -> int:
        """Number of connected components of the equilibrium set."""
        return len({s.component for s in self.subsets})


# --------------------------------------------------------------------------- exact linear algebra


def _solve_exact(M: list[list[Fraction]], b: list[Fraction]) -> list[Fraction] | None:
    """The unique solution of M z = b (square), or None when M is singular."""
    n = len(M)
    rows = [list(M[i]) + [b[i]] for i in range(n)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[r][col] != 0:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * c for a, c in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _vertices(constraints: list[tuple[list[Fraction], Fraction, int]], dim: int):
    """Vertices of {z : a.z <= c for every (a, c, label)} with the labels of the constraints
    tight at each (a full-dimensional, bounded polytope)."""
    found: dict[tuple[Fraction, ...], frozenset[int]] = {}
    for chosen in itertools.combinations(constraints, dim):
        z = _solve_exact([a for a, _, _ in chosen], [c for _, c, _ in chosen])
        if z is None or tuple(z) in found:
            continue
        values = [sum(ai * zi for ai, zi in zip(a, z)) for a, _, _ in constraints]
        if all(v <= c for v, (_, c, _) in zip(values, constraints)):
            found[tuple(z)] = frozenset(
                label for v, (_, c, label) in zip(values, constraints) if v == c
            )
    return found


def _best_response_vertices(A: list[list[Fraction]], B: list[list[Fraction]]):
    m, n = len(A), len(A[0])
    one, zero = Fraction(1), Fraction(0)
    unit = lambda k, size: [-one if i == k else zero for i in range(size)]  # noqa: E731
    P = [(unit(i, m), zero, i) for i in range(m)]
    P += [([B[i][j] for i in range(m)], one, m + j) for j in range(n)]
    Q = [(A[i], one, i) for i in range(m)]
    Q += [(unit(j, n), zero, m + j) for j in range(n)]
    return _vertices(P, m), _vertices(Q, n)


# --------------------------------------------------------------------------- the equilibrium set


def solve(A: np.ndarray, B: np.ndarray) -> EquilibriumSet:
    """Every Nash equilibrium of the bimatrix game (A, B): extreme points and maximal subsets."""
    A_exact = [[exact(v) for v in row] for row in np.asarray(A, dtype=float)]
    B_exact = [[exact(v) for v in row] for row in np.asarray(B, dtype=float)]
    m, n = len(A_exact), len(A_exact[0])
    shift = 1 - min(min(map(min, A_exact)), min(map(min, B_exact)))  # makes every payoff >= 1
    A_pos = [[v + shift for v in row] for row in A_exact]
    B_pos = [[v + shift for v in row] for row in B_exact]
    P, Q = _best_response_vertices(A_pos, B_pos)
    everything = frozenset(range(m + n))
    xs = [x for x in P if any(x)]
    ys = [y for y in Q if any(y)]
    compatible = {(i, k) for i, x in enumerate(xs) for k, y in enumerate(ys) if P[x] | Q[y] == everything}
    degenerate = any(len(P[x]) > m for x in xs) or any(len(Q[y]) > n for y in ys)

    pairs = sorted(compatible)
    strategies = {("x", i): _normalise(xs[i]) for i, _ in pairs} | {("y", k): _normalise(ys[k]) for _, k in pairs}
    order = sorted(pairs, key=lambda ik: _sort_key(strategies[("x", ik[0])], strategies[("y", ik[1])]))
    index = {pair: position for position, pair in enumerate(order)}
    equilibria = tuple(
        _equilibrium(strategies[("x", i)], strategies[("y", k)], A_exact, B_exact) for i, k in order
    )
    bicliques = _maximal_bicliques(compatible)
    components = _components(bicliques)
    subsets = tuple(
        EquilibriumSubset(
            row=tuple(_floats(strategies[("x", i)]) for i in sorted(X, key=lambda i: _strategy_key(strategies[("x", i)]))),
            column=tuple(_floats(strategies[("y", k)]) for k in sorted(Y, key=lambda k: _strategy_key(strategies[("y", k)]))),
            equilibria=tuple(sorted(index[(i, k)] for i in X for k in Y)),
            component=components[number],
        )
        for number, (X, Y) in sorted(
            enumerate(bicliques), key=lambda nb: min(index[(i, k)] for i in nb[1][0] for k in nb[1][1])
        )
    )
    subsets = _renumber_components(subsets)
    return EquilibriumSet(equilibria, subsets, degenerate, (METHOD,), True)


def _normalise(z: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
    total = sum(z)
    return tuple(v / total for v in z)


def _floats(z) -> tuple[float, ...]:
    return tuple(float(v) for v in z)


def _strategy_key(z) -> tuple:
    return tuple(-v for v in z)  # more weight on earlier actions (cooperate) first


def _sort_key(x, y) -> tuple:
    """Pure equilibria first, then by the row's and column's weight on their first actions."""
    pure = all(v in (0, 1) for v in x + y)
    return (not pure, _strategy_key(x), _strategy_key(y))


def _equilibrium(x, y, A, B) -> Equilibrium:
    u = sum(x[i] * A[i][j] * y[j] for i in range(len(x)) for j in range(len(y)))
    v = sum(x[i] * B[i][j] * y[j] for i in range(len(x)) for j in range(len(y)))
    return Equilibrium(
        row=_floats(x),
        column=_floats(y),
        payoffs=(float(u), float(v)),
        pure=all(p in (0, 1) for p in x + y),
        pareto_efficient=not _pareto_dominated((u, v), A, B),
    )


def _maximal_bicliques(edges: set[tuple[int, int]]) -> list[tuple[frozenset[int], frozenset[int]]]:
    """Maximal (X, Y) with X x Y inside `edges`: the closed sets Y = N(N(Y)), generated by
    intersecting neighbourhoods N(x) until nothing new appears."""
    neighbours: dict[int, frozenset[int]] = {}
    for i, k in edges:
        neighbours[i] = neighbours.get(i, frozenset()) | {k}
    closed = set(neighbours.values())
    frontier = set(closed)
    while frontier:
        new = {a & b for a in frontier for b in closed} - closed - {frozenset()}
        closed |= new
        frontier = new
    result = []
    for Y in closed:
        X = frozenset(i for i, ns in neighbours.items() if Y <= ns)
        Y_full = frozenset.intersection(*(neighbours[i] for i in X))
        if Y_full == Y:
            result.append((X, Y))
    return result


def _components(bicliques) -> list[int]:
    """Component number of each biclique: two share a component when they share an extreme
    equilibrium (a faces of the best-response polytopes meet only in a vertex)."""
    parent = list(range(len(bicliques)))

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for a, b in itertools.combinations(range(len(bicliques)), 2):
        (Xa, Ya), (Xb, Yb) = bicliques[a], bicliques[b]
        if Xa & Xb and Ya & Yb:
            parent[root(a)] = root(b)
    return [root(a) for a in range(len(bicliques))]


def _renumber_components(subsets: tuple[EquilibriumSubset, ...]) -> tuple[EquilibriumSubset, ...]:
    numbers: dict[int, int] = {}
    for s in subsets:
        numbers.setdefault(s.component, len(numbers))
    return tuple(
        EquilibriumSubset(s.row, s.column, s.equilibria, numbers[s.component]) for s in subsets
    )


def _pareto_dominated(payoffs, A, B) -> bool:
    """Whether some pure outcome gives both labs at least as much and one strictly more."""
    for i, j in itertools.product(range(len(A)), range(len(A[0]))):
        a, b = A[i][j], B[i][j]
        if a >= payoffs[0] and b >= payoffs[1] and (a > payoffs[0] or b > payoffs[1]):
            return True
    return False


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
