"""Evolutionary dynamics for symmetric games: finite populations (Fermi rule, small-mutation limit)
and infinite populations (replicator dynamics).

Finite population of ``Z`` players, pairwise-comparison (Fermi) imitation: a player of strategy
``A`` adopts the strategy of a random other player of strategy ``B`` with probability
``1 / (1 + exp(-beta (f_B - f_A)))``. With ``j`` players of ``B`` among ``Z``, the number of ``B``
players goes up with probability ``T+(j) = (Z-j)/Z * j/(Z-1) * fermi(f_B(j) - f_A(j))`` and down
with ``T-(j) = j/Z * (Z-j)/(Z-1) * fermi(f_A(j) - f_B(j))``, so ``T-(j)/T+(j) = exp(-beta (f_B(j)
- f_A(j)))`` and the fixation probability of a single ``B`` mutant among ``A`` residents is::

    rho(A->B) = 1 / (1 + sum_{i=1}^{Z-1} prod_{j=1}^{i} exp(-beta (f_B(j) - f_A(j))))

Average payoffs for a payoff matrix ``Pi`` (``Pi[X, Y]`` = payoff of ``X`` against ``Y``), with
``j`` the number of ``B`` players, in two conventions:

- ``exclude_self`` (as printed by Han et al. 2020)::

      f_B(j) = ((j - 1) Pi_BB + (Z - j) Pi_BA) / (Z - 1)
      f_A(j) = (j Pi_AB + (Z - j - 1) Pi_AA) / (Z - 1)

- ``include_self``::

      f_B(j) = (j Pi_BB + (Z - j) Pi_BA) / Z
      f_A(j) = (j Pi_AB + (Z - j) Pi_AA) / Z

In the limit of rare mutations the population jumps between monomorphic states with transition
probabilities ``T[A, B] = rho(A->B) / (n - 1)`` (``n`` strategies), ``T[A, A] = 1 - sum_B T[A, B]``.
Fixation probabilities can be far below ``1e-80``, so they are computed in log space and the
stationary distribution is found by Grassmann-Taksar-Heyman elimination carried out in log space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, Sequence

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp

FitnessConvention = Literal["exclude_self", "include_self"]
REPEATED_GAME_STRATEGIES: tuple[str, ...] = ("AllC", "AllD", "TFT")


class Fixation(NamedTuple):
    """A fixation probability, ``rho`` and its natural logarithm (``rho`` may underflow to 0)."""

    log_rho: float
    rho: float


# --------------------------------------------------------------------------- fixation


def average_payoffs(
    payoff: npt.ArrayLike, a: int, b: int, Z: int, fitness: FitnessConvention = "exclude_self"
) -> tuple[np.ndarray, np.ndarray]:
    """``(f_A(j), f_B(j))`` for ``j = 1 .. Z-1`` players of mutant ``b`` among residents ``a``.

    Formulas in the module docstring; ``payoff[X, Y]`` is the payoff of ``X`` against ``Y``.
    """
    pi = np.asarray(payoff, dtype=float)
    if Z < 2:
        raise ValueError("the population needs at least 2 players")
    j = np.arange(1, Z, dtype=float)
    if fitness == "exclude_self":
        f_b = ((j - 1) * pi[b, b] + (Z - j) * pi[b, a]) / (Z - 1)
        f_a = (j * pi[a, b] + (Z - j - 1) * pi[a, a]) / (Z - 1)
    elif fitness == "include_self":
        f_b = (j * pi[b, b] + (Z - j) * pi[b, a]) / Z
        f_a = (j * pi[a, b] + (Z - j) * pi[a, a]) / Z
    else:
        raise ValueError(f"fitness must be 'exclude_self' or 'include_self', not {fitness!r}")
    return f_a, f_b


def fixation_probability_from_fitness(
    f_resident: npt.ArrayLike, f_mutant: npt.ArrayLike, beta: float
) -> Fixation:
    """Fixation probability of one mutant from average payoffs indexed by ``j = 1 .. Z-1``.

    ``f_resident[j-1]``, ``f_mutant[j-1]`` are the payoffs when ``j`` players are mutants (any
    game, e.g. N-player groups with hypergeometric sampling). In log space::

        S_i = -beta sum_{j=1}^{i} (f_mutant(j) - f_resident(j))
        log rho = -log(1 + sum_{i=1}^{Z-1} exp(S_i)) = -logsumexp(0, S_1, ..., S_{Z-1})

    exact for any ``beta`` (no overflow); ``beta = 0`` gives ``rho = 1/Z``.
    """
    diff = np.asarray(f_mutant, dtype=float) - np.asarray(f_resident, dtype=float)
    exponents = np.concatenate(([0.0], np.cumsum(-beta * diff)))
    log_rho = -float(logsumexp(exponents))
    return Fixation(log_rho, float(np.exp(log_rho)))


def fixation_probability(
    payoff: npt.ArrayLike,
    a: int,
    b: int,
    Z: int,
    beta: float,
    fitness: FitnessConvention = "exclude_self",
) -> Fixation:
    """``rho(a->b)``: probability that a single ``b`` mutant takes over a population of ``a``."""
    f_a, f_b = average_payoffs(payoff, a, b, Z, fitness)
    return fixation_probability_from_fitness(f_a, f_b, beta)


def log_fixation_matrix(
    payoff: npt.ArrayLike, Z: int, beta: float, fitness: FitnessConvention = "exclude_self"
) -> np.ndarray:
    """``L[A, B] = log rho(A->B)`` for all ordered pairs; the diagonal is ``-inf`` (unused)."""
    n = np.asarray(payoff).shape[0]
    logs = np.full((n, n), -np.inf)
    for a in range(n):
        for b in range(n):
            if a != b:
                logs[a, b] = fixation_probability(payoff, a, b, Z, beta, fitness).log_rho
    return logs


def transition_matrix(log_fixation: npt.ArrayLike) -> np.ndarray:
    """Small-mutation-limit Markov chain: ``T[A, B] = rho(A->B)/(n-1)``, ``T[A, A] = 1 - sum``.

    For display and simulation; entries below ~1e-308 underflow to 0 here, which is why
    :func:`stationary_distribution` works from the log fixation matrix instead.
    """
    logs = np.asarray(log_fixation, dtype=float)
    n = logs.shape[0]
    off_diagonal = ~np.eye(n, dtype=bool)
    transitions = np.where(off_diagonal, np.exp(logs) / (n - 1), 0.0)
    np.fill_diagonal(transitions, 1 - transitions.sum(axis=1))
    return transitions


# --------------------------------------------------------------------------- stationary (GTH)


def log_stationary_distribution(log_rates: npt.ArrayLike) -> np.ndarray:
    """Log of the stationary distribution, by GTH elimination in log space.

    ``log_rates[i, j]`` (``i != j``) is the log of the rate (or transition probability) from
    ``i`` to ``j``; the diagonal is ignored, and a common factor on all rates (such as
    ``1/(n - 1)``) does not change the result, so the log fixation matrix can be passed as is.
    Grassmann-Taksar-Heyman: for ``k = n-1 .. 1`` censor state ``k`` out of the chain,

        S_k = sum_{j<k} P[k, j];   P[i, k] /= S_k;   P[i, j] += P[i, k] P[k, j]   (i, j < k)

    then ``x_0 = 1``, ``x_k = sum_{i<k} x_i P[i, k]`` and ``pi = x / sum(x)``. Only sums of
    positive terms, products and quotients occur (no subtractions), so the relative accuracy of
    every ``pi_i`` is kept; doing it with ``logaddexp``/``logsumexp`` removes the float range limit
    as well. Raises ``ValueError`` if the chain is reducible.
    """
    logs = np.array(log_rates, dtype=float)
    n = logs.shape[0]
    np.fill_diagonal(logs, -np.inf)
    for k in range(n - 1, 0, -1):
        log_exit = logsumexp(logs[k, :k])
        if not np.isfinite(log_exit):
            raise ValueError(f"state {k} cannot reach states 0..{k - 1}: the chain is reducible")
        logs[:k, k] -= log_exit
        logs[:k, :k] = np.logaddexp(logs[:k, :k], logs[:k, k, None] + logs[None, k, :k])
    log_x = np.full(n, -np.inf)
    log_x[0] = 0.0
    for k in range(1, n):
        log_x[k] = logsumexp(log_x[:k] + logs[:k, k])
    return log_x - logsumexp(log_x)


def stationary_distribution(log_rates: npt.ArrayLike) -> np.ndarray:
    """Stationary distribution ``pi`` (sums to 1); see :func:`log_stationary_distribution`."""
    return np.exp(log_stationary_distribution(log_rates))


# --------------------------------------------------------------------------- other analyses


def pairwise_risk_dominance(payoff: npt.ArrayLike, a: int, b: int) -> bool:
    """``a`` risk-dominates ``b``: ``Pi_aa + Pi_ab > Pi_ba + Pi_bb`` (strict).

    For large ``Z`` and weak selection this is the condition for ``rho(b->a) > rho(a->b)``.
    """
    pi = np.asarray(payoff, dtype=float)
    return bool(pi[a, a] + pi[a, b] > pi[b, a] + pi[b, b])


def replicator_dynamics(
    payoff: npt.ArrayLike, y0: npt.ArrayLike, timepoints: npt.ArrayLike
) -> np.ndarray:
    """Infinite-population replicator dynamics ``dx_i/dt = x_i ((A x)_i - x.A x)``.

    Integrated by ``nashpy.Game(A).replicator_dynamics(y0=..., timepoints=...)`` (nashpy 0.0.43;
    only the row matrix ``A`` is used). Returns an array ``(len(timepoints), n)`` of strategy
    shares.
    """
    import nashpy  # with scipy.optimize and networkx: loaded only by the runs that integrate

    game = nashpy.Game(np.asarray(payoff, dtype=float))
    return np.asarray(
        game.replicator_dynamics(
            y0=np.asarray(y0, dtype=float), timepoints=np.asarray(timepoints, dtype=float)
        )
    )


def repeated_game_profiles(rounds: float) -> np.ndarray:
    """How often each action profile is played: ``F[X, Y, a, b]`` is the share of the
    ``rounds = W >= 1`` rounds in which ``X`` plays ``a`` and ``Y`` plays ``b`` (cooperate 0,
    defect 1), for AllC, AllD, TFT (order :data:`REPEATED_GAME_STRATEGIES`). TFT cooperates
    first, then copies, so against AllD it cooperates in the first round only (share ``1/W``);
    every other pair repeats its first-round profile."""
    if rounds < 1:
        raise ValueError("rounds must be >= 1")
    first = 1.0 / float(rounds)
    C, D = 0, 1
    plays = {  # (X, Y): [(share, a, b), ...]
        (0, 0): [(1.0, C, C)], (0, 1): [(1.0, C, D)], (0, 2): [(1.0, C, C)],
        (1, 0): [(1.0, D, C)], (1, 1): [(1.0, D, D)], (1, 2): [(first, D, C), (1 - first, D, D)],
        (2, 0): [(1.0, C, C)], (2, 1): [(first, C, D), (1 - first, D, D)], (2, 2): [(1.0, C, C)],
    }
    profiles = np.zeros((3, 3, 2, 2))
    for (x, y), cells in plays.items():
        for share, a, b in cells:
            profiles[x, y, a, b] += share
    return profiles


def repeated_game_matrix(R: float, S: float, T: float, P: float, rounds: float) -> np.ndarray:
    """Average per-round payoffs of AllC, AllD, TFT (order :data:`REPEATED_GAME_STRATEGIES`).

    A 2x2 stage game (R mutual cooperation, S sucker, T temptation, P mutual defection) repeated
    for ``rounds = W >= 1`` rounds (``W`` may be an expected number of rounds; payoffs are linear
    in the count), weighted by :func:`repeated_game_profiles`::

                AllC    AllD                 TFT
        AllC    R       S                    R
        AllD    T       P                    (T + (W - 1) P) / W
        TFT     R       (S + (W - 1) P) / W  R
    """
    stage = np.array([[R, S], [T, P]], dtype=float)
    return np.einsum("xyab,ab->xy", repeated_game_profiles(rounds), stage)


# --------------------------------------------------------------------------- Monte Carlo


def simulate_fixation(
    f_resident: npt.ArrayLike,
    f_mutant: npt.ArrayLike,
    beta: float,
    runs: int,
    rng: np.random.Generator,
) -> float:
    """Monte Carlo fixation frequency of one mutant under the individual-level Fermi process.

    ``Z = len(f_resident) + 1``; payoffs are indexed by the number of mutants ``j = 1 .. Z-1``
    as in :func:`fixation_probability_from_fitness`. Each step, in every unfinished run, a focal
    player is drawn uniformly from ``Z`` and a model uniformly from the other ``Z - 1``; if their
    strategies differ the focal copies the model with probability
    ``1 / (1 + exp(-beta (f_model - f_focal)))``. Runs start at ``j = 1`` and stop at 0 or ``Z``.
    Returns the fraction of runs that reached ``Z``.
    """
    f_a = np.asarray(f_resident, dtype=float)
    f_b = np.asarray(f_mutant, dtype=float)
    Z = f_a.size + 1
    mutants = np.ones(runs, dtype=int)
    active = np.arange(runs)
    while active.size:
        j = mutants[active]
        focal_mutant = rng.random(active.size) < j / Z
        model_mutant = rng.random(active.size) < (j - focal_mutant) / (Z - 1)
        gain = f_b[j - 1] - f_a[j - 1]  # mutant minus resident payoff at the current state
        up = ~focal_mutant & model_mutant & (rng.random(active.size) < _fermi(beta * gain))
        down = focal_mutant & ~model_mutant & (rng.random(active.size) < _fermi(-beta * gain))
        mutants[active] = j + up - down
        active = active[(mutants[active] > 0) & (mutants[active] < Z)]
    return float(np.mean(mutants == Z))


def _fermi(x: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-x))`` without overflow."""
    return 0.5 * (1 + np.tanh(0.5 * x))


# --------------------------------------------------------------------------- result bundle


@dataclass(frozen=True)
class EvolutionResult:
    """Small-mutation-limit analysis of a symmetric game.

    ``fixation["X->Y"]`` is ``rho(X->Y)``, the probability that a single ``Y`` mutant fixates in a
    population of ``X``; ``log_fixation`` the same in natural log (exact even when ``rho``
    underflows); ``fixation_neutral_units`` is ``rho * Z`` (``> 1``: favoured over neutral drift).
    ``stationary[X]`` is the long-run fraction of time the population is all ``X``.
    ``risk_dominance["X vs Y"]`` (``X`` before ``Y`` in ``strategies``) names the pairwise
    risk-dominant strategy, or ``"neither"`` on a tie.
    """

    strategies: tuple[str, ...]
    payoff_matrix: np.ndarray
    population: int
    selection_intensity: float
    fitness: FitnessConvention
    fixation: dict[str, float]
    log_fixation: dict[str, float]
    fixation_neutral_units: dict[str, float]
    stationary: dict[str, float]
    log_stationary: dict[str, float]
    risk_dominance: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        """Plain ``dict`` of JSON-serialisable values."""
        return {
            "strategies": list(self.strategies),
            "payoff_matrix": self.payoff_matrix.tolist(),
            "population": self.population,
            "selection_intensity": self.selection_intensity,
            "fitness": self.fitness,
            "fixation": dict(self.fixation),
            "log_fixation": dict(self.log_fixation),
            "fixation_neutral_units": dict(self.fixation_neutral_units),
            "stationary": dict(self.stationary),
            "log_stationary": dict(self.log_stationary),
            "risk_dominance": dict(self.risk_dominance),
        }


def small_mutation_analysis(
    payoff: npt.ArrayLike,
    strategies: Sequence[str],
    Z: int,
    beta: float,
    fitness: FitnessConvention = "exclude_self",
) -> EvolutionResult:
    """Fixation probabilities, stationary distribution and risk dominance for ``payoff``."""
    pi = np.asarray(payoff, dtype=float)
    names = tuple(strategies)
    if pi.shape != (len(names), len(names)):
        raise ValueError(f"payoff matrix shape {pi.shape} does not match {len(names)} strategies")
    logs = log_fixation_matrix(pi, Z, beta, fitness)
    log_pi = log_stationary_distribution(logs)
    pairs = [(a, b) for a in range(len(names)) for b in range(len(names)) if a != b]
    key = {(a, b): f"{names[a]}->{names[b]}" for a, b in pairs}
    return EvolutionResult(
        strategies=names,
        payoff_matrix=pi,
        population=Z,
        selection_intensity=float(beta),
        fitness=fitness,
        fixation={key[a, b]: float(np.exp(logs[a, b])) for a, b in pairs},
        log_fixation={key[a, b]: float(logs[a, b]) for a, b in pairs},
        fixation_neutral_units={key[a, b]: float(np.exp(logs[a, b] + np.log(Z))) for a, b in pairs},
        stationary={name: float(np.exp(lp)) for name, lp in zip(names, log_pi)},
        log_stationary={name: float(lp) for name, lp in zip(names, log_pi)},
        risk_dominance={
            f"{names[a]} vs {names[b]}": _risk_dominant_name(pi, names, a, b)
            for a, b in pairs
            if a < b
        },
    )


def _risk_dominant_name(pi: np.ndarray, names: tuple[str, ...], a: int, b: int) -> str:
    if pairwise_risk_dominance(pi, a, b):
        return names[a]
    if pairwise_risk_dominance(pi, b, a):
        return names[b]
    return "neither"
