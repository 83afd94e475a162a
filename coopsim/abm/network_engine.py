"""Imitation on a network, vectorised: thousands of labs over thousands of rounds.

The imitation rule (:class:`coopsim.abm.strategies.Imitation`) is defined here once --
:func:`choose_models`, :func:`compared_payoff`, :func:`fermi_accepts` -- and used both by the
Mesa model and by :class:`ImitationEngine`, which runs it alone for the case where every lab
imitates (one strategy spec), without interventions, incidents or trembles, and partners'
actions are always or never observed. One round, with c_i = 1 if lab i cooperates and A the
adjacency matrix::

    n_i  = (A c)_i                                  cooperating neighbours of i
    pi_i = n_i M_i[a_i, C] + (k_i - n_i) M_i[a_i, D]   accumulated stage payoff over its k_i matches
    (per match: pi_i / k_i, unless network.payoffs is accumulated)
    j    = neighbour floor(u_i k_i) of i;  i copies a_j with prob. 1 / (1 + exp(-beta (pi_j - pi_i)))

all labs updating at once (synchronously), exactly as the Mesa model's round: the engine draws
the same random numbers in the same order (Mesa's seed for its stdlib generator, initial
actions, then three uniforms per lab per round), so on the same seed the two give the same actions round by round (tests check this).
Its cost per round is one sparse product and O(N) array work, with no per-pair memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit

from coopsim.abm.network import Network, build_network
from coopsim.abm.strategies import Imitation
from coopsim.scenario.spec import Scenario
from coopsim.games.stage import expand_labs
from coopsim.theory.stage_game import COOPERATE, DEFECT

# the Beta prior strength of an imitation lab's beliefs (Strategy.prior_strength, not overridden)
PRIOR_STRENGTH = Imitation.prior_strength(Imitation.__new__(Imitation))
ROUND_CHUNK = 64  # rounds of random numbers drawn at once (the stream is the same as one by one)


def choose_models(labs: np.ndarray, uniform: np.ndarray, n_labs: int, network: Network | None) -> np.ndarray:
    """The lab each lab in ``labs`` looks at, from uniforms in [0, 1): without a network one of
    the other N - 1 labs uniformly, on a network one of its neighbours uniformly."""
    if network is None:
        chosen = (uniform * (n_labs - 1)).astype(np.intp)
        chosen += chosen >= labs
        return chosen
    return network.pick_neighbours(labs, uniform)


def compared_payoff(payoff: np.ndarray, matches: np.ndarray, accumulated: bool) -> np.ndarray:
    """The payoff imitating labs compare: per match, or ``accumulated`` over all matches."""
    if accumulated:
        return payoff
    return payoff / np.maximum(matches, 1)


def fermi_accepts(uniform: np.ndarray, beta: float, difference: np.ndarray) -> np.ndarray:
    """Whether each lab copies, given uniforms and pi_model - pi_own: u < 1/(1 + exp(-beta d))."""
    return uniform < expit(beta * difference)


def engine_obstacle(scenario: Scenario) -> str | None:
    """Why the engine cannot run this scenario exactly as the Mesa model would (None if it can)."""
    d = scenario.dynamics
    specs = {lab.strategy for lab in scenario.labs}
    if d.network is None:
        return "it has no network"
    if len(specs) != 1 or next(iter(specs)).type != "imitation":
        return "not every lab uses the same imitation rule"
    if scenario.interventions:
        return "it has interventions"
    if d.incidents.probability > 0:
        return "it has incidents"
    if d.tremble > 0:
        return "it has trembles"
    if 0 < d.observability < 1:
        return "partners' actions are observed only sometimes"
    return None


@dataclass(frozen=True)
class EngineResult:
    """One run: ``rounds`` has the Mesa model's reporters per round (see
    :class:`coopsim.abm.model.LabModel`); ``lab_cooperation`` is each lab's share of the
    long-run rounds in which it cooperated (NaN for a lab without neighbours); ``labs_cooperating``
    the share of labs with neighbours that cooperated, per round."""

    rounds: pd.DataFrame | None
    lab_cooperation: np.ndarray
    labs_cooperating: np.ndarray
    action: np.ndarray


class ImitationEngine:
    """Imitation dynamics of a scenario on its network (see the module docstring)."""

    def __init__(self, scenario: Scenario, rng: np.random.Generator, network: Network | None = None):
        obstacle = engine_obstacle(scenario)
        if obstacle:
            raise ValueError(f"the imitation engine cannot run this scenario: {obstacle}")
        labs = expand_labs(scenario)
        n = len(labs)
        self.scenario, self.rng = scenario, rng
        self.accumulated = scenario.dynamics.network.payoffs == "accumulated"
        if scenario.dynamics.network.type == "complete":
            # well mixed: neighbour sums are totals minus oneself; no N x N adjacency is built
            self.network, self.degree = None, np.full(n, n - 1)
            self.neighbour_sum = lambda values: values.sum() - values
        else:
            self.network = network or build_network(scenario)
            self.degree = self.network.degree
            adjacency = self.network.adjacency()
            self.neighbour_sum = adjacency.__matmul__
        self.spec = labs[0].strategy  # the Imitation strategy's spec
        table = np.stack([lab.payoffs.matrix() for lab in labs])  # [lab, own, partner's]
        self.table = {(own, other): table[:, own, other].copy() for own in (0, 1) for other in (0, 1)}
        self.trust = np.array([lab.trust for lab in labs])
        rng.integers(np.iinfo(np.int32).max)  # as mesa.Model does, to seed its stdlib random
        self.action = (rng.random(n) >= self.spec.initial_cooperation).astype(np.int8)

    def payoffs_of(self, labs: np.ndarray, partners_c: np.ndarray) -> np.ndarray:
        """Accumulated stage payoff this round of ``labs``, whose cooperating neighbours number
        ``partners_c``: n M[a, C] + (k - n) M[a, D]."""
        t, mine = self.table, self.action[labs] == COOPERATE
        vs_c = np.where(mine, t[COOPERATE, COOPERATE][labs], t[DEFECT, COOPERATE][labs])
        vs_d = np.where(mine, t[COOPERATE, DEFECT][labs], t[DEFECT, DEFECT][labs])
        return partners_c * vs_c + (self.degree[labs] - partners_c) * vs_d

    def run(self, rounds: int, long_run_rounds: int, record: bool = True) -> EngineResult:
        """Play ``rounds`` rounds; ``record`` builds the per-round table (else only the long-run
        measures, for benchmarks).

        Only labs whose model plays differently can change, so payoffs are evaluated for those
        pairs alone, and cooperating-neighbour counts are updated from the labs that switched
        (exact integer counts, so the results are those of evaluating everything)."""
        n, network, beta = self.degree.size, self.network, self.spec.selection_intensity
        everyone = np.arange(n)
        played = self.degree > 0
        n_played, anyone_idle = int(played.sum()), not played.all()
        entries = int(self.degree.sum())
        long_run_sum = np.zeros(n)
        cooperating_share = np.empty(rounds)
        columns = _Columns(rounds) if record else None
        times_cooperated = np.zeros(n)
        cooperating = (self.action == COOPERATE).astype(float)
        partners_c = self.neighbour_sum(cooperating)
        draws = np.empty((0, 3, n))
        for t in range(rounds):
            if t % ROUND_CHUNK == 0:
                draws = self.rng.random((min(ROUND_CHUNK, rounds - t), 3, n))
            pick, accept, _adopt = draws[t % ROUND_CHUNK]
            cooperating_share[t] = (cooperating @ played) / n_played if n_played else np.nan
            if t >= rounds - long_run_rounds:
                long_run_sum += cooperating
            if columns is not None:
                times_cooperated += cooperating
                columns.add(t, 1 - int(self.degree @ self.action) / max(entries, 1),
                            self.payoffs_of(everyone, partners_c), self._mean_trust(times_cooperated, t + 1))
            chosen = choose_models(everyone, pick, n, network)
            differ = self.action[chosen] != self.action
            if anyone_idle:
                differ &= played & played[chosen]
            labs = np.flatnonzero(differ)
            models = chosen[labs]
            both = np.concatenate([labs, models])
            payoff = self.payoffs_of(both, partners_c[both])
            compared = compared_payoff(payoff, self.degree[both], self.accumulated)
            copies = fermi_accepts(accept[labs], beta, compared[labs.size:] - compared[:labs.size])
            switched, adopted = labs[copies], self.action[models[copies]]
            self.action[switched] = adopted
            change = np.where(adopted == COOPERATE, 1.0, -1.0)
            cooperating[switched] += change
            partners_c = self._update_counts(partners_c, cooperating, switched, change)
        lab_cooperation = np.where(played, long_run_sum / max(long_run_rounds, 1), np.nan)
        table = columns.table(self.scenario.dynamics.observability) if columns is not None else None
        return EngineResult(table, lab_cooperation, cooperating_share, self.action.copy())

    def _update_counts(self, partners_c, cooperating, switched, change) -> np.ndarray:
        """Cooperating-neighbour counts after ``switched`` labs changed by ``change`` (+1: now
        cooperating): their neighbours' counts move, or everything is recounted when many switched."""
        if switched.size == 0:
            return partners_c
        if self.network is None or switched.size * 8 > self.degree.size:
            return self.neighbour_sum(cooperating)
        indptr, lengths = self.network.indptr, self.degree[switched]
        offsets = np.repeat(indptr[switched] - np.cumsum(lengths) + lengths, lengths)
        neighbours = self.network.indices[offsets + np.arange(offsets.size)]
        np.add.at(partners_c, neighbours, np.repeat(change, lengths))
        return partners_c

    def _mean_trust(self, times_cooperated: np.ndarray, observed: int) -> float:
        """Mean over labs of the PairMemory belief averaged over the other N - 1 labs: each
        neighbour j seen in every round, so belief (w tau + C_j) / (w + t) with C_j the rounds j
        cooperated; non-neighbours (and everyone when nothing is observed) stay at tau."""
        n, w, tau, k = self.degree.size, PRIOR_STRENGTH, self.trust, self.degree
        if self.scenario.dynamics.observability == 0:
            return float(tau.mean())
        seen = (k * w * tau + self.neighbour_sum(times_cooperated)) / (w + observed)
        return float(np.mean(((n - 1 - k) * tau + seen) / (n - 1)))


class _Columns:
    """The per-round reporters of an engine run (no interventions or incidents: those are 0)."""

    def __init__(self, rounds: int):
        self.cooperation = np.empty(rounds)
        self.lab_payoffs = np.empty(rounds)
        self.trust = np.empty(rounds)

    def add(self, t: int, cooperation: float, payoff: np.ndarray, trust: float) -> None:
        self.cooperation[t], self.lab_payoffs[t], self.trust[t] = cooperation, payoff.sum(), trust

    def table(self, observability: float) -> pd.DataFrame:
        zero = np.zeros(self.cooperation.size)
        return pd.DataFrame({
            "round": np.arange(self.cooperation.size),
            "cooperation_rate": self.cooperation,
            "mean_trust": self.trust,
            "incidents": zero.astype(int),
            "welfare": self.lab_payoffs,
            "lab_payoffs": self.lab_payoffs,
            "fines_collected": zero,
            "subsidies_paid": zero,
            "incident_cost": zero,
            "public_cost": zero,
            "observability": float(observability),
        })
