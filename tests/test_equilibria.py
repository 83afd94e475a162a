"""Equilibria of textbook games, cleaning, degeneracy, welfare and risk dominance."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.theory.equilibria import clean_strategy, is_degenerate, risk_dominance_2x2, solve
from coopsim.theory.stage_game import Payoffs, bimatrix


def profiles(payoffs: Payoffs):
    A, B = bimatrix(payoffs, payoffs)
    return solve(A, B)


def test_prisoners_dilemma_has_only_mutual_defection():
    found = profiles(Payoffs(R=3, S=0, T=5, P=1))
    assert [(e.row, e.column) for e in found.equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    assert not found.equilibria[0].pareto_efficient  # (C, C) pays both more


def test_stag_hunt_mixed_equilibrium_sits_at_the_critical_trust():
    found = profiles(Payoffs(R=4, S=-3, T=3, P=-1))
    assert len(found.equilibria) == 3
    mixed = [e for e in found.equilibria if not e.pure]
    assert len(mixed) == 1
    assert mixed[0].row[0] == pytest.approx(2 / 3)
    assert mixed[0].column[0] == pytest.approx(2 / 3)
    assert sum(mixed[0].row) == pytest.approx(1.0)
    cc = found.equilibria[0]
    assert cc.row == (1.0, 0.0) and cc.pareto_efficient and cc.welfare == 8


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


def test_degenerate_game_is_flagged_and_cross_checked():
    A = np.array([[1.0, 1.0], [1.0, 1.0]])
    assert is_degenerate(A, A.T)
    found = solve(A, A.T)
    assert found.degenerate and found.methods == ("support_enumeration", "vertex_enumeration")
    assert len(found.equilibria) == 4  # the corners of the (whole-square) equilibrium set
    assert not is_degenerate(*bimatrix(Payoffs(4, -3, 3, -1), Payoffs(4, -3, 3, -1)))


def test_clean_strategy_removes_round_off():
    cleaned = clean_strategy(np.array([1 + 1e-13, -1e-13]))
    assert cleaned.tolist() == [1.0, 0.0]


def test_risk_dominance_symmetric_rule():
    # (C, C) risk-dominates (D, D) iff R - T > P - S.
    A, B = bimatrix(Payoffs(4, -3, 3, -1), Payoffs(4, -3, 3, -1))
    assert risk_dominance_2x2(A, B) == "defect"  # 1 < 2
    A, B = bimatrix(Payoffs(5, 0, 2, 1), Payoffs(5, 0, 2, 1))
    assert risk_dominance_2x2(A, B) == "cooperate"  # 3 > 1
    A, B = bimatrix(Payoffs(3, 0, 5, 1), Payoffs(3, 0, 5, 1))
    assert risk_dominance_2x2(A, B) is None  # not a coordination game
