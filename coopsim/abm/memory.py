"""What each lab has seen of each other lab: one :class:`PairMemory` of (labs x labs) arrays
per batch, row i being lab i's view of every partner (used by the engine and the strategies;
no Mesa here, so a batch of runs needs none).
"""

from __future__ import annotations

import numpy as np

from coopsim.theory.stage_game import DEFECT

NOT_SEEN = -1


class PairMemory:
    """What every lab has observed of every other lab.

    Every lab, whatever its strategy, holds a Beta-Bernoulli belief about each partner j: a
    Beta(alpha, beta) prior with mean tau_i (the lab's trust) and strength w_i = alpha + beta
    pseudo-observations, updated only from observed actions. After seeing j cooperate c times in
    n observed matches the belief is the posterior mean::

        belief[i, j] = (w_i * tau_i + c) / (w_i + n)

    trust_best_response labs act on it; for the others it is the belief they would hold, so that
    trust is measured the same way for every lab. The memory also keeps the last action seen
    (for tit-for-tat) and whether a defection was ever seen (for grim trigger).

    Arrays are (runs x labs x labs), one (labs x labs) block per run of a batch
(:mod:`coopsim.abm.engine`), row i being lab i's view; they are updated through flat views
indexed by ``pair = (b * N + i) * N + j`` (1-d fancy indexing is several times faster)."""

    def __init__(self, trust: np.ndarray, prior_strength: np.ndarray):
        """``trust`` and ``prior_strength``: (runs, labs)."""
        n = trust.shape[1]
        self.alpha = np.repeat((trust * prior_strength)[:, :, None], n, axis=2)  # w*tau + c
        self.strength = np.repeat(prior_strength[:, :, None], n, axis=2)  # w + n
        self.belief = np.repeat(trust[:, :, None], n, axis=2)
        self.last_seen = np.full(self.belief.shape, NOT_SEEN, dtype=np.int8)
        self.seen_defection = np.zeros(self.belief.shape, dtype=bool)
        self._alpha = self.alpha.ravel()
        self._strength = self.strength.ravel()
        self._belief = self.belief.ravel()
        self._last_seen = self.last_seen.ravel()
        self._seen_defection = self.seen_defection.ravel()
        self._diagonal = self.belief.diagonal(axis1=1, axis2=2)  # a view: follows the updates

    def observe(self, pair: np.ndarray, action: np.ndarray) -> None:
        """For each k, a lab sees its partner play action[k]; pair[k] is the flat (run, lab,
        partner) index, each appearing at most once per call."""
        defected = action == DEFECT
        alpha = self._alpha[pair] + ~defected
        strength = self._strength[pair] + 1.0
        self._alpha[pair] = alpha
        self._strength[pair] = strength
        self._belief[pair] = alpha / strength
        self._last_seen[pair] = action
        self._seen_defection[pair[defected]] = True

    def belief_of(self, pair: np.ndarray) -> np.ndarray:
        """Belief that the partner cooperates, for flat indices."""
        return self._belief[pair]

    def last_seen_of(self, pair: np.ndarray) -> np.ndarray:
        """Partner's last observed action (NOT_SEEN if never observed), for flat indices."""
        return self._last_seen[pair]

    def seen_defection_of(self, pair: np.ndarray) -> np.ndarray:
        """Whether the partner was ever seen defecting, for flat indices."""
        return self._seen_defection[pair]

    def mean_belief(self) -> np.ndarray:
        """(runs, labs): each lab's belief averaged over all other labs (its own diagonal entry
        excluded)."""
        n = self.belief.shape[1]
        return (np.add.reduce(self.belief, axis=2) - self._diagonal) / (n - 1)
