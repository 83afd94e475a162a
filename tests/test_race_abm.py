"""The round-by-round DSAIR race (coopsim.abm.race) converges to Eq. 2.

Statistical tolerance: every simulated average payoff per round must lie within 4 standard errors
of its Eq. 2 entry (a two-sided miss has probability 6e-5 per comparison for a correct model; the
streams are seeded, so the test is deterministic), and the standard error must be small (below 3%
of the payoff scale) so that the check has teeth.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from coopsim.abm.race import (
    RACE_STRATEGIES,
    DsairRace,
    average_payoff,
    simulate_pair,
)
from coopsim.theory import dsair
from coopsim.theory.dsair import DsairParams

TOLERANCE_SE = 4.0
RACES = 3000
# A short race (W/s = 12.5 rounds, so the final round is fractional) with detection, disaster
# risk and a prize that matters: every random element of the model is exercised.
BASE = DsairParams(b=4.0, c=1.0, s=2.0, B=100.0, W=25.0, p_r=0.3, p_fo=0.2)
CONFIGS = {
    "published": BASE,
    "corrected_cs_with_collective_risk": replace(BASE, cs_vs_au="corrected", gamma=0.5),
}
PAIRS = [(row, col) for row in RACE_STRATEGIES for col in RACE_STRATEGIES]


def _check(estimate, expected, scale):
    assert estimate.standard_error < 0.03 * scale
    assert abs(estimate.mean - expected) <= TOLERANCE_SE * estimate.standard_error + 1e-12, (
        f"{estimate.mean} vs Eq. 2 {expected} (SE {estimate.standard_error})"
    )


@pytest.mark.parametrize("name", list(CONFIGS))
def test_fixed_length_races_converge_to_eq2(name):
    params = CONFIGS[name]
    expected = dsair.race_payoffs(params)
    scale = max(abs(v) for v in expected.values())
    seeds = np.random.SeedSequence(2024).spawn(len(PAIRS))
    for (row, col), seed in zip(PAIRS, seeds):
        row_estimate, col_estimate = simulate_pair(params, row, col, RACES, np.random.default_rng(seed))
        _check(row_estimate, expected[(row, col)], scale)
        _check(col_estimate, expected[(col, row)], scale)


def test_geometric_races_converge_to_eq2_as_long_run_payoff_per_round():
    """Race length geometric (continuation omega with W = 1/(1 - omega) for SAFE play): total
    payoff over total rounds converges to Eq. 2 for the AS/AU pairs (and every published entry)."""
    params = BASE
    expected = dsair.race_payoffs(params)
    scale = max(abs(v) for v in expected.values())
    seeds = np.random.SeedSequence(7).spawn(len(PAIRS))
    for (row, col), seed in zip(PAIRS, seeds):
        row_estimate, _ = simulate_pair(
            params, row, col, 2 * RACES, np.random.default_rng(seed), length="geometric"
        )
        _check(row_estimate, expected[(row, col)], scale)


def test_without_randomness_every_race_is_exactly_eq2():
    """p_r = p_fo = 0 leaves nothing to chance: each race's payoff per round is Eq. 2 exactly,
    including a fractional final round (W/s = 12.5) and the CS entries."""
    params = replace(BASE, p_r=0.0, p_fo=0.0)
    expected = dsair.race_payoffs(params)
    for row, col in PAIRS:
        model = DsairRace(params, (row, col), rng=1)
        model.run_races(2)
        records = model.race_records()
        assert len(records) == 4
        assert records[records["lab"] == 0]["average_payoff"].tolist() == pytest.approx(
            [expected[(row, col)]] * 2
        )
        assert records[records["lab"] == 1]["average_payoff"].tolist() == pytest.approx(
            [expected[(col, row)]] * 2
        )
        safe_race = "AU" not in (row, col)
        assert records["rounds"].tolist() == pytest.approx([25.0 if safe_race else 12.5] * 4)


def test_race_mechanics_and_records():
    params = replace(BASE, p_r=1.0, p_fo=0.0)
    model = DsairRace(params, ("CS", "AU"), rng=3)
    model.run_races(5)
    records = model.race_records()
    assert list(records["race"].unique()) == [1, 2, 3, 4, 5]
    cs, au = records[records["lab"] == 0], records[records["lab"] == 1]
    assert au["won"].all() and not cs["won"].any()  # AU finishes first
    assert au["disaster"].all() and (au["race_payoff"] == 0).all()  # p_r = 1, fully UNSAFE
    assert not cs["disaster"].any()  # published: CS exempt
    corrected = DsairRace(replace(params, cs_vs_au="corrected"), ("CS", "AU"), rng=3)
    corrected.run_races(400)
    share = corrected.race_records().query("lab == 0")["disaster"].mean()
    assert share == pytest.approx(1 - 2.0 / 25.0, abs=0.05)  # p_r (1 - s/W)
    both_safe = DsairRace(params, ("AS", "CS"), rng=1)
    both_safe.run_races(1)
    assert both_safe.race_records()["won"].all()  # a tie shares the prize


def test_estimators_and_validation():
    model = DsairRace(BASE, ("AU", "AS"), rng=5)
    model.run_races(50)
    records = model.race_records()
    fixed = average_payoff(records, 0)
    assert fixed.races == 50 and fixed.standard_error > 0
    ratio = average_payoff(records, 0, length="geometric")
    assert ratio.mean == pytest.approx(
        records.query("lab == 0")["race_payoff"].sum() / records.query("lab == 0")["rounds"].sum()
    )
    with pytest.raises(ValueError):
        DsairRace(replace(BASE, N=3), ("AS", "AU"))
    with pytest.raises(ValueError):
        DsairRace(replace(BASE, W=1.5), ("AS", "AU"))
    with pytest.raises(ValueError):
        DsairRace(BASE, ("AS", "XX"))
