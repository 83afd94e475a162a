"""Who plays whom in a round, for a batch of B runs: match *entries* with a batch axis.

A match gives two entries, one per lab: entry k of member b is lab ``me[b, k]`` against lab
``other[b, k]``. The first half of a round's entries are the matches' first labs, the second half
their partners in the same order, so entry k's partner entry is ``partner[k]`` in every member.

* ``round_robin``: every pair of labs plays once per round (N(N-1)/2 matches);
* ``random_pairs``: a uniformly random perfect matching per member and round -- the labs in
  the order of the argsort of N uniforms, paired first with second, third with fourth, ...;
  with N odd the last lab of the order sits out;
* with a ``dynamics.network`` every linked pair plays one match (:mod:`coopsim.abm.network`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np


@dataclass
class Entries:
    """A round's entries (arrays (B, E)): labs ``me`` and partners ``other``; ``lab`` and
    ``pair`` index the flattened (B, N) and (B, N, N) arrays (``b*N + me``,
    ``(b*N + me)*N + other``), ``cell`` the flattened (B, N, 2, 2) payoff tables; ``group`` is
    the strategy group of the entry's lab. Values derived from them are computed once per
    entries object (fixed matchings reuse theirs every round)."""

    me: np.ndarray
    other: np.ndarray
    lab: np.ndarray
    pair: np.ndarray
    cell: np.ndarray
    group: np.ndarray
    partner: np.ndarray
    _masks: dict = field(default_factory=dict, repr=False)

    def partners(self, values: np.ndarray) -> np.ndarray:
        """For each entry, the value of its partner's entry in the same match (``values``:
        (B, E))."""
        return values.ravel()[self.flat_partner]

    @cached_property
    def flat_partner(self) -> np.ndarray:
        """Each entry's partner entry in the flattened (B, E) arrays: ``b * E + partner[k]``
        (a 1-d gather is several times faster than indexing the second axis)."""
        runs, size = self.lab.shape
        return np.arange(runs)[:, None] * size + self.partner

    def mask(self, group: int) -> np.ndarray:
        """Which entries are the labs' of strategy group ``group``."""
        if group not in self._masks:
            self._masks[group] = self.group == group
        return self._masks[group]

    @cached_property
    def choice(self) -> np.ndarray:
        """Where each entry's action lies among the groups' decisions stacked (G, B, E) and
        flattened: ``group * B * E + b * E + k``."""
        return self.group * self.group.size + np.arange(self.group.size).reshape(self.group.shape)


def entries_of(first: np.ndarray, second: np.ndarray, n_labs: int, strategy_of_lab: np.ndarray) -> Entries:
    """The entries of matches first[b, k] against second[b, k] (arrays (B, M))."""
    me, other = np.concatenate([first, second], axis=1), np.concatenate([second, first], axis=1)
    lab = np.arange(me.shape[0])[:, None] * n_labs + me
    half = first.shape[1]
    partner = (np.arange(2 * half) + half) % max(2 * half, 1)
    return Entries(me, other, lab, lab * n_labs + other, lab * 4, strategy_of_lab[me], partner)


class Matching:
    """The matches of each round for B members: ``entries`` per member, ``draws`` uniforms per
    round, ``played`` (B, N) matches per lab in the last round drawn, ``divisor`` the same at
    least 1 (to average over a lab's matches)."""

    def __init__(self, n_labs: int, size: int, strategy_of_lab: np.ndarray,
                 fixed: tuple[np.ndarray, np.ndarray] | None):
        self.n_labs, self.size, self.strategy_of_lab = n_labs, size, strategy_of_lab
        if fixed is not None:
            first, second = (np.broadcast_to(side, (size, side.size)) for side in fixed)
            self._fixed = entries_of(first, second, n_labs, strategy_of_lab)
            self.draws, self.entries = 0, 2 * fixed[0].size
            self._set_played(self._fixed)
        else:
            self._fixed = None
            self.draws, self.entries = n_labs, 2 * (n_labs // 2)
            if n_labs % 2 == 0:  # every lab plays one match every round
                self.played = self.divisor = np.ones((size, n_labs), dtype=np.intp)
                self.sitting_out = False

    def _set_played(self, entries: Entries) -> None:
        n = self.n_labs
        self.played = np.bincount(entries.lab.ravel(), minlength=self.size * n).reshape(self.size, n)
        self.divisor = np.maximum(self.played, 1)
        self.sitting_out = bool((self.played == 0).any())

    def draw(self, engine) -> Entries:
        """This round's entries (random pairs use the engine's next N uniforms per member)."""
        if self._fixed is not None:
            return self._fixed
        order = np.argsort(engine.uniforms(self.n_labs), axis=1, kind="stable")
        paired = self.entries
        entries = entries_of(order[:, 0:paired:2], order[:, 1:paired:2], self.n_labs, self.strategy_of_lab)
        if self.n_labs % 2:
            self._set_played(entries)
        return entries


def make_matching(scenario, network, size: int, strategy_of_lab: np.ndarray) -> Matching:
    """The matching of ``scenario`` (its network's links when it has one) for B = ``size``."""
    n = scenario.lab_count()
    if network is not None:
        return Matching(n, size, strategy_of_lab, (network.first, network.second))
    if scenario.dynamics.matching == "round_robin":
        return Matching(n, size, strategy_of_lab, np.triu_indices(n, k=1))
    return Matching(n, size, strategy_of_lab, None)
