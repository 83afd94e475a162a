"""The DSAIR race with N labs per race (Han et al. 2020, Appendix B): group payoffs by the number
k of SAFE labs, race averages, population payoffs under hypergeometric group sampling, and the
N-lab thresholds in p_r. The two-lab model and its parameters are in :mod:`coopsim.theory.dsair`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.stats import hypergeom

from coopsim.theory.dsair import DsairParams, _root_in_p_r, _scalar_or_array

# --------------------------------------------------------------------------- N labs (Appendix B)


class GroupPayoffs(NamedTuple):
    """Payoffs to a SAFE (AS) and an UNSAFE (AU) member of a group; ``nan`` where undefined."""

    safe: float | np.ndarray
    unsafe: float | np.ndarray


def group_payoffs(p: DsairParams, k: ArrayLike) -> GroupPayoffs:
    """Per-round payoffs in a group of ``N`` labs of which ``k`` play SAFE (Appendix B)::

        pi_SAFE(k)   = -c + (1 - p_fo) b/(k + s (N - k)) + p_fo b/k    1 <= k < N
        pi_SAFE(N)   = -c + b/N
        pi_UNSAFE(k) = (1 - p_fo) s b/(k + s (N - k))                  0 <= k < N

    ``safe`` is ``nan`` at ``k = 0``, ``unsafe`` at ``k = N``. For ``N = 2`` this gives Eq. 1's
    ``pi11, pi12, pi21`` exactly, but ``pi_UNSAFE(0) = (1 - p_fo) b/2 = pi22/(1 + p_fo)``: the
    appendix formula does not give an undetected UNSAFE player the detected co-player's share, as
    Eq. 1 does. The two agree only when ``p_fo = 0``.
    """
    k = np.asarray(k, dtype=float)
    n = p.N
    with np.errstate(divide="ignore", invalid="ignore"):
        speed_share = p.b / (k + p.s * (n - k))
        safe_mixed = -p.c + (1 - p.p_fo) * speed_share + p.p_fo * p.b / k
        unsafe = (1 - p.p_fo) * p.s * speed_share
    safe = np.where(k == n, -p.c + p.b / n, np.where(k >= 1, safe_mixed, np.nan))
    return GroupPayoffs(_scalar_or_array(safe), _scalar_or_array(np.where(k < n, unsafe, np.nan)))


def n_lab_race_payoffs(p: DsairParams, k: ArrayLike) -> GroupPayoffs:
    """Average payoff per round of an AS and an AU member of a race group with ``k`` AS players.

    If everyone is SAFE (``k = N``) the race takes ``W`` rounds and the prize is split ``N`` ways::

        Pi_AS(N) = B/(N W) + pi_SAFE(N)

    Otherwise the ``N - k`` UNSAFE players finish first, after ``W/s`` rounds, and split ``B``::

        Pi_AU(k) = (1 - p_r) (s B/((N - k) W) + pi_UNSAFE(k))        0 <= k < N
        Pi_AS(k) = (1 - p_r gamma) pi_SAFE(k)                        1 <= k < N

    For ``N = 2`` these are Eq. 2's AS/AU entries (with ``pi22`` replaced as noted in
    :func:`group_payoffs`). Collective risk is applied, as in the two-lab case, once per group
    containing an UNSAFE player (an extension: the paper's Appendix C treats pairs).
    """
    k = np.asarray(k, dtype=float)
    n = p.N
    per_round = group_payoffs(p, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        unsafe_prize = p.s * p.B / ((n - k) * p.W)
    safe = np.where(
        k == n, p.B / (n * p.W) + per_round.safe, per_round.safe * (1 - p.p_r * p.gamma)
    )
    unsafe = (1 - p.p_r) * (unsafe_prize + per_round.unsafe)
    return GroupPayoffs(_scalar_or_array(safe), _scalar_or_array(unsafe))


def n_lab_population_payoffs(
    p: DsairParams, Z: int, j: ArrayLike, fitness: str = "exclude_self"
) -> GroupPayoffs:
    """Average payoffs ``f_AS(j), f_AU(j)`` in a population of ``Z`` with ``j`` AU players.

    A focal player's ``N - 1`` co-players are drawn without replacement, in two conventions (as
    for pairwise games in :mod:`coopsim.theory.evolution`):

    * ``exclude_self`` (Han et al.): from the other ``Z - 1`` players::

          f_AS(j) = sum_i  H(i; Z-1, j,     N-1) Pi_AS(N - i)     i = AU co-players
          f_AU(j) = sum_k  H(k; Z-1, Z - j, N-1) Pi_AU(k)         k = AS co-players

    * ``include_self``: from all ``Z`` players, the focal one counting as one of its own type
      (a seat filled by "itself" is filled by a player of its strategy)::

          f_AS(j) = sum_i  H(i; Z, j,     N-1) Pi_AS(N - i)
          f_AU(j) = sum_k  H(k; Z, Z - j, N-1) Pi_AU(k)

      For ``N = 2`` the co-player is AU with probability ``j/Z``, which is the pairwise
      ``include_self`` average ``(j Pi_AS,AU + (Z - j) Pi_AS,AS)/Z``.

    with ``H(x; M, K, n) = C(K, x) C(M-K, n-x) / C(M, n)``. Defined for ``1 <= j <= Z - 1``;
    scalar parameters only. For AU invading AS pass ``f_resident=f_AS, f_mutant=f_AU`` (over
    ``j = 1 .. Z-1``) to :func:`coopsim.theory.evolution.fixation_probability_from_fitness`; for AS
    invading AU the mutant count is ``Z - j``, so pass the reversed arrays ``f_AU[::-1]``,
    ``f_AS[::-1]``.
    """
    j = np.atleast_1d(np.asarray(j, dtype=int))
    n = p.N
    if Z < n:
        raise ValueError(f"population Z={Z} is smaller than the group size N={n}")
    if np.any((j < 1) | (j > Z - 1)):
        raise ValueError("j must lie in 1..Z-1")
    if fitness not in ("exclude_self", "include_self"):
        raise ValueError(f"fitness must be 'exclude_self' or 'include_self', not {fitness!r}")
    pool = Z - 1 if fitness == "exclude_self" else Z
    co_players = np.arange(n)  # number of co-players of the other type (AS focal) / of AS (AU)
    as_weights = hypergeom.pmf(co_players[None, :], pool, j[:, None], n - 1)
    au_weights = hypergeom.pmf(co_players[None, :], pool, Z - j[:, None], n - 1)
    f_as = as_weights @ n_lab_race_payoffs(p, n - co_players).safe
    f_au = au_weights @ n_lab_race_payoffs(p, co_players).unsafe
    return GroupPayoffs(f_as, f_au)


def _n_lab_risk_margin(p: DsairParams) -> float | np.ndarray:
    ks = np.arange(p.N + 1)
    race = [n_lab_race_payoffs(p, k) for k in ks]
    return sum(race[k].safe for k in ks[1:]) - sum(race[k].unsafe for k in ks[:-1])


def n_lab_as_risk_dominant(p: DsairParams) -> bool | np.ndarray:
    """N-player risk dominance of AS over AU (large Z, weak selection)::

        sum_{k=1}^{N} Pi_AS(k)  >  sum_{k=0}^{N-1} Pi_AU(k)

    (each sum runs over the number of AS co-players 0..N-1; for ``N = 2`` it is the pairwise
    condition ``Pi_AS,AS + Pi_AS,AU > Pi_AU,AS + Pi_AU,AU``).
    """
    return _scalar_or_array(_n_lab_risk_margin(p) > 0)


def n_lab_risk_dominance_threshold(p: DsairParams) -> float | np.ndarray:
    """Exact ``p_r`` at which :func:`n_lab_as_risk_dominant` switches (affine in ``p_r``)."""
    return _root_in_p_r(_n_lab_risk_margin, p)


def n_lab_risk_dominance_threshold_early(p: DsairParams) -> float | np.ndarray:
    """Early regime: ``p_r > 1 - 1/(N H_N s)``, ``H_N = sum_{m=1}^{N} 1/m``.

    With ``B/W >> b``: ``sum Pi_AS ~ B/(N W)`` (prize only when all are SAFE) and
    ``sum Pi_AU ~ (1 - p_r) (s B/W) sum_{m=1}^{N} 1/m``.
    """
    harmonic = sum(1 / m for m in range(1, p.N + 1))
    return 1 - 1 / (p.N * harmonic * p.s)


def n_lab_collective_threshold(p: DsairParams) -> float | np.ndarray:
    """``Pi_AS(N) > Pi_AU(0)  <=>  p_r > 1 - (B + W (b - N c)) / (s B + W (1 - p_fo) b)``.

    For ``N = 2`` this is :func:`collective_preference_threshold` only when ``p_fo = 0`` (see
    :func:`group_payoffs`). ``nan`` if the denominator is zero.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 1 - np.asarray(p.B + p.W * (p.b - p.N * p.c), dtype=float) / (
            p.s * p.B + p.W * (1 - p.p_fo) * p.b
        )
    return _scalar_or_array(np.where(np.isfinite(value), value, np.nan))
