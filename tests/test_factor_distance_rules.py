"""The factor-distance table's rule that a cost cannot fall below zero (hand calculation)."""

from __future__ import annotations

import pytest

from coopsim.theory.stage_game import Payoffs, factor_distances


def test_a_cost_that_would_have_to_turn_negative_gives_no_boundary():
    # R = 3, S = -1, T = 5, P = -0.5 at trust 0.5: delta = 0.5(3 - 5) + 0.5(-1 + 0.5) = -1.25.
    # Exposure moves delta by -(1 - tau) = -0.5 per unit: EV(C) = EV(D) at exposure
    # 1 - 1.25/0.5 = -1.5, a negative cost, so no exposure makes cooperation a best response.
    # Shared downside moves it by +0.5 per unit: the boundary is 0.5 + 1.25/0.5 = 3.
    rows = {row.factor: row for row in factor_distances(Payoffs(R=3, S=-1, T=5, P=-0.5), 0.5)}
    assert rows["exposure"].cooperation_boundary is None
    assert rows["exposure"].change_for_cooperation is None
    assert rows["shared_downside"].cooperation_boundary == pytest.approx(3.0)
    assert rows["shared_downside"].change_for_cooperation == pytest.approx(2.5)
