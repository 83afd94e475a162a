"""The DSAIR race on a network: every lab races each of its neighbours, round by round, then
copies a better-off neighbour's race strategy (the question of Cimpeanu, Santos, Pereira,
Lenaerts & Han, Sci. Rep. 2022: does the structure of who races whom change how much safe
development survives?).

One *generation* (one round of ``dynamics.rounds``):

1. **Races.** Every linked pair of labs (i, j) plays one whole fixed-length DSAIR race, i as the
   row lab, with their current strategies (AS, AU or CS), under the rules of
   :mod:`coopsim.abm.race_play` -- the very rules of the two-lab race
   (:class:`coopsim.abm.race.DsairRace`), interventions' payments included. A lab's race result
   is its race payoff per round, the quantity whose expectation is the Eq. 2 entry.
2. **Fitness.** Lab i's payoff Pi_i is the sum over its k_i races (``payoffs: accumulated``, as
   in Santos & Pacheco 2005 and the network studies of the DSAIR race) or their mean (``average``).
3. **Imitation.** Every lab picks one neighbour j uniformly and copies j's strategy with the
   Fermi probability 1 / (1 + exp(-beta (Pi_j - Pi_i))), beta = ``evolution.selection_intensity``,
   all labs at once (synchronously) -- the imitation rule of the lab model on networks
   (:mod:`coopsim.abm.network_engine`: :func:`choose_models`, :func:`compared_payoff`,
   :func:`fermi_accepts`). A lab without neighbours neither races nor changes.

Initial strategies are drawn uniformly among the chosen strategies, independently per lab.

Random numbers: the generator of a run is split (``spawn(2)``) into a race stream and a choice
stream (initial strategies, neighbour picks, acceptance draws). The race stream first makes the
draw Mesa's set-up makes in :class:`~coopsim.abm.race.DsairRace`, then each generation draws the
races' blocks in edge order (:func:`coopsim.abm.race_play.play_races`). So the races on the
complete graph of two labs are exactly DsairRace's races on the same stream, and on any graph the
race of edge k in generation g is the (g E + k)-th race a DsairRace of that pair would play.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from coopsim.abm.network import Network
from coopsim.abm.network_engine import choose_models, compared_payoff, fermi_accepts
from coopsim.abm.race import MESA_SETUP_DRAW
from coopsim.abm.race_play import Races, play_races
from coopsim.policy.base import RoundRules
from coopsim.theory.dsair import DsairParams


@dataclass(frozen=True)
class NetworkRaceResult:
    """One run: ``shares[g, x]`` the share of labs (with neighbours) playing strategy x at the
    start of generation g; ``lab_shares[i, x]`` lab i's share of the long-run generations spent
    playing x (NaN without neighbours); ``race_payoffs`` the (generations, E, 2) race payoffs
    per round when recorded; ``strategy`` the final strategy codes."""

    shares: np.ndarray
    lab_shares: np.ndarray
    race_payoffs: np.ndarray | None
    strategy: np.ndarray


class NetworkRace:
    """The DSAIR race on ``network`` (see the module docstring). ``strategies`` are race
    strategy short names; ``initial`` optional starting strategy codes (one per lab)."""

    def __init__(
        self,
        params: DsairParams,
        network: Network,
        strategies: tuple[str, ...],
        selection_intensity: float,
        rng: np.random.Generator,
        rules: Callable[[int], RoundRules | None] | None = None,
        initial: np.ndarray | None = None,
    ):
        self.params, self.network, self.names = params, network, tuple(strategies)
        self.beta, self.rules = float(selection_intensity), rules
        self.race_rng, self.choice_rng = rng.spawn(2)
        self.race_rng.integers(MESA_SETUP_DRAW)  # as DsairRace's Mesa set-up (see the docstring)
        n = network.size
        self.pairs = np.column_stack([network.first, network.second])
        self.strategy = (np.array(initial, dtype=np.intp) if initial is not None
                         else self.choice_rng.integers(len(self.names), size=n))
        self.played = network.degree > 0

    def races(self, generation: int) -> np.ndarray:
        """Every linked pair's race of this generation: race payoff per round, (E, 2)."""
        rules = self.rules(generation) if self.rules else None
        races = Races(self.params, self.names, self.strategy[self.pairs], self.pairs,
                      self.network.size, rules)
        outcome = play_races(races, self.race_rng)
        return outcome["race_payoff"] / outcome["rounds"][:, None]

    def fitness(self, per_round: np.ndarray) -> np.ndarray:
        """Each lab's payoff compared in imitation: its races' sum or mean (``payoffs``)."""
        n = self.network.size
        total = (np.bincount(self.pairs[:, 0], per_round[:, 0], minlength=n)
                 + np.bincount(self.pairs[:, 1], per_round[:, 1], minlength=n))
        return compared_payoff(total, self.network.degree, self.network.accumulated)

    def imitate(self, fitness: np.ndarray) -> None:
        """Every lab with neighbours looks at one and copies it with the Fermi probability."""
        n = self.network.size
        pick, accept = self.choice_rng.random((2, n))
        models = choose_models(np.arange(n), pick, n, self.network)
        copies = fermi_accepts(accept, self.beta, fitness[models] - fitness) & self.played
        self.strategy = np.where(copies, self.strategy[models], self.strategy)

    def run(self, generations: int, long_run: int, record: bool = False) -> NetworkRaceResult:
        """Play ``generations`` generations; long-run shares over the last ``long_run``."""
        n, count = self.network.size, len(self.names)
        shares = np.empty((generations, count))
        time_in = np.zeros((n, count))
        payoffs = [] if record else None
        for g in range(generations):
            shares[g] = np.bincount(self.strategy[self.played], minlength=count) / max(self.played.sum(), 1)
            if g >= generations - long_run:
                time_in[np.arange(n), self.strategy] += 1
            per_round = self.races(g)
            if record:
                payoffs.append(per_round)
            self.imitate(self.fitness(per_round))
        lab_shares = np.where(self.played[:, None], time_in / max(long_run, 1), np.nan)
        return NetworkRaceResult(shares, lab_shares, np.array(payoffs) if record else None, self.strategy.copy())
