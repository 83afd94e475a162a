"""Racing to the precipice: Armstrong, Bostrom & Shulman, AI & Society 31 (2016).

``n`` teams race to build the first AI. Team capabilities ``c`` are iid uniform on ``[0, mu]``;
each team picks a safety level ``s`` in ``[0, 1]``, its score is ``c - s`` and the highest score
wins. The winner's AI is safe with probability ``s``, a disaster otherwise. Utility: 1 if your own
AI succeeds, ``1 - e`` if another team's does (``e`` = enmity), 0 on disaster.

Symmetric equilibrium safety under three information conditions (capped at 1):

- ``none``:    ``s = mu / (e n)``
- ``private``: ``s(x) = x / (e n - e + 1)`` for a team of capability ``x``
- ``public``:  the leader sets ``s = Delta / e``, ``Delta`` its lead over the second team; no
  follower gains by overtaking (doing so pays at most ``s - Delta_i <= (1 - e) s``, what it gets
  by letting the leader win), so the leader wins.

Enmity ``e = 0`` is handled as the limit ``e -> 0+`` of each rule: ``none`` and ``public`` give
``s = 1`` (``mu/(e n)`` and ``Delta/e`` blow up, ``Delta > 0`` almost surely), ``private`` gives
``s(x) = min(x, 1)`` (the formula is finite there). The model needs ``n >= 2`` teams.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

Information = Literal["none", "private", "public"]
INFORMATION: tuple[str, ...] = ("none", "private", "public")


@dataclass(frozen=True)
class PrecipiceParams:
    """``teams`` n >= 2, ``mu > 0`` capability range, ``enmity`` e in [0, 1], ``information``."""

    teams: int
    mu: float
    enmity: float
    information: Information

    def __post_init__(self) -> None:
        if int(self.teams) != self.teams or self.teams < 2:
            raise ValueError(f"teams must be an integer >= 2, not {self.teams!r}")
        if not self.mu > 0:
            raise ValueError("mu must be > 0")
        if not 0 <= self.enmity <= 1:
            raise ValueError("enmity must lie in [0, 1]")
        if self.information not in INFORMATION:
            raise ValueError(f"information must be one of {INFORMATION}, not {self.information!r}")


def private_divisor(p: PrecipiceParams) -> float:
    """``k = e n - e + 1 = e (n - 1) + 1 >= 1``: the private rule is ``s(x) = min(x/k, 1)``."""
    return p.enmity * (p.teams - 1) + 1


def equilibrium_safety(p: PrecipiceParams, capabilities: npt.ArrayLike) -> np.ndarray:
    """Safety level of every team given capabilities (last axis = teams), same shape.

    ``none``: ``min(mu/(e n), 1)`` for all. ``private``: ``min(c/k, 1)``, ``k = e(n-1)+1``.
    ``public``: the leader (highest ``c``) plays ``min(Delta/e, 1)``; followers do not contest,
    which we represent by safety 1 (any safety ``>= s_leader - Delta_i`` keeps them behind; their
    safety never matters because they never win). ``e = 0``: see the module docstring.
    """
    c = np.asarray(capabilities, dtype=float)
    e = p.enmity
    if p.information == "none":
        return np.full(c.shape, 1.0 if e == 0 else min(p.mu / (e * p.teams), 1.0))
    if p.information == "private":
        return np.minimum(c / private_divisor(p), 1.0)
    top_two = np.sort(c, axis=-1)[..., -2:]
    lead = top_two[..., 1] - top_two[..., 0]
    leader_safety = np.ones_like(lead) if e == 0 else np.minimum(lead / e, 1.0)
    is_leader = np.arange(c.shape[-1]) == np.argmax(c, axis=-1)[..., None]
    return np.where(is_leader, leader_safety[..., None], 1.0)


def disaster_probability(p: PrecipiceParams) -> float:
    """Closed-form probability that the race ends in disaster, ``1 - E[s_winner]``.

    Uses ``E[min(X, 1)] = int_0^1 P(X > t) dt`` for a non-negative ``X``.

    ``none``: every team plays ``s = min(mu/(e n), 1)``, so ``P = 1 - s``.

    ``private``: the score ``c - min(c/k, 1)`` is strictly increasing in ``c`` when ``k > 1``
    (slope ``1 - 1/k`` below the cap, 1 above), so the winner is the most capable team, ``M =
    max c`` with ``P(M > m) = 1 - (m/mu)^n``. With ``u = min(1, mu/k)``::

        E[min(M/k, 1)] = int_0^u (1 - (k t/mu)^n) dt = u - (k/mu)^n u^{n+1} / (n + 1)
                       = (mu/k) n/(n + 1)            if mu <= k
                       = 1 - (k/mu)^n / (n + 1)      if mu >  k

    (``k = 1`` only when ``e = 0``; scores then tie below the cap and ties are broken in favour
    of the more capable team, the ``e -> 0+`` limit, so the formula still holds.)

    ``public``: the leader wins with ``s = min(Delta/e, 1)``. The ``n + 1`` spacings of ``n`` iid
    uniforms on ``[0, mu]`` are exchangeable (Dirichlet(1, ..., 1) after scaling), so the top gap
    ``Delta`` has the law of the first spacing, the minimum: ``P(Delta > d) = (1 - d/mu)^n``,
    density ``(n/mu)(1 - d/mu)^(n-1)``. (Equivalently, integrate the joint density
    ``n (n-1) y^(n-2) / mu^n`` of the top two order statistics ``x > y`` over ``x - y > d``.)
    With ``r = min(e/mu, 1)``::

        E[min(Delta/e, 1)] = int_0^{min(1, mu/e)} (1 - e t/mu)^n dt
                           = mu / (e (n + 1)) * (1 - (1 - r)^(n + 1))

    which is ``mu/(e (n+1))`` when ``e >= mu``; ``e = 0`` gives 1.
    """
    n, mu, e = p.teams, p.mu, p.enmity
    if p.information == "none":
        return 1.0 - (1.0 if e == 0 else min(mu / (e * n), 1.0))
    if p.information == "private":
        k = private_divisor(p)
        expected_safety = (mu / k) * n / (n + 1) if mu <= k else 1 - (k / mu) ** n / (n + 1)
        return 1.0 - expected_safety
    if e == 0:
        return 0.0
    r = min(e / mu, 1.0)
    untouched = 0.0 if r == 1.0 else float(np.exp((n + 1) * np.log1p(-r)))
    return 1.0 - mu / (e * (n + 1)) * (1.0 - untouched)


def simulate_disaster_probability(
    p: PrecipiceParams, races: int, rng: np.random.Generator, batch: int = 100_000
) -> float:
    """Monte Carlo estimate of the disaster probability from simulated races.

    Each race: draw ``n`` capabilities ``U[0, mu]``, apply :func:`equilibrium_safety`, pick the
    winner by the highest score ``c - s`` (ties broken by higher capability), and draw a disaster
    with probability ``1 - s_winner``. Returns the fraction of races ending in disaster (its
    standard error is ``sqrt(P (1 - P) / races)``). Races are simulated in batches of ``batch``.
    """
    disasters = 0
    for start in range(0, races, batch):
        size = min(batch, races - start)
        capabilities = rng.uniform(0.0, p.mu, size=(size, p.teams))
        safety = equilibrium_safety(p, capabilities)
        score = capabilities - safety
        order = np.lexsort((capabilities, score), axis=-1)  # last key (score) is primary
        winner = order[:, -1]
        winner_safety = safety[np.arange(size), winner]
        disasters += int(np.count_nonzero(rng.random(size) >= winner_safety))
    return disasters / races


def disaster_curve(
    mus: npt.ArrayLike, teams: int, enmity: float, information: tuple[str, ...] = INFORMATION
) -> pd.DataFrame:
    """Closed-form disaster probability against ``mu`` for each information condition.

    Tidy ``DataFrame`` with columns ``mu``, ``information``, ``p_disaster`` (one row per pair).
    """
    rows = [
        {
            "mu": float(mu),
            "information": info,
            "p_disaster": disaster_probability(PrecipiceParams(teams, float(mu), enmity, info)),
        }
        for info in information
        for mu in np.asarray(mus, dtype=float)
    ]
    return pd.DataFrame(rows, columns=["mu", "information", "p_disaster"])
