"""Equilibria of textbook and degenerate games, against hand derivations and brute force."""

from __future__ import annotations

import itertools
import warnings
from fractions import Fraction

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.theory.equilibria import risk_dominance_2x2, solve
from coopsim.theory.stage_game import Payoffs, bimatrix


def profiles(payoffs: Payoffs):
    A, B = bimatrix(payoffs, payoffs)
    return solve(A, B)


def test_prisoners_dilemma_has_only_mutual_defection():
    found = profiles(Payoffs(R=3, S=0, T=5, P=1))
    assert [(e.row, e.column) for e in found.equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    assert not found.equilibria[0].pareto_efficient  # (C, C) pays both more
    assert not found.degenerate and found.components == 1


def test_stag_hunt_mixed_equilibrium_sits_at_the_critical_trust():
    found = profiles(Payoffs(R=4, S=-3, T=3, P=-1))
    assert len(found.equilibria) == 3 and found.components == 3
    mixed = [e for e in found.equilibria if not e.pure]
    assert len(mixed) == 1
    assert mixed[0].row[0] == pytest.approx(2 / 3)
    assert mixed[0].column[0] == pytest.approx(2 / 3)
    assert sum(mixed[0].row) == pytest.approx(1.0)
    cc = found.equilibria[0]
    assert cc.row == (1.0, 0.0) and cc.pareto_efficient and cc.welfare == 8
    assert all(s.isolated for s in found.subsets)


def test_chicken_has_two_asymmetric_pure_equilibria_and_one_mixed():
    found = profiles(Payoffs(R=3, S=1, T=5, P=0))
    pure = {(e.row, e.column) for e in found.equilibria if e.pure}
    assert pure == {((1.0, 0.0), (0.0, 1.0)), ((0.0, 1.0), (1.0, 0.0))}
    assert len(found.equilibria) == 3


def test_matching_pennies_like_cycle_has_one_mixed_equilibrium():
    A = np.array([[4.0, -1.0], [6.0, -3.0]])
    B = np.array([[4.0, 2.0], [-4.0, -3.0]])
    found = solve(A, B)
    assert len(found.equilibria) == 1
    e = found.equilibria[0]
    assert e.row[0] == pytest.approx(1 / 3) and e.column[0] == pytest.approx(0.5)


def test_trust_game_reports_the_whole_component():
    """Row: EV(C) - EV(D) = q - (1 - q) - 0 = 2q - 1, so row defects iff q <= 1/2. Column: EV(D)
    - EV(C) = 2p - p = p >= 0, so column defects unless p = 0, where it is indifferent. Any p > 0
    makes column defect and then row defect: the equilibria are exactly p = 0, q in [0, 1/2]."""
    found = solve(np.array([[1.0, -1.0], [0.0, 0.0]]), np.array([[1.0, 2.0], [0.0, 0.0]]))
    assert found.degenerate and found.components == 1
    assert {(e.row, e.column) for e in found.equilibria} == {((0.0, 1.0), (0.0, 1.0)),
                                                          ((0.0, 1.0), (0.5, 0.5))}
    (subset,) = found.subsets
    assert subset.row == ((0.0, 1.0),)
    assert sorted(y[0] for y in subset.column) == [0.0, 0.5]
    assert sorted(subset.equilibria) == [0, 1]


@pytest.mark.parametrize("value", [0.0, -1.0, 2.5])
def test_constant_games_are_solved_not_crashed(value):
    """Every profile of a constant game is an equilibrium: the whole square, four pure corners."""
    A = np.full((2, 2), value)
    found = solve(A, A.T)
    assert found.degenerate and found.components == 1
    assert {(e.row, e.column) for e in found.equilibria} == {
        (r, c) for r in ((1.0, 0.0), (0.0, 1.0)) for c in ((1.0, 0.0), (0.0, 1.0))}
    (subset,) = found.subsets
    assert len(subset.row) == 2 and len(subset.column) == 2


def test_zigzag_best_response_graph_is_one_component_of_three_sets():
    """A = [[1, 0], [1, 0]] (row indifferent always), B = [[1, 0], [0, 1]] (column matches the
    row): column cooperates iff p >= 1/2, so the equilibria are the column's best-response graph
    q = 0 for p <= 1/2, q in [0, 1] at p = 1/2, q = 1 for p >= 1/2: one connected zigzag of three
    maximal sets."""
    found = solve(np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert found.components == 1 and len(found.subsets) == 3
    ranges = sorted((min(x[0] for x in s.row), max(x[0] for x in s.row),
                     min(y[0] for y in s.column), max(y[0] for y in s.column)) for s in found.subsets)
    assert ranges == [(0.0, 0.5, 0.0, 0.0), (0.5, 0.5, 0.0, 1.0), (0.5, 1.0, 1.0, 1.0)]


small = st.integers(-2, 2)


@settings(max_examples=120, deadline=None)
@given(st.lists(small, min_size=8, max_size=8))
def test_2x2_equilibrium_set_matches_brute_force_on_a_rational_grid(entries):
    """Every grid point (p, q) with denominators up to 8 is an equilibrium (checked exactly from
    the definition) iff it lies in one of the reported maximal sets. An indifference point of
    integer payoffs in [-2, 2] is x / (x - y) with |x|, |y| <= 4 (differences of payoffs), so
    every corner of the equilibrium set lies on the grid."""
    found = solve(np.array(entries[:4], dtype=float).reshape(2, 2),
                  np.array(entries[4:], dtype=float).reshape(2, 2))
    A = [[Fraction(entries[0]), Fraction(entries[1])], [Fraction(entries[2]), Fraction(entries[3])]]
    B = [[Fraction(entries[4]), Fraction(entries[5])], [Fraction(entries[6]), Fraction(entries[7])]]
    grid = sorted({Fraction(a, b) for b in range(1, 9) for a in range(b + 1)})

    def best(gain):  # set of best-response probabilities on action 0, given EV(0) - EV(1)
        return "all" if gain == 0 else (1 if gain > 0 else 0)

    for p, q in itertools.product(grid, grid):
        row_gain = q * (A[0][0] - A[1][0]) + (1 - q) * (A[0][1] - A[1][1])
        col_gain = p * (B[0][0] - B[0][1]) + (1 - p) * (B[1][0] - B[1][1])
        is_equilibrium = best(row_gain) in ("all", p) and best(col_gain) in ("all", q)
        reported = any(
            min(x[0] for x in s.row) - 1e-12 <= p <= max(x[0] for x in s.row) + 1e-12
            and min(y[0] for y in s.column) - 1e-12 <= q <= max(y[0] for y in s.column) + 1e-12
            for s in found.subsets
        )
        assert is_equilibrium == reported, (entries, p, q)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2)), min_size=18, max_size=18))
def test_non_degenerate_3x3_games_agree_with_nashpy_vertex_enumeration(entries):
    """nashpy's vertex enumeration (floats) is complete for non-degenerate games. (Its support
    enumeration is not reliable here: it misses the mixed equilibrium of
    A = [[0, 0, 1], [0, 0, 0], [1, 1, 0]], B = [[0, 1.5, 0], [0, 0, 1], [0, 0, 1]] to round-off.)"""
    A = np.array(entries[:9]).reshape(3, 3)
    B = np.array(entries[9:]).reshape(3, 3)
    found = solve(A, B)
    if found.degenerate:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found_by_nashpy = list(nashpy.Game(A, B).vertex_enumeration())
    theirs = sorted({(tuple(np.round(r, 9) + 0.0), tuple(np.round(c, 9) + 0.0))
                     for r, c in found_by_nashpy})
    ours = sorted((tuple(np.round(e.row, 9)), tuple(np.round(e.column, 9))) for e in found.equilibria)
    assert ours == theirs


def test_degenerate_3x3_with_a_duplicated_strategy_has_a_segment():
    """Strategies 0 and 2 of both players are copies (as AS and CS in a DSAIR race): against
    each other they earn 2, action 1 earns 1 against them and 0 against itself. Any mix of 0 and
    2 against any mix of 0 and 2 is an equilibrium: one component, a square of four corners."""
    A = np.array([[2.0, 1.0, 2.0], [1.0, 0.0, 1.0], [2.0, 1.0, 2.0]])
    found = solve(A, A.T)
    assert found.degenerate and found.components == 1
    (subset,) = found.subsets
    assert sorted(subset.row) == [(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)]
    assert sorted(subset.column) == [(0.0, 0.0, 1.0), (1.0, 0.0, 0.0)]


def test_agrees_with_pygambit_on_degenerate_games():
    """Gambit's enummixed (exact rationals) lists the same extreme equilibria (optional extra)."""
    gbt = pytest.importorskip("pygambit")
    rng = np.random.default_rng(3)
    for shape in [(2, 2)] * 20 + [(2, 3)] * 20 + [(3, 3)] * 40:
        A = rng.integers(-1, 2, size=shape).astype(float)
        B = rng.integers(-1, 2, size=shape).astype(float)
        game = gbt.Game.from_arrays(A.astype(int).tolist(), B.astype(int).tolist())
        result = gbt.nash.enummixed_solve(game, rational=True)
        row_player, column_player = list(game.players)
        theirs = sorted({  # a set: Gambit may list a degenerate vertex once per basis
            (tuple(float(eq[s]) for s in row_player.strategies),
             tuple(float(eq[s]) for s in column_player.strategies))
            for eq in result.equilibria
        })
        ours = sorted((e.row, e.column) for e in solve(A, B).equilibria)
        assert ours == theirs, (A, B)


def test_risk_dominance_symmetric_rule():
    # (C, C) risk-dominates (D, D) iff R - T > P - S.
    A, B = bimatrix(Payoffs(4, -3, 3, -1), Payoffs(4, -3, 3, -1))
    assert risk_dominance_2x2(A, B) == "defect"  # 1 < 2
    A, B = bimatrix(Payoffs(5, 0, 2, 1), Payoffs(5, 0, 2, 1))
    assert risk_dominance_2x2(A, B) == "cooperate"  # 3 > 1
    A, B = bimatrix(Payoffs(3, 0, 5, 1), Payoffs(3, 0, 5, 1))
    assert risk_dominance_2x2(A, B) is None  # not a coordination game
