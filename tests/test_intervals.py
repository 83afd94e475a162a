"""95% intervals across replicates: bootstrap for bounded measures, t for unbounded ones."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import ndtr, ndtri

from coopsim.theory.intervals import (
    BOOTSTRAP,
    BOOTSTRAP_TWO_SAMPLES,
    STUDENT_T,
    WELCH_T,
    difference_interval,
    difference_method,
    grouped_interval,
    interval_method,
    mean_interval,
)

SHARE = (0.0, 1.0)
COUNT = (0.0, None)
UNBOUNDED = (None, None)


def test_a_share_near_one_stays_below_one():
    # The reproduction from the issue: 0.992 [0.970, 1.014] with a t-interval.
    values = [1.0] * 9 + [0.92]
    mean, low, high = mean_interval(values, SHARE)
    assert mean == pytest.approx(0.992)
    assert 0.92 <= low < mean < high <= 1.0


def test_a_rare_count_stays_non_negative():
    # One replicate with 10 incidents, nine with none: a t-interval reaches below zero.
    values = [0.0] * 9 + [10.0]
    mean, low, high = mean_interval(values, COUNT)
    assert mean == 1.0
    assert low == 0.0 and mean < high <= 10.0


def test_values_all_at_the_bound_give_the_point():
    assert mean_interval([1.0] * 10, SHARE) == (1.0, 1.0, 1.0)
    assert mean_interval([0.0] * 5, COUNT) == (0.0, 0.0, 0.0)
    assert mean_interval([0.4], SHARE) == (0.4, 0.4, 0.4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=2, max_size=15))
def test_bootstrap_intervals_never_leave_the_values_range(values):
    mean, low, high = mean_interval(values, SHARE)
    tiny = 1e-12  # the rounding of a mean of equal values
    assert min(values) - tiny <= low <= high <= max(values) + tiny
    assert 0.0 <= low and high <= 1.0
    assert low <= mean + tiny and mean - tiny <= high


def test_bca_matches_the_exact_bootstrap_by_enumeration():
    """Every one of the 6^6 equally likely resamples of a skewed sample, and the BCa formulas of
    Efron & Tibshirani (1993, eq. 14.9-14.15) applied to that exact bootstrap distribution."""
    x = np.array([0.0, 1.0, 2.0, 4.0, 9.0, 20.0])
    n = x.size
    sums = np.array([sum(resample) for resample in itertools.product(x, repeat=n)])  # exact
    z0 = ndtri(np.mean(sums < x.sum()))
    centred = x - x.mean()
    acceleration = np.sum(centred**3) / (6 * np.sum(centred**2) ** 1.5)
    levels = [ndtr(z0 + (z0 + z) / (1 - acceleration * (z0 + z))) for z in ndtri([0.025, 0.975])]
    exact_low, exact_high = np.percentile(sums / n, [100 * level for level in levels])
    percentile_low, percentile_high = np.percentile(sums / n, [2.5, 97.5])
    assert (exact_low, exact_high) == pytest.approx((2.0, 14.0), abs=0.01)
    # ...which is not the plain percentile interval, so the test sees the corrections.
    assert abs(percentile_high - exact_high) > 1.5

    _, low, high = mean_interval(x, COUNT)
    # 9,999 resamples instead of all 46,656: within two steps (1/6) of the resample-mean grid.
    assert low == pytest.approx(exact_low, abs=1 / 3)
    assert high == pytest.approx(exact_high, abs=1 / 3)


def test_bca_agrees_with_scipy_on_a_continuous_sample():
    sample = np.random.default_rng(4).gamma(0.8, size=14)
    reference = stats.bootstrap(
        (sample,), np.mean, method="BCa", n_resamples=99_999, rng=np.random.default_rng(5)
    ).confidence_interval
    _, low, high = mean_interval(sample, COUNT)
    width = reference.high - reference.low
    assert low == pytest.approx(reference.low, abs=0.04 * width)
    assert high == pytest.approx(reference.high, abs=0.04 * width)


def _difference(a, b, axis=-1):
    return a.mean(axis=axis) - b.mean(axis=axis)


def test_a_difference_of_skewed_counts_gets_scipys_two_sample_bca_not_the_percentile_interval():
    """A rare, skewed count against a common small one: the bias correction and acceleration move
    the upper end from about 2.4 (percentile) to 3.35; scipy's BCa (independent resampling of the
    two samples, jackknife acceleration) agrees within its Monte Carlo error."""
    high = np.array([0.0] * 16 + [1, 2, 6, 14])
    low = np.array([0.0] * 12 + [1.0] * 8)
    intervals = {method: stats.bootstrap((high, low), _difference, method=method, n_resamples=99_999,
                                         rng=np.random.default_rng(7)).confidence_interval
                 for method in ("BCa", "percentile")}
    effect, lower, upper = difference_interval(high, low, COUNT)
    assert effect == pytest.approx(0.75)
    width = intervals["BCa"].high - intervals["BCa"].low
    assert lower == pytest.approx(intervals["BCa"].low, abs=0.04 * width)
    assert upper == pytest.approx(intervals["BCa"].high, abs=0.04 * width)
    assert upper - intervals["percentile"].high > 0.2 * width


def test_a_difference_of_shares_agrees_with_scipy_on_continuous_samples():
    rng = np.random.default_rng(3)
    high, low = rng.beta(2, 5, 12), rng.beta(3, 3, 9)
    reference = stats.bootstrap((high, low), _difference, method="BCa", n_resamples=99_999,
                                rng=np.random.default_rng(8)).confidence_interval
    effect, lower, upper = difference_interval(high, low, SHARE)
    width = reference.high - reference.low
    assert effect == pytest.approx(high.mean() - low.mean())
    assert lower == pytest.approx(reference.low, abs=0.04 * width)
    assert upper == pytest.approx(reference.high, abs=0.04 * width)
    assert difference_method(SHARE) == difference_method(COUNT) == BOOTSTRAP_TWO_SAMPLES


def test_a_difference_of_unbounded_means_is_welchs_interval():
    high = np.array([3.0, -1.0, 4.0, 1.5, -5.0, 7.0])
    low = np.array([10.0, 12.5, 9.0, 30.0])
    welch = stats.ttest_ind(high, low, equal_var=False).confidence_interval(0.95)
    assert difference_interval(high, low, UNBOUNDED) == pytest.approx(
        (high.mean() - low.mean(), welch.low, welch.high))
    assert difference_method(UNBOUNDED) == WELCH_T


def test_a_difference_without_spread_or_replicates_is_the_point():
    assert difference_interval([0.5, 0.5], [0.25, 0.25], SHARE) == (0.25, 0.25, 0.25)
    assert difference_interval([3.0], [1.0, 2.0], UNBOUNDED) == (1.5, 1.5, 1.5)


def test_the_same_values_give_the_same_interval_in_any_order():
    values = np.random.default_rng(1).random(10)
    first = mean_interval(values, SHARE)
    assert mean_interval(values[::-1], SHARE) == first
    assert mean_interval(values, SHARE) == first


def test_unbounded_measures_keep_the_student_t_interval():
    values = np.array([3.0, -1.0, 4.0, 1.5, -5.0])
    half = stats.t.ppf(0.975, 4) * values.std(ddof=1) / math.sqrt(5)
    assert mean_interval(values, UNBOUNDED) == pytest.approx(
        (values.mean(), values.mean() - half, values.mean() + half)
    )
    assert interval_method(UNBOUNDED) == STUDENT_T
    assert interval_method(SHARE) == interval_method(COUNT) == BOOTSTRAP


def test_grouped_intervals_are_the_per_group_intervals():
    rng = np.random.default_rng(2)
    rows = [("a", r, v) for r, v in enumerate(rng.random(10))]
    rows += [("b", r, v) for r, v in enumerate(rng.random(4))]
    rows += [("c", 0, 0.3), ("d", 0, np.nan), ("d", 1, 0.2), ("d", 2, 0.6), ("d", 3, 0.7)]
    table = pd.DataFrame(rows, columns=["group", "replicate", "value"]).sample(frac=1, random_state=3)
    result = grouped_interval(table, ["group"], "value", SHARE).set_index("group")
    for group, values in table.dropna().groupby("group")["value"]:
        mean, low, high = mean_interval(values.to_numpy(), SHARE)
        assert result.loc[group, "count"] == len(values)
        assert result.loc[group, ["mean", "low", "high"]].tolist() == pytest.approx([mean, low, high])
    assert result.loc["c", "low"] == result.loc["c", "high"] == 0.3


def test_sweep_aggregates_stay_in_range_and_name_their_method():
    from coopsim.games.stage import SIMULATED_MEASURES
    from coopsim.sweep.results import aggregate

    rows = []
    for point, trust in enumerate([0.2, 0.9]):
        for replicate in range(8):
            rare = replicate == 0  # one replicate breaks down, with incidents
            rows.append({"point": point, "game.trust": trust, "variant": "v", "replicate": replicate,
                         "long_run_cooperation": 0.9 if rare else 1.0,
                         "cumulative_incidents": 6.0 if rare else 0.0,
                         "welfare": -5.0 if rare else 10.0})
    summary = aggregate(pd.DataFrame(rows), ["game.trust"], SIMULATED_MEASURES)
    assert (summary["long_run_cooperation_high"] <= 1.0).all()
    assert (summary["cumulative_incidents_low"] >= 0.0).all()
    assert (summary["long_run_cooperation_interval"] == "BCa bootstrap").all()
    assert (summary["welfare_interval"] == "Student t").all()
    assert (summary["replicates"] == 8).all()


def test_chart_bands_stay_in_the_measures_range():
    from coopsim.charts.dynamics import TIME_SERIES, band_table, time_series_chart

    replicates, rounds = 6, 5
    table = pd.DataFrame({
        "variant": "v",
        "replicate": np.repeat(np.arange(replicates), rounds),
        "round": np.tile(np.arange(rounds), replicates),
    })
    first = table["replicate"] == 0
    table["cooperation_rate"] = np.where(first, 0.5, 1.0)
    table["incidents"] = np.where(first & (table["round"] == 0), 4, 0)
    band = band_table(table, "cooperation_rate", False, TIME_SERIES["cooperation-over-time"][4])
    assert (band["high"] <= 1.0).all() and (band["low"] >= 0.5).all()
    band = band_table(table, "incidents", True, TIME_SERIES["cumulative-incidents"][4])
    assert (band["low"] >= 0.0).all() and band["high"].max() <= 4.0
    chart = time_series_chart(table, "cumulative-incidents", ["v"], "caption")
    assert "95% BCa bootstrap interval" in str(chart.to_dict()["title"])
