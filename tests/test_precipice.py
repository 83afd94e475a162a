"""Tests for racing to the precipice (Armstrong, Bostrom & Shulman 2016)."""

import numpy as np
import pytest
from scipy import integrate

from coopsim.theory.precipice import (
    INFORMATION,
    PrecipiceParams,
    disaster_curve,
    disaster_probability,
    equilibrium_safety,
    private_divisor,
    simulate_disaster_probability,
)

# (teams, mu, enmity): no caps binding; caps binding (mu > k, mu > e); e >= mu; small enmity.
CASES = [(2, 1.0, 1.0), (3, 4.0, 0.5), (5, 0.3, 0.8), (4, 2.0, 0.1)]


@pytest.mark.parametrize("information", INFORMATION)
@pytest.mark.parametrize("teams, mu, enmity", CASES)
def test_closed_form_matches_monte_carlo_races(teams, mu, enmity, information):
    p = PrecipiceParams(teams, mu, enmity, information)
    races = 100_000
    expected = disaster_probability(p)
    observed = simulate_disaster_probability(p, races, np.random.default_rng(2016))
    se = np.sqrt(expected * (1 - expected) / races)
    assert abs(observed - expected) <= 4.5 * se + 1e-12


def test_hand_values():
    # n = 2, e = 1, mu = 1: none s = 1/2; private k = 2, E[max]/2 = 1/3; public E[Delta] = 1/3.
    assert disaster_probability(PrecipiceParams(2, 1.0, 1.0, "none")) == pytest.approx(0.5)
    assert disaster_probability(PrecipiceParams(2, 1.0, 1.0, "private")) == pytest.approx(2 / 3)
    assert disaster_probability(PrecipiceParams(2, 1.0, 1.0, "public")) == pytest.approx(2 / 3)


@pytest.mark.parametrize("teams, mu, enmity", [(3, 2.0, 0.5), (4, 0.5, 0.9), (2, 1.0, 1.0)])
def test_public_closed_form_against_top_two_order_statistics(teams, mu, enmity):
    """E[min(Delta/e, 1)] from the joint density n(n-1) y^(n-2)/mu^n of the top two (x > y)."""

    def integrand(y, x):
        return min((x - y) / enmity, 1.0) * teams * (teams - 1) * y ** (teams - 2) / mu**teams

    expected_safety, _ = integrate.dblquad(integrand, 0, mu, 0, lambda x: x, epsabs=1e-11)
    p = PrecipiceParams(teams, mu, enmity, "public")
    assert disaster_probability(p) == pytest.approx(1 - expected_safety, abs=1e-8)


@pytest.mark.parametrize("teams, mu, enmity", [(3, 4.0, 0.5), (2, 0.7, 1.0), (6, 3.0, 0.2)])
def test_private_closed_form_against_max_density(teams, mu, enmity):
    p = PrecipiceParams(teams, mu, enmity, "private")
    k = private_divisor(p)

    def integrand(m):
        return min(m / k, 1.0) * teams * m ** (teams - 1) / mu**teams

    expected_safety, _ = integrate.quad(integrand, 0, mu, points=[min(k, mu)], epsabs=1e-12)
    assert disaster_probability(p) == pytest.approx(1 - expected_safety, abs=1e-10)


def test_equilibrium_safety_rules():
    c = np.array([[0.2, 0.9, 0.5], [3.0, 0.1, 2.9]])
    none = equilibrium_safety(PrecipiceParams(3, 1.0, 0.5, "none"), c)
    np.testing.assert_allclose(none, np.full(c.shape, min(1.0 / 1.5, 1.0)))
    private = equilibrium_safety(PrecipiceParams(3, 3.0, 0.5, "private"), c)
    np.testing.assert_allclose(private, np.minimum(c / 2.0, 1.0))  # k = 0.5*3 - 0.5 + 1 = 2
    public = equilibrium_safety(PrecipiceParams(3, 3.0, 0.5, "public"), c)
    np.testing.assert_allclose(public, [[1.0, 0.8, 1.0], [0.2, 1.0, 1.0]])  # leads 0.4, 0.1


def test_public_followers_never_gain_by_overtaking():
    """A follower that overtakes gets at most s_lead - Delta_i; staying out gives (1 - e) s_lead."""
    for enmity in (0.2, 0.6, 1.0):
        p = PrecipiceParams(4, 1.0, enmity, "public")
        c = np.random.default_rng(1).uniform(0, 1, size=(10_000, 4))
        leader = np.argmax(c, axis=1)
        lead_safety = equilibrium_safety(p, c)[np.arange(len(c)), leader]
        gaps = c.max(axis=1, keepdims=True) - c
        overtaking = lead_safety[:, None] - gaps
        staying = (1 - enmity) * lead_safety[:, None]
        followers = gaps > 0
        assert np.all(overtaking[followers] <= staying.repeat(4, axis=1)[followers] + 1e-12)


def test_zero_enmity_limits():
    assert disaster_probability(PrecipiceParams(3, 1.0, 0.0, "none")) == 0.0
    assert disaster_probability(PrecipiceParams(3, 1.0, 0.0, "public")) == 0.0
    # private, k = 1: s(x) = min(x, 1); winner = most capable; 1 - E[max] = 1 - 3/4.
    p = PrecipiceParams(3, 1.0, 0.0, "private")
    assert disaster_probability(p) == pytest.approx(0.25)
    assert simulate_disaster_probability(p, 50_000, np.random.default_rng(0)) == pytest.approx(
        0.25, abs=4.5 * np.sqrt(0.25 * 0.75 / 50_000)
    )
    for e in (1e-6, 1e-9):
        assert disaster_probability(PrecipiceParams(3, 1.0, e, "public")) < 1e-5


@pytest.mark.parametrize("information", INFORMATION)
def test_published_comparative_statics(information):
    """More enmity raises the disaster probability, a larger mu lowers it (weakly)."""
    mus = np.linspace(0.1, 5.0, 30)
    enmities = np.linspace(0.05, 1.0, 20)
    for teams in (2, 3, 6):
        by_mu = [disaster_probability(PrecipiceParams(teams, m, 0.7, information)) for m in mus]
        by_e = [disaster_probability(PrecipiceParams(teams, 1.5, e, information)) for e in enmities]
        assert np.all(np.diff(by_mu) <= 1e-12) and by_mu[0] > by_mu[-1]
        assert np.all(np.diff(by_e) >= -1e-12) and by_e[-1] > by_e[0]


def test_disaster_curve_is_tidy():
    mus = [0.5, 1.0, 2.0]
    frame = disaster_curve(mus, teams=2, enmity=1.0)
    assert list(frame.columns) == ["mu", "information", "p_disaster"]
    assert len(frame) == 9 and set(frame["information"]) == set(INFORMATION)
    row = frame[(frame["mu"] == 2.0) & (frame["information"] == "public")]
    assert row["p_disaster"].item() == pytest.approx(1 - 2.0 / 3 * (1 - 0.5**3))


def test_validation():
    with pytest.raises(ValueError):
        PrecipiceParams(1, 1.0, 0.5, "none")
    with pytest.raises(ValueError):
        PrecipiceParams(2, 0.0, 0.5, "none")
    with pytest.raises(ValueError):
        PrecipiceParams(2, 1.0, 1.5, "none")
    with pytest.raises(ValueError):
        PrecipiceParams(2, 1.0, 0.5, "partial")
