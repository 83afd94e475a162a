"""Tests for finite- and infinite-population evolutionary dynamics."""

import json
from dataclasses import replace

import numpy as np
import pytest

from coopsim.theory import evolution as ev
from coopsim.theory import dsair, dsair_groups

PD = np.array([[3.0, 0.0], [5.0, 1.0]])  # C, D
CONVENTIONS = ("exclude_self", "include_self")


def _constant_advantage(delta):
    """Mutant (index 1) earns delta more than the resident whatever the composition."""
    return np.array([[0.0, 0.0], [delta, delta]])


def _log_rho_constant_advantage(delta, beta, Z):
    """log of (1 - e^{-beta delta}) / (1 - e^{-beta delta Z}) for delta < 0, overflow-free."""
    x = -beta * delta  # > 0
    return (x + np.log1p(-np.exp(-x))) - (x * Z + np.log1p(-np.exp(-x * Z)))


# --------------------------------------------------------------------------- fixation


@pytest.mark.parametrize("fitness", CONVENTIONS)
def test_neutral_fixation_is_one_over_z(fitness):
    payoff = np.random.default_rng(0).normal(size=(3, 3))
    for Z in (2, 7, 100):
        log_rho, rho = ev.fixation_probability(payoff, 0, 2, Z, 0.0, fitness)
        assert rho == pytest.approx(1 / Z) and log_rho == pytest.approx(-np.log(Z))


def test_fixation_by_hand_for_both_conventions():
    beta = 0.5
    # Z = 3. exclude_self: f_D - f_C = 3.5 (j=1), 3 (j=2); include_self: 5/3, 4/3.
    excl = 1 / (1 + np.exp(-3.5 * beta) + np.exp(-6.5 * beta))
    incl = 1 / (1 + np.exp(-5 / 3 * beta) + np.exp(-3 * beta))
    assert ev.fixation_probability(PD, 0, 1, 3, beta, "exclude_self").rho == pytest.approx(excl)
    assert ev.fixation_probability(PD, 0, 1, 3, beta, "include_self").rho == pytest.approx(incl)
    with pytest.raises(ValueError):
        ev.fixation_probability(PD, 0, 1, 3, beta, "self")


@pytest.mark.parametrize("fitness", CONVENTIONS)
@pytest.mark.parametrize("delta", [0.7, -0.3])
def test_constant_advantage_closed_form(fitness, delta):
    beta, Z = 1.3, 20
    expected = (1 - np.exp(-beta * delta)) / (1 - np.exp(-beta * delta * Z))
    rho = ev.fixation_probability(_constant_advantage(delta), 0, 1, Z, beta, fitness).rho
    assert rho == pytest.approx(expected, rel=1e-12)


def test_tiny_fixation_probability_stays_exact_in_log_space():
    beta, Z, delta = 5.0, 50, -1.0  # rho ~ e^-245 ~ 1e-106
    log_rho, rho = ev.fixation_probability(_constant_advantage(delta), 0, 1, Z, beta)
    assert log_rho == pytest.approx(_log_rho_constant_advantage(delta, beta, Z), rel=1e-13)
    assert 1e-110 < rho < 1e-100
    huge = ev.fixation_probability(_constant_advantage(delta), 0, 1, 1000, 50.0)
    assert huge.rho == 0.0 and huge.log_rho == pytest.approx(
        _log_rho_constant_advantage(delta, 50.0, 1000), rel=1e-13
    )


@pytest.mark.parametrize("fitness", CONVENTIONS)
def test_fixation_matches_fermi_process_monte_carlo(fitness):
    Z, beta, runs = 6, 0.4, 4000
    rng = np.random.default_rng(12345)
    for resident, mutant in ((0, 1), (1, 0)):
        f_a, f_b = ev.average_payoffs(PD, resident, mutant, Z, fitness)
        rho = ev.fixation_probability_from_fitness(f_a, f_b, beta).rho
        observed = ev.simulate_fixation(f_a, f_b, beta, runs, rng)
        se = np.sqrt(rho * (1 - rho) / runs)
        assert abs(observed - rho) < 4 * se


def test_hypergeometric_dsair_fixation_matches_monte_carlo():
    p = dsair.DsairParams(b=4, c=1, s=1.5, B=1e3, W=100, p_r=0.5, p_fo=0.2, N=3)
    Z, beta, runs = 6, 0.5, 4000
    f_as, f_au = dsair_groups.n_lab_population_payoffs(p, Z, np.arange(1, Z))
    rho = ev.fixation_probability_from_fitness(f_as, f_au, beta).rho
    assert 0.05 < rho < 0.95  # a non-trivial case
    observed = ev.simulate_fixation(f_as, f_au, beta, runs, np.random.default_rng(7))
    assert abs(observed - rho) < 4 * np.sqrt(rho * (1 - rho) / runs)


# --------------------------------------------------------------------------- stationary


def test_transition_matrix_is_stochastic():
    logs = ev.log_fixation_matrix(ev.repeated_game_matrix(3, 0, 5, 1, 10), 30, 1.0)
    t = ev.transition_matrix(logs)
    assert np.all(t >= 0)
    np.testing.assert_allclose(t.sum(axis=1), 1.0, rtol=1e-14)
    assert t[0, 1] == pytest.approx(np.exp(logs[0, 1]) / 2)


def test_gth_matches_linear_solve_on_a_generic_chain():
    rng = np.random.default_rng(3)
    t = rng.random((5, 5))
    t /= t.sum(axis=1, keepdims=True)
    a = np.vstack([(t.T - np.eye(5))[:-1], np.ones(5)])
    expected = np.linalg.solve(a, np.eye(5)[-1])
    np.testing.assert_allclose(ev.stationary_distribution(np.log(t)), expected, rtol=1e-12)


def test_gth_recovers_a_reversible_chain_far_below_float_range():
    """Detailed balance pi_i q_ij = w_ij with pi spanning e^-1000: known answer."""
    log_pi = np.array([0.0, -230.0, -700.0, -1000.0])
    log_pi -= np.logaddexp.reduce(log_pi)
    w = np.random.default_rng(5).random((4, 4))
    log_w = np.log(w + w.T)
    log_rates = log_w - log_pi[:, None]
    np.testing.assert_allclose(ev.log_stationary_distribution(log_rates), log_pi, atol=1e-10)


def test_two_strategy_stationary_with_rho_near_1e_minus_100():
    beta, Z = 5.0, 50
    payoff = _constant_advantage(-1.0)  # strategy 1 is always worse by 1
    logs = ev.log_fixation_matrix(payoff, Z, beta)
    assert logs[0, 1] < np.log(1e-100)
    # pi_0 / pi_1 = rho(1->0) / rho(0->1)
    log_pi_1 = logs[0, 1] - np.logaddexp(logs[0, 1], logs[1, 0])
    log_pi = ev.log_stationary_distribution(logs)
    assert log_pi[1] == pytest.approx(log_pi_1, rel=1e-12)
    assert log_pi[0] == pytest.approx(0.0, abs=1e-15)
    assert np.exp(log_pi).sum() == pytest.approx(1.0)


def test_stationary_sums_to_one_and_is_invariant_to_strategy_order():
    payoff = dsair.race_payoff_matrix(
        dsair.DsairParams(b=4, c=1, s=1.5, B=1e4, W=100, p_r=0.6, p_fo=0.3)
    )
    base = ev.small_mutation_analysis(payoff, ("AS", "AU", "CS"), 100, 0.1)
    assert sum(base.stationary.values()) == pytest.approx(1.0)
    for order in ([2, 0, 1], [1, 2, 0]):
        names = tuple(np.array(base.strategies)[order])
        permuted = ev.small_mutation_analysis(payoff[np.ix_(order, order)], names, 100, 0.1)
        for name in base.strategies:
            assert permuted.log_stationary[name] == pytest.approx(
                base.log_stationary[name], rel=1e-10, abs=1e-12
            )


def test_reducible_chain_is_rejected():
    logs = np.array([[-np.inf, np.log(0.5)], [-np.inf, -np.inf]])  # state 1 is absorbing
    with pytest.raises(ValueError):
        ev.log_stationary_distribution(logs)


# --------------------------------------------------------------------------- other analyses


def test_pairwise_risk_dominance():
    assert ev.pairwise_risk_dominance(PD, 1, 0) and not ev.pairwise_risk_dominance(PD, 0, 1)
    stag = np.array([[5.0, 0.0], [3.0, 2.0]])  # R - T = 2 = P - S: a tie
    assert not ev.pairwise_risk_dominance(stag, 0, 1)
    assert not ev.pairwise_risk_dominance(stag, 1, 0)


def test_repeated_game_matrix():
    one_shot = ev.repeated_game_matrix(3, 0, 5, 1, 1)
    np.testing.assert_array_equal(one_shot[:, 2], one_shot[:, 0])  # TFT plays C once
    np.testing.assert_array_equal(one_shot[2], one_shot[0])
    m = ev.repeated_game_matrix(3, 0, 5, 1, 10)
    assert m[1, 2] == pytest.approx((5 + 9 * 1) / 10)
    assert m[2, 1] == pytest.approx((0 + 9 * 1) / 10)
    assert ev.pairwise_risk_dominance(m, 2, 1)  # 3 + 0.9 > 1.4 + 1
    assert ev.pairwise_risk_dominance(one_shot, 1, 2)
    with pytest.raises(ValueError):
        ev.repeated_game_matrix(3, 0, 5, 1, 0.5)


def test_replicator_dynamics():
    hawk_dove = np.array([[0.0, 3.0], [1.0, 2.0]])  # mixed equilibrium at 1/2
    shares = ev.replicator_dynamics(hawk_dove, [0.1, 0.9], np.linspace(0, 40, 200))
    assert shares.shape == (200, 2)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(shares[-1], [0.5, 0.5], atol=1e-4)
    defect = ev.replicator_dynamics(PD, [0.9, 0.1], np.linspace(0, 40, 200))[-1]
    assert defect[1] > 0.999


def test_small_mutation_analysis_result():
    m = ev.repeated_game_matrix(3, 0, 5, 1, 10)
    result = ev.small_mutation_analysis(m, ev.REPEATED_GAME_STRATEGIES, 50, 1.0, "include_self")
    assert set(result.fixation) == {
        "AllC->AllD", "AllC->TFT", "AllD->AllC", "AllD->TFT", "TFT->AllC", "TFT->AllD"
    }
    expected = ev.fixation_probability(m, 1, 2, 50, 1.0, "include_self")
    assert result.fixation["AllD->TFT"] == pytest.approx(expected.rho)
    assert result.log_fixation["AllD->TFT"] == pytest.approx(expected.log_rho)
    assert result.fixation_neutral_units["AllD->TFT"] == pytest.approx(50 * expected.rho)
    assert result.fixation_neutral_units["AllC->TFT"] == pytest.approx(1.0)  # neutral pair
    stationary = ev.stationary_distribution(ev.log_fixation_matrix(m, 50, 1.0, "include_self"))
    np.testing.assert_allclose(list(result.stationary.values()), stationary)
    assert result.risk_dominance == {
        "AllC vs AllD": "AllD", "AllC vs TFT": "neither", "AllD vs TFT": "TFT"
    }
    decoded = json.loads(json.dumps(result.to_json()))
    assert decoded["strategies"] == ["AllC", "AllD", "TFT"]
    assert decoded["payoff_matrix"][1][2] == pytest.approx(1.4)
    with pytest.raises(ValueError):
        ev.small_mutation_analysis(m, ("A", "B"), 50, 1.0)


def test_dsair_selection_follows_risk_dominance_for_large_population():
    """Early regime, strong enough selection: AU is favoured below 1 - 1/(3s), AS above."""
    base = dsair.DsairParams(b=4, c=1, s=1.5, B=1e4, W=100, p_r=0.5, p_fo=0.0)
    threshold = dsair.as_risk_dominance_threshold(base)
    for p_r, favoured in ((threshold - 0.05, "AU"), (threshold + 0.05, "AS")):
        m = dsair.race_payoff_matrix(replace(base, p_r=p_r), ("AS", "AU"))
        result = ev.small_mutation_analysis(m, ("AS", "AU"), 100, 0.01)
        assert max(result.stationary, key=result.stationary.get) == favoured
