"""Tests for the DSAIR race model (Han, Pereira, Santos & Lenaerts 2020)."""

from dataclasses import replace
from itertools import combinations

import numpy as np
import pytest

from coopsim.theory.evolution import (
    average_payoffs,
    fixation_probability,
    fixation_probability_from_fitness,
)
from coopsim.theory import dsair, dsair_groups
from coopsim.theory.dsair import DsairParams

EARLY = DsairParams(b=4.0, c=1.0, s=1.5, B=1e4, W=100.0, p_r=0.5, p_fo=0.0)
IDX = {name: i for i, name in enumerate(dsair.STRATEGIES)}

VARIANTS = [
    EARLY,
    replace(EARLY, p_fo=0.3),
    replace(EARLY, gamma=0.6),
    replace(EARLY, cs_vs_au="corrected"),
    replace(EARLY, cs_vs_au="corrected", gamma=0.6, p_fo=0.2),
    replace(EARLY, B=2e3, W=1e3, s=3.0),
    replace(EARLY, W=1e5, p_fo=0.1),  # late regime
]


def test_per_round_payoffs_by_hand():
    pi = dsair.per_round_payoffs(replace(EARLY, p_fo=0.5))
    assert pi["pi11"] == pytest.approx(1.0)  # -1 + 4/2
    assert pi["pi12"] == pytest.approx(1.8)  # -1 + 0.5*4/2.5 + 0.5*4
    assert pi["pi21"] == pytest.approx(1.2)  # 0.5*1.5*4/2.5
    assert pi["pi22"] == pytest.approx(1.5)  # 0.75*4/2


def test_race_matrix_by_hand():
    # pi11 = 1, pi12 = 0.6, pi21 = 2.4, pi22 = 2; W/s - 1 = 200/3 - 1.
    tail = (200 / 3 - 1) * 2.0
    expected = np.array(
        [
            [51.0, 0.6, 51.0],
            [0.5 * (150 + 2.4), 0.5 * (75 + 2), 0.5 * (150 + 0.015 * (2.4 + tail))],
            [51.0, 0.015 * (0.6 + tail), 51.0],
        ]
    )
    np.testing.assert_allclose(dsair.race_payoff_matrix(EARLY), expected, rtol=1e-12)


def test_matrix_strategy_subset_and_unknown_strategy():
    full = dsair.race_payoff_matrix(EARLY)
    sub = dsair.race_payoff_matrix(EARLY, ("CS", "AU"))
    np.testing.assert_array_equal(sub, full[np.ix_([2, 1], [2, 1])])
    with pytest.raises(ValueError):
        dsair.race_payoff_matrix(EARLY, ("AS", "XX"))


def test_published_and_corrected_differ_exactly_in_cs_vs_au():
    p = replace(EARLY, p_r=0.4, p_fo=0.2, gamma=0.3)
    published = dsair.race_payoff_matrix(p)
    corrected = dsair.race_payoff_matrix(replace(p, cs_vs_au="corrected"))
    differs = ~np.isclose(published, corrected, rtol=0, atol=0)
    assert differs.sum() == 1 and differs[IDX["CS"], IDX["AU"]]
    ratio = corrected[IDX["CS"], IDX["AU"]] / published[IDX["CS"], IDX["AU"]]
    assert ratio == pytest.approx(1 - 0.4 * (1 - 1.5 / 100))


def test_collective_risk_scales_only_safe_entries_against_au():
    base = dsair.race_payoff_matrix(replace(EARLY, p_r=0.3))
    risky = dsair.race_payoff_matrix(replace(EARLY, p_r=0.3, gamma=0.5))
    factor = np.ones((3, 3))
    factor[IDX["AS"], IDX["AU"]] = factor[IDX["CS"], IDX["AU"]] = 1 - 0.3 * 0.5
    np.testing.assert_allclose(risky, base * factor, rtol=1e-14)


def test_validation():
    with pytest.raises(ValueError):
        replace(EARLY, cs_vs_au="fixed")
    with pytest.raises(ValueError):
        replace(EARLY, p_r=1.5)
    with pytest.raises(ValueError):
        replace(EARLY, s=1.0)
    with pytest.raises(ValueError):
        replace(EARLY, N=1)


# --------------------------------------------------------------------------- thresholds


def _flips(condition, p, threshold, eps=1e-7):
    """The condition is false just below the threshold and true just above it."""
    below = condition(replace(p, p_r=threshold - eps))
    above = condition(replace(p, p_r=threshold + eps))
    return (not below) and above


@pytest.mark.parametrize("p", VARIANTS)
@pytest.mark.parametrize(
    "threshold, condition",
    [
        (dsair.collective_preference_threshold, dsair.safety_collectively_preferred),
        (dsair.as_risk_dominance_threshold, dsair.as_risk_dominant),
        (dsair.cs_risk_dominance_threshold, dsair.cs_risk_dominant),
    ],
)
def test_thresholds_are_where_the_matrix_condition_flips(p, threshold, condition):
    value = threshold(p)
    assert 0 < value < 1
    assert _flips(condition, p, value)


@pytest.mark.parametrize("p", VARIANTS)
def test_threshold_closed_forms(p):
    pi = dsair.per_round_payoffs(p)
    b, c, s, B, W, g = p.b, p.c, p.s, p.B, p.W, p.gamma
    collective = 1 - (B + 2 * W * pi["pi11"]) / (s * B + 2 * W * pi["pi22"])
    assert dsair.collective_preference_threshold(p) == pytest.approx(collective, rel=1e-10)
    as_rd = 1 - (B / (2 * W) + pi["pi11"] + (1 - g) * pi["pi12"]) / (
        3 * s * B / (2 * W) + pi["pi21"] + pi["pi22"] - g * pi["pi12"]
    )
    assert dsair.as_risk_dominance_threshold(p) == pytest.approx(as_rd, rel=1e-10)
    if p.cs_vs_au == "published":
        x = (s / W) * (pi["pi12"] + (W / s - 1) * pi["pi22"])
        y = s * B / W + (s / W) * (pi["pi21"] + (W / s - 1) * pi["pi22"])
        y += s * B / (2 * W) + pi["pi22"]
        cs_rd = 1 - (B / (2 * W) + pi["pi11"] + (1 - g) * x) / (y - g * x)
        assert dsair.cs_risk_dominance_threshold(p) == pytest.approx(cs_rd, rel=1e-10)


def test_thresholds_nan_when_condition_does_not_depend_on_p_r():
    # B = 0 and p_fo = 1: every AU entry is 0, so D(p_r) is constant.
    p = replace(EARLY, B=0.0, p_fo=1.0)
    assert np.isnan(dsair.collective_preference_threshold(p))
    assert np.isnan(dsair.collective_preference_threshold_late(p))


def test_early_limits_approached_as_prize_dominates():
    """Early regime: B/W >> b. Fix W = 100 and let B grow: the gaps shrink like W b / B."""
    gaps = {"pref": [], "as": [], "cs": []}
    for B in (1e4, 1e5, 1e6, 1e8):
        p = replace(EARLY, B=B, p_fo=0.2)
        gaps["pref"].append(
            abs(dsair.collective_preference_threshold(p) - (1 - 1 / p.s))
        )
        early_rd = dsair.risk_dominance_threshold_early(p)
        gaps["as"].append(abs(dsair.as_risk_dominance_threshold(p) - early_rd))
        gaps["cs"].append(abs(dsair.cs_risk_dominance_threshold(p) - early_rd))
    for series in gaps.values():
        assert all(later < earlier for earlier, later in zip(series, series[1:]))
        assert series[-1] < 1e-5
    assert dsair.risk_dominance_threshold_early(EARLY) == pytest.approx(1 - 1 / 4.5)


def test_late_limit_approached_as_races_get_long():
    p = replace(EARLY, p_fo=0.3)
    late = dsair.collective_preference_threshold_late(p)
    pi = dsair.per_round_payoffs(p)
    assert late == pytest.approx(1 - pi["pi11"] / pi["pi22"])
    gaps = [
        abs(dsair.collective_preference_threshold(replace(p, W=W)) - late)
        for W in (1e3, 1e5, 1e9)
    ]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-6


# --------------------------------------------------------------------------- zones


@pytest.mark.parametrize(
    "p_r, expected", [(0.2, "innovation"), (0.5, "dilemma"), (0.9, "compliance")]
)
def test_zones_in_the_early_regime(p_r, expected):
    assert dsair.zone(replace(EARLY, p_r=p_r)) == expected


def test_fourth_zone_unsafe_preferred_but_safe_selected():
    # No prize and heavy monitoring: pi12 (SAFE gets b when UNSAFE is caught) is large.
    p = DsairParams(b=4.0, c=1.9, s=1.5, B=0.0, W=100.0, p_r=0.5, p_fo=0.9)
    assert not dsair.safety_collectively_preferred(p)
    assert dsair.as_risk_dominant(p)
    assert dsair.zone(p) == "unsafe_preferred_safe_selected"


# --------------------------------------------------------------------------- N labs


def test_two_lab_group_payoffs_reduce_to_eq1():
    p = replace(EARLY, p_fo=0.35)
    pi = dsair.per_round_payoffs(p)
    safe, unsafe = dsair_groups.group_payoffs(p, [0, 1, 2])
    assert np.isnan(safe[0]) and np.isnan(unsafe[2])
    assert safe[2] == pytest.approx(pi["pi11"])
    assert safe[1] == pytest.approx(pi["pi12"])
    assert unsafe[1] == pytest.approx(pi["pi21"])
    # Appendix B leaves out the detected co-player's share that Eq. 1 gives pi22.
    assert unsafe[0] == pytest.approx(pi["pi22"] / (1 + p.p_fo))


def test_two_lab_race_payoffs_and_thresholds_match_pairwise_without_monitoring():
    p = replace(EARLY, p_r=0.3, gamma=0.4)
    m = dsair.race_payoff_matrix(p, ("AS", "AU"))
    safe, unsafe = dsair_groups.n_lab_race_payoffs(p, [0, 1, 2])
    np.testing.assert_allclose([safe[2], safe[1]], m[0], rtol=1e-13)
    np.testing.assert_allclose([unsafe[1], unsafe[0]], m[1], rtol=1e-13)
    assert dsair_groups.n_lab_collective_threshold(p) == pytest.approx(
        dsair.collective_preference_threshold(p), rel=1e-12
    )
    assert dsair_groups.n_lab_risk_dominance_threshold(p) == pytest.approx(
        dsair.as_risk_dominance_threshold(p), rel=1e-10
    )


def test_population_payoffs_match_pairwise_averages_for_two_labs():
    p = replace(EARLY, p_r=0.3)
    Z = 12
    matrix = dsair.race_payoff_matrix(p, ("AS", "AU"))
    f_as_pairwise, f_au_pairwise = average_payoffs(matrix, 0, 1, Z, "exclude_self")
    f_as, f_au = dsair_groups.n_lab_population_payoffs(p, Z, np.arange(1, Z))
    np.testing.assert_allclose(f_as, f_as_pairwise, rtol=1e-12)
    np.testing.assert_allclose(f_au, f_au_pairwise, rtol=1e-12)
    beta = 0.05
    as_invades = fixation_probability_from_fitness(f_au[::-1], f_as[::-1], beta)
    assert as_invades.log_rho == pytest.approx(
        fixation_probability(matrix, 1, 0, Z, beta).log_rho, rel=1e-12
    )


def test_population_payoffs_match_enumeration_of_groups():
    p = replace(EARLY, N=3, p_r=0.3, p_fo=0.25, gamma=0.2)
    Z = 6
    for j in range(1, Z):
        strategies = ["AU"] * j + ["AS"] * (Z - j)
        focal = {"AS": strategies.index("AS"), "AU": 0}
        totals = {}
        for kind, i in focal.items():
            others = [x for n, x in enumerate(strategies) if n != i]
            payoffs = []
            for group in combinations(others, p.N - 1):
                k = list(group).count("AS") + (kind == "AS")
                race = dsair_groups.n_lab_race_payoffs(p, k)
                payoffs.append(race.safe if kind == "AS" else race.unsafe)
            totals[kind] = np.mean(payoffs)
        f_as, f_au = dsair_groups.n_lab_population_payoffs(p, Z, j)
        assert f_as[0] == pytest.approx(totals["AS"], rel=1e-12)
        assert f_au[0] == pytest.approx(totals["AU"], rel=1e-12)


@pytest.mark.parametrize("N", [3, 4, 6])
def test_n_lab_collective_threshold_flips_all_safe_vs_all_unsafe(N):
    p = replace(EARLY, N=N, p_fo=0.3, c=0.5)
    threshold = dsair_groups.n_lab_collective_threshold(p)

    def preferred(q):
        return dsair_groups.n_lab_race_payoffs(q, N).safe > dsair_groups.n_lab_race_payoffs(q, 0).unsafe

    assert 0 < threshold < 1 and _flips(preferred, p, threshold)


@pytest.mark.parametrize("N", [2, 3, 5])
def test_n_lab_risk_dominance_threshold_flips_and_tends_to_early_limit(N):
    p = replace(EARLY, N=N, p_fo=0.1)
    threshold = dsair_groups.n_lab_risk_dominance_threshold(p)
    assert _flips(dsair_groups.n_lab_as_risk_dominant, p, threshold)
    harmonic = sum(1 / m for m in range(1, N + 1))
    early = dsair_groups.n_lab_risk_dominance_threshold_early(p)
    assert early == pytest.approx(1 - 1 / (N * harmonic * p.s))
    gaps = [abs(dsair_groups.n_lab_risk_dominance_threshold(replace(p, B=B)) - early) for B in (1e4, 1e8)]
    assert gaps[1] < gaps[0] and gaps[1] < 1e-5
