"""The iterated lab-competition model (Mesa 3).

N labs play ``dynamics.rounds`` rounds of the scenario's stage game. One round
(:meth:`LabModel.step`):

1. **Rules.** Interventions active in this round change the lasting state (accurate beliefs) and
   this round's rules (payoffs, observability, audits, subsidies, who pays for incidents); see
   :mod:`coopsim.policy`.
2. **Matching.** ``round_robin``: every pair of labs plays one match; ``random_pairs``: a
   uniformly random perfect matching (one lab sits out when N is odd); with a
   ``dynamics.network``, every linked pair plays one match (:mod:`coopsim.abm.network`).
3. **Decisions.** Every strategy decides for all match entries of its labs at once
   (:mod:`coopsim.abm.strategies`); each intended action is then flipped with probability
   ``dynamics.tremble``.
4. **Payoffs.** Each lab receives its *own* stage payoff ``true[lab, own action, partner's
   action]`` (asymmetric payoffs respected), plus subsidies, minus fines on audited defections,
   plus or minus sanctions, rewards and pledges (:class:`~coopsim.policy.base.Transfer`), minus
   incident costs (:mod:`coopsim.policy.incidents`).
5. **Observation.** Each lab sees its partner's executed action with probability
   max(dynamics.observability, any active transparency level) and updates its memory
   (:class:`~coopsim.abm.agents.PairMemory`); then strategies learn.
6. **Records.** Model-level and lab-level results are set as attributes and collected by the
   DataCollector (one record per round, round = ``steps - 1``, 0-based like intervention windows).

Random numbers come only from ``self.rng`` (Mesa's ``rng=``), drawn in a fixed order: matching,
decisions (strategies in order of first appearance in the scenario), trembles, audits, transfers
(sanctions, rewards, pledges, in the order their interventions act), incidents,
observation, learning. A draw is skipped only when a scenario setting makes it pointless
(no trembles, q = 0, observability 0 or 1), so the stream depends on the scenario and seed alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import mesa
import numpy as np

from coopsim.abm.agents import LabAgent, PairMemory
from coopsim.abm.network import build_network
from coopsim.policy.incidents import IncidentDraw, draw_incidents, expected_cost_matrix
from coopsim.policy.base import Intervention, RoundRules, base_rules, entry_amounts, make_intervention
from coopsim.policy.targets import apply_to, begin_round_for, target_mask
from coopsim.abm.strategies import Strategy, make_strategy
from coopsim.games.stage import expand_labs
from coopsim.theory.stage_game import COOPERATE, DEFECT
from coopsim.scenario.spec import Scenario

MODEL_REPORTERS = (
    "cooperation_rate",
    "mean_trust",
    "incidents",
    "welfare",
    "lab_payoffs",
    "fines_collected",
    "subsidies_paid",
    "incident_cost",
    "public_cost",
    "observability",
)
AGENT_REPORTERS = ("cooperation", "matches", "payoff", "trust", "incidents_caused")


@dataclass(frozen=True)
class Entries:
    """A set of match entries: positions ``index`` in the round's entry arrays, the labs ``me``
    playing them, their partners ``other`` and the flat (lab, partner) cells
    ``pair = me * N + other``."""

    index: np.ndarray
    me: np.ndarray
    other: np.ndarray
    pair: np.ndarray

    def subset(self, index: np.ndarray) -> Entries:
        """The entries at positions ``index`` of this set."""
        return Entries(index, self.me[index], self.other[index], self.pair[index])


class Matches:
    """One round's matches as entries: entry k is lab me[k] against lab other[k]. The first half
    of the entries are the matches' first labs, the second half their partners, in the same
    order, so entry k's partner entry is ``partner[k]``."""

    def __init__(self, first: np.ndarray, second: np.ndarray, n_labs: int):
        me, other = np.concatenate([first, second]), np.concatenate([second, first])
        self.entries = Entries(np.arange(me.size), me, other, me * n_labs + other)
        self.partner = (self.entries.index + first.size) % me.size
        self.cell = me * 4  # flat offset of each entry's lab in an (N, 2, 2) payoff table
        self.played = np.bincount(me, minlength=n_labs)  # matches per lab
        self.idle = self.played == 0  # labs sitting out
        self.sitting_out = bool(self.idle.any())
        self.divisor = np.maximum(self.played, 1)
        self._groups: list[Entries] | None = None

    def partners(self, values: np.ndarray) -> np.ndarray:
        """For each entry, the value of its partner's entry in the same match."""
        return values[self.partner]

    def groups(self, strategy_of_lab: np.ndarray) -> list[Entries]:
        """The entries of each strategy's labs (cached: round robin reuses its Matches)."""
        if self._groups is None:
            owner = strategy_of_lab[self.entries.me]
            count = int(strategy_of_lab.max()) + 1
            self._groups = [self.entries.subset(np.flatnonzero(owner == s)) for s in range(count)]
        return self._groups


def fixed_pairs(first: np.ndarray, second: np.ndarray, n_labs: int) -> Callable[[np.random.Generator], Matches]:
    """The same matches (first[k] against second[k]) every round."""
    matches = Matches(first, second, n_labs)
    return lambda rng: matches


def round_robin(n_labs: int) -> Callable[[np.random.Generator], Matches]:
    """Every pair of labs plays once per round (N(N-1)/2 matches)."""
    return fixed_pairs(*np.triu_indices(n_labs, k=1), n_labs)


def random_pairs(n_labs: int) -> Callable[[np.random.Generator], Matches]:
    """A uniformly random perfect matching per round; with N odd the last lab of the random
    order sits out."""
    paired = n_labs - n_labs % 2

    def draw(rng: np.random.Generator) -> Matches:
        order = rng.permutation(n_labs)
        return Matches(order[0:paired:2], order[1:paired:2], n_labs)

    return draw


MATCHINGS = {"round_robin": round_robin, "random_pairs": random_pairs}


@dataclass(slots=True)
class RoundOutcome:
    """What happened in one round. Per-entry arrays follow the round's entries; per-lab arrays
    have length N.

    reward: per entry, stage payoff + subsidy - fine - the entry's own incident share;
    payoff: per lab, stage payoffs + subsidies - fines - all incident costs it bears;
    cooperation: per lab, share of its matches in which it cooperated (NaN if it sat out)."""

    actions: np.ndarray
    reward: np.ndarray
    payoff: np.ndarray
    matches: np.ndarray
    cooperation: np.ndarray
    incidents: IncidentDraw
    fines: float
    subsidies: float


def _per_entry(value: float | np.ndarray, me: np.ndarray) -> float | np.ndarray:
    """A scalar rule value, or a per-lab one (targeted interventions) read for each entry's lab."""
    return value.ravel()[me] if isinstance(value, np.ndarray) else value


class LabModel(mesa.Model):
    """N labs choosing to cooperate (develop responsibly) or defect, round after round.

    Per-lab and per-pair state lives in numpy arrays on the model (payoff tables of shape
    (N, 2, 2) indexed [lab, own action, partner's action], the PairMemory); the LabAgent objects
    are thin views used by the DataCollector. Model attributes after each step:

    cooperation_rate  share of this round's actions that were cooperation
    mean_trust        mean over labs of their mean belief about partners
    incidents         incidents this round
    welfare           lab_payoffs + fines_collected - subsidies_paid - public_cost
                      (= stage payoffs - incident_cost - public_cost + the net of the
                      non-public transfers: peer sanctions, peer rewards, pledge costs; fines and
                      subsidies, including public rewards and pledge sanctions, are transfers to
                      and from the public purse)
    lab_payoffs       sum of the labs' payoffs (after fines, subsidies and incident costs)
    fines_collected, subsidies_paid, incident_cost, public_cost (cost_per_round of the active
    interventions), observability (in force this round)
    """

    def __init__(self, scenario: Scenario, rng: np.random.Generator | int | None = None):
        super().__init__(rng=rng)
        labs = expand_labs(scenario)
        self.scenario = scenario
        self.dynamics = scenario.dynamics
        self.n_labs = len(labs)
        self.trust = np.array([lab.trust for lab in labs], dtype=float)
        self.true_payoffs = np.stack([lab.payoffs.matrix() for lab in labs])
        self.perceived_payoffs = np.stack([lab.perceived.matrix() for lab in labs])
        self.interventions = [make_intervention(spec) for spec in scenario.interventions]
        self._incident_costs = {
            pays: expected_cost_matrix(self.dynamics.incidents, self.n_labs, pays)
            for pays in (False, True)
        }
        self._active: tuple[Intervention, ...] = ()
        self._set_rules(base_rules(self.scenario, self.true_payoffs, self.perceived_payoffs))
        self.initial_decision_payoffs = self.decision_payoffs
        self.strategies, self.strategy_of_lab = self._make_strategies(labs)
        prior = np.array([self.strategies[s].prior_strength() for s in self.strategy_of_lab])
        self.memory = PairMemory(self.trust, prior)
        self.network = build_network(scenario)  # None: labs are matched by dynamics.matching
        degree = self.network.degree if self.network is not None else None
        self._targets = {i: target_mask(i.spec.targets, scenario, degree) for i in self.interventions}
        if self.network is None:
            self.matching = MATCHINGS[self.dynamics.matching](self.n_labs)
        else:
            self.matching = fixed_pairs(self.network.first, self.network.second, self.n_labs)
        for index, lab in enumerate(labs):
            LabAgent(self, index, lab)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: name for name in MODEL_REPORTERS},
            agent_reporters={name: name for name in AGENT_REPORTERS},
        )

    def _make_strategies(self, labs) -> tuple[list[Strategy], np.ndarray]:
        """One strategy object per distinct spec, in order of first appearance."""
        by_spec: dict = {}
        for index, lab in enumerate(labs):
            by_spec.setdefault(lab.strategy, []).append(index)
        strategy_of_lab = np.empty(self.n_labs, dtype=np.intp)
        for number, members in enumerate(by_spec.values()):
            strategy_of_lab[members] = number
        strategies = [
            make_strategy(spec, np.array(members), self) for spec, members in by_spec.items()
        ]
        return strategies, strategy_of_lab


    def _set_rules(self, rules: RoundRules) -> None:
        self.rules = rules
        costs = self._incident_costs[rules.defector_pays]
        self.decision_payoffs = rules.decision_payoffs(costs)
        table = self.decision_payoffs
        self.decision_gains = (
            table[:, COOPERATE, COOPERATE] - table[:, DEFECT, COOPERATE],
            table[:, COOPERATE, DEFECT] - table[:, DEFECT, DEFECT],
        )

    def _update_rules(self, round_index: int) -> None:
        """Let the interventions active in this round act. The previous round's rules are kept
        when the same interventions are active and none changes the model's lasting state."""
        active = tuple(i for i in self.interventions if i.active(round_index))
        if active == self._active and not any(i.lasting for i in active):
            return
        self._active = active
        for intervention in active:
            begin_round_for(intervention, self, self._targets[intervention])
        rules = base_rules(self.scenario, self.true_payoffs, self.perceived_payoffs)
        for intervention in active:
            apply_to(intervention, rules, self._targets[intervention])
        rules.public_cost = sum(i.spec.cost_per_round for i in active)
        self._set_rules(rules)

    def step(self) -> None:
        """Play one round (see the module docstring for the order of events)."""
        self._update_rules(self.steps - 1)
        matches = self.matching(self.rng)
        groups = matches.groups(self.strategy_of_lab)
        actions = np.empty(matches.entries.me.size, dtype=np.intp)
        for strategy, entries in zip(self.strategies, groups):
            if entries.index.size:
                actions[entries.index] = strategy.decide(entries, self)
        if self.dynamics.tremble > 0:
            actions ^= self.rng.random(actions.size) < self.dynamics.tremble
        outcome = self._settle(matches, actions)
        self._observe(matches, actions)
        for strategy, entries in zip(self.strategies, groups):
            strategy.learn(entries, outcome, self)
        self._record(outcome)
        self.datacollector.collect(self)

    def _settle(self, matches: Matches, actions: np.ndarray) -> RoundOutcome:
        """Stage payoffs, audits and fines, subsidies, transfers (sanctions, rewards, pledges;
        one draw per entry and transfer, skipped when its chance is 0 or 1) and incidents of one
        round."""
        me, n, rules = matches.entries.me, self.n_labs, self.rules
        stage = rules.true.ravel()[matches.cell + 2 * actions + matches.partners(actions)]
        defected = actions == DEFECT
        kept, fines, subsidies = stage, 0.0, 0.0
        if rules.audits:
            fined = sum(
                _per_entry(fine, me) * (defected & (self.rng.random(me.size) < detection))
                for detection, fine in rules.audits
            )
            kept, fines = kept - fined, float(fined.sum())
        if np.any(rules.subsidy):
            kept = kept + _per_entry(rules.subsidy, me) * ~defected
            if isinstance(rules.subsidy, np.ndarray):
                subsidies = float((rules.subsidy.ravel()[me] * ~defected).sum())
            else:
                subsidies = rules.subsidy * (me.size - int(np.count_nonzero(defected)))
        for transfer in rules.transfers:
            chance = rules.chance(transfer)
            if chance <= 0 or transfer.is_zero():
                continue
            happened = self.rng.random(me.size) < chance if chance < 1 else True
            own, given = entry_amounts(*transfer.tables(n), matches.cell, matches.partners(matches.cell),
                                       actions, matches.partners(actions), happened)
            paid = own + matches.partners(given)
            kept = kept + paid
            if transfer.public:
                subsidies += float(paid[paid > 0].sum())
                fines -= float(paid[paid < 0].sum())
        incidents = draw_incidents(
            me, defected, self.dynamics.incidents, n, rules.defector_pays, self.rng
        )
        cooperation = np.bincount(me[~defected], minlength=n) / matches.divisor
        if matches.sitting_out:
            cooperation[matches.idle] = np.nan
        return RoundOutcome(
            actions=actions,
            reward=kept - incidents.entry_cost,
            payoff=np.bincount(me, weights=kept, minlength=n) - incidents.lab_cost,
            matches=matches.played,
            cooperation=cooperation,
            incidents=incidents,
            fines=fines,
            subsidies=subsidies,
        )

    def _observe(self, matches: Matches, actions: np.ndarray) -> None:
        """Each lab sees its partner's executed action with the round's observability."""
        observability = self.rules.observability
        if observability <= 0:
            return
        pair, seen_action = matches.entries.pair, matches.partners(actions)
        if observability < 1:
            visible = self.rng.random(seen_action.size) < observability
            pair, seen_action = pair[visible], seen_action[visible]
        self.memory.observe(pair, seen_action)

    def _record(self, outcome: RoundOutcome) -> None:
        """Set the attributes the DataCollector reads (see the class docstring)."""
        self.lab_cooperation = outcome.cooperation.tolist()
        self.lab_matches = outcome.matches.tolist()
        self.lab_payoff = outcome.payoff.tolist()
        self.lab_trust = self.memory.mean_belief().tolist()
        self.lab_incidents = outcome.incidents.caused_by_lab.astype(int).tolist()
        self.cooperation_rate = 1 - np.count_nonzero(outcome.actions) / outcome.actions.size
        self.mean_trust = sum(self.lab_trust) / self.n_labs
        self.incidents = outcome.incidents.count
        self.fines_collected = outcome.fines
        self.subsidies_paid = outcome.subsidies
        self.incident_cost = outcome.incidents.total_cost
        self.public_cost = float(self.rules.public_cost)
        self.lab_payoffs = sum(self.lab_payoff)
        self.welfare = (
            self.lab_payoffs + self.fines_collected - self.subsidies_paid - self.public_cost
        )
        self.observability = float(self.rules.observability)
