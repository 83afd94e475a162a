"""Stage games: classes, critical trust and factor distances against brute force."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.theory.stage_game import (
    GameClass,
    Payoffs,
    best_response_action,
    classify,
    classify_payoffs,
    cooperation_advantage,
    factor_distances,
    game_class,
    trust_verdict,
    with_factor,
)

payoff = st.floats(min_value=-10, max_value=10, allow_nan=False).map(lambda x: round(x, 3))


@pytest.mark.parametrize(
    "payoffs, expected",
    [
        (Payoffs(R=3, S=0, T=5, P=1), "prisoners_dilemma"),
        (Payoffs(R=4, S=0, T=3, P=2), "stag_hunt"),
        (Payoffs(R=3, S=1, T=5, P=0), "chicken"),
        (Payoffs(R=5, S=2, T=3, P=1), "harmony"),
        (Payoffs(R=1, S=0, T=3, P=2), "deadlock"),
    ],
)
def test_textbook_classes(payoffs, expected):
    assert classify_payoffs(payoffs) == GameClass("strict", (expected,))
    assert classify(payoffs.R, payoffs.S, payoffs.T, payoffs.P)[()] == expected


def test_ties_are_boundaries_not_forced_into_a_class():
    # R = T with P > S: R - T decides between stag hunt (R > T) and prisoner's dilemma (R < T).
    tie = classify_payoffs(Payoffs(R=3, S=0, T=3, P=1))
    assert (tie.kind, tie.classes) == ("boundary", ("prisoners_dilemma", "stag_hunt"))
    assert tie.words == "boundary between prisoner's dilemma and stag hunt"
    assert classify_payoffs(Payoffs(R=4, S=1, T=3, P=1)).classes == ("harmony", "stag_hunt")
    assert classify_payoffs(Payoffs(R=2, S=0, T=3, P=2)).key == "boundary:deadlock|prisoners_dilemma"


def test_asymmetric_class_on_a_boundary_is_structured():
    """Issue 10.2: lab A (R 3, T 4, S -1, P -1: S = P, between chicken and prisoner's dilemma)
    against lab B (exposure 2: prisoner's dilemma) -- each side keeps its own structure."""
    row = Payoffs.from_factors(3, 4, 1, 1)
    column = Payoffs.from_factors(3, 4, 2, 1)
    cls = game_class(row, column)
    assert cls.kind == "asymmetric"
    assert cls.sides == (GameClass("boundary", ("chicken", "prisoners_dilemma")),
                         GameClass("strict", ("prisoners_dilemma",)))
    assert cls.words == ("asymmetric: boundary between chicken and prisoner's dilemma for the row "
                         "lab, prisoner's dilemma for the column lab")
    assert cls.to_dict()["row"]["classes"] == ["chicken", "prisoners_dilemma"]


def test_classify_is_vectorised_over_grids():
    exposure = np.linspace(0, 4, 5)[:, None]
    trust_free = classify(3.0, -exposure, np.full((1, 3), 2.0), -1.0)
    assert trust_free.shape == (5, 3)
    assert trust_free[0, 0] == "harmony" and trust_free[4, 0] == "stag_hunt"


def test_five_factor_mapping():
    p = Payoffs.from_factors(shared_upside=4, advantage=3, exposure=2, shared_downside=1)
    assert (p.R, p.S, p.T, p.P) == (4, -2, 3, -1)
    assert p.factors() == {"shared_upside": 4, "advantage": 3, "exposure": 2, "shared_downside": 1}


def test_stag_hunt_critical_trust():
    # R - T = 1, S - P = -2: tau* = (P - S) / ((R - T) - (S - P)) = 2 / 3.
    p = Payoffs(R=4, S=-3, T=3, P=-1)
    verdict = trust_verdict(p, 0.5)
    assert verdict.threshold == pytest.approx(2 / 3)
    assert verdict.region.startswith("trust >=")
    assert not verdict.cooperate_is_best_response
    assert trust_verdict(p, 0.7).cooperate_is_best_response


def test_no_trust_rescues_a_prisoners_dilemma():
    verdict = trust_verdict(Payoffs(R=3, S=0, T=5, P=1), 1.0)
    assert verdict.threshold is None and verdict.region == "never"
    assert not verdict.cooperate_is_best_response


def test_chicken_cooperates_below_the_threshold():
    p = Payoffs(R=3, S=1, T=5, P=0)  # tau* = (0 - 1) / ((3 - 5) - (1 - 0)) = 1/3
    assert trust_verdict(p, 0.2).cooperate_is_best_response
    assert not trust_verdict(p, 0.5).cooperate_is_best_response
    assert trust_verdict(p, 0.5).region == "trust <= 0.3333"


def test_ties_cooperate_in_the_one_shot_and_in_the_model_alike():
    """At exactly the critical trust EV(C) = EV(D): stag hunt R 4, S -3, T 3, P -1 at trust 2/3
    gives 2/3*4 - 1/3*3 = 5/3 and 2/3*3 - 1/3*1 = 5/3. One rule: the lab cooperates."""
    p = Payoffs(R=4, S=-3, T=3, P=-1)
    verdict = trust_verdict(p, 2 / 3)
    assert verdict.indifferent and verdict.cooperate_is_best_response
    assert best_response_action(np.array([0.0, 1e-15, -1e-15, 0.1, -0.1])).tolist() == [0, 0, 0, 0, 1]
    # a game with R = T and S = P ties at every trust: the lab cooperates at every trust
    flat = trust_verdict(Payoffs(R=2, S=-1, T=2, P=-1), 0.3)
    assert flat.region == "indifferent" and flat.cooperate_is_best_response


@pytest.mark.parametrize("trust, downside, downside_boundary",
                         [(0.6, 1.5, 3.5), (0.9, 9.0, 11.0), (0.75, 3.0, 5.0)])
def test_cost_boundary_at_exactly_zero_is_zero(trust, downside, downside_boundary):
    """Issue 10.10: upside 3, advantage 4 (R - T = -1), shared downside d = tau / (1 - tau). The
    exposure e at which EV(C) = EV(D) solves -tau - (1 - tau)(e - d) = 0, so e = d - tau/(1 - tau)
    = 0 exactly; the shared downside's boundary solves -tau + (1 - tau)(d' - e) = 0 with e = 2,
    so d' = 2 + tau/(1 - tau)."""
    p = Payoffs.from_factors(shared_upside=3, advantage=4, exposure=2, shared_downside=downside)
    rows = {row.factor: row for row in factor_distances(p, trust)}
    assert rows["exposure"].cooperation_boundary == 0.0
    assert rows["exposure"].change_for_cooperation == -2.0
    assert rows["shared_downside"].cooperation_boundary == downside_boundary


@settings(max_examples=300, deadline=None)
@given(payoff, payoff, payoff, payoff)
def test_threshold_matches_brute_force_best_responses(R, S, T, P):
    """Where the verdict says cooperation is rational must be exactly where EV(C) > EV(D)."""
    p = Payoffs(R=R, S=S, T=T, P=P)
    grid = np.linspace(0, 1, 201)
    brute = np.array([tau * R + (1 - tau) * S >= tau * T + (1 - tau) * P - 1e-12 for tau in grid])
    verdict = trust_verdict(p, 0.5)
    if verdict.region in ("always", "indifferent"):
        assert brute[1:-1].all()
    elif verdict.region == "never":
        assert not brute[1:-1].any()
    else:
        tau_star = verdict.threshold
        away = np.abs(grid - tau_star) > 1e-6
        predicted = grid >= tau_star if verdict.region.startswith("trust >=") else grid <= tau_star
        assert (brute[away] == predicted[away]).all()


@settings(max_examples=200, deadline=None)
@given(payoff, payoff, payoff, payoff, st.floats(0.05, 0.95))
def test_factor_distance_table_against_re_solving(R, S, T, P, trust):
    """Moving a factor just past its boundary must flip the best response; class changes must
    happen exactly where the table says."""
    p = Payoffs(R=R, S=S, T=T, P=P)
    for row in factor_distances(p, trust)[1:]:
        if row.cooperation_boundary is not None:
            b = row.cooperation_boundary
            eps = 1e-6 * max(1.0, abs(b))
            sides = [
                float(cooperation_advantage(*_rstp(with_factor(p, row.factor, v)), trust)) > 0
                for v in (b - eps, b + eps)
            ]
            assert sides[0] != sides[1], row
        for change in (row.class_change_below, row.class_change_above):
            if change is not None:
                at, becomes = change
                step = 1e-4 * max(1.0, abs(at)) * (1 if change is row.class_change_above else -1)
                assert classify_payoffs(with_factor(p, row.factor, at + step)) == becomes
                assert becomes != row.class_now


def _rstp(p: Payoffs):
    return p.R, p.S, p.T, p.P
