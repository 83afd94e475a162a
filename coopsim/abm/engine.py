"""The round of the iterated model, for a batch of B runs at once (B = 1 for the Mesa model).

Every array has a leading batch axis: run b of the batch is member b, with its own scenario (a
:class:`~coopsim.abm.timeline.Timeline`; members may share one) and its own random stream. The
members of one batch have the same *shape* (:func:`shape_key`): lab count, matching or network,
which labs share a strategy and its type, the interventions' kinds and the draws each round
makes; they may differ in every number (payoffs, trust, tremble, incident odds, fines, ...).

One round (:meth:`Engine.step`), per member exactly as described in :mod:`coopsim.abm.model`:
rules, matching, decisions, trembles, payoffs (stage payoff, audits and fines, subsidies,
transfers, incidents), observation and memory, learning, records.

Random numbers. Member b's stream is its own ``numpy.random.Generator``; after Mesa's own use
of it (one integer, to seed the stdlib generator, see :func:`start_stream`), the stream is
consumed as uniforms in [0, 1): first one per lab of each imitation strategy group (initial
actions), then per round, in this order and only when the draw can change anything:
matching (N, random pairs: the random order is the argsort of N uniforms), decisions (one per
match entry, when a strategy decides at random), trembles (one per entry), audits (one per
entry each), transfers (one per entry each: sanctions, rewards, pledges, in their
interventions' order), incidents (one per entry), sightings (one per entry), learning (three
per lab of each imitation group: model, acceptance, adoption). Uniforms are drawn ahead for
several rounds at a time (whole rounds, at most UNIFORMS_AHEAD_PER_RUN per member and
UNIFORMS_AHEAD per batch); a Generator's uniforms are the same however the calls are split, so a
member's results depend only on its scenario and seed, never on the batch it ran in or the size
of the blocks (tests check both).

Cost. At a batch of one (the Mesa model) a round costs a few dozen numpy calls on arrays of a
few dozen numbers, each dominated by its fixed overhead, so the round avoids calls rather than
work: what depends only on the rules (per-run columns, incident terms) is computed when the
rules change (:mod:`coopsim.abm.rules`), per-entry gathers of them once per rules and entries
(fixed matchings keep their entries), and the groups' decisions are picked in one gather.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from coopsim.abm.memory import PairMemory
from coopsim.abm.matching import Matching, make_matching
from coopsim.abm.rules import BatchRules, per_run
from coopsim.abm.strategies import Strategy, make_strategy
from coopsim.abm.timeline import DrawPlan, Timeline
from coopsim.policy.base import entry_amounts
from coopsim.policy.incidents import IncidentDraw, draw_incidents

UNIFORMS_AHEAD = 1 << 20  # uniforms drawn ahead per batch (bounds memory, not results)
# ... and per run: a block that stays in cache (fresh pages for a larger one cost more than the
# draws themselves: at a batch of one, about 1 ms per million uniforms)
UNIFORMS_AHEAD_PER_RUN = 1 << 14


def start_stream(seed) -> np.random.Generator:
    """The generator a Mesa model made from ``seed`` hands to the engine: Mesa draws one integer
    to seed its stdlib generator (``mesa.Model.__init__``); tests check the two agree."""
    rng = np.random.default_rng(seed)
    rng.integers(np.iinfo(np.int32).max)
    return rng


@dataclass
class RoundOutcome:
    """One round of every member: per-entry arrays (B, E), per-lab arrays (B, N), per-member (B,).

    actions: executed actions per entry, ``defected`` the same as booleans; kept: per entry,
    stage payoff + subsidy - fine + transfers; :attr:`reward` the same minus the entry's own
    incident share; payoff: per lab, ``kept`` summed over its entries, minus all incident costs
    it bears; cooperation: per lab, share of its matches in which it cooperated (NaN if it sat
    out)."""

    actions: np.ndarray
    defected: np.ndarray
    kept: np.ndarray
    payoff: np.ndarray
    matches: np.ndarray
    cooperation: np.ndarray
    incidents: IncidentDraw
    fines: np.ndarray
    subsidies: np.ndarray

    @cached_property
    def reward(self) -> np.ndarray:
        """Per entry: what the entry's action earned its lab (computed when a strategy asks)."""
        return self.kept - self.incidents.entry_cost


def strategy_groups(scenario) -> tuple[list, np.ndarray]:
    """The distinct strategy specs of a scenario's labs in order of first appearance, and each
    lab's group number."""
    from coopsim.games.stage import expand_labs

    specs: dict = {}
    labs = expand_labs(scenario)
    of_lab = np.array([specs.setdefault(lab.strategy, len(specs)) for lab in labs], dtype=np.intp)
    return list(specs), of_lab


class Engine:
    """B runs of one shape (see the module docstring). ``timelines[b]`` is member b's scenario,
    ``streams[b]`` its generator; ``rounds`` bounds the rounds drawn ahead."""

    def __init__(self, timelines: list[Timeline], streams: list[np.random.Generator],
                 network, rounds: int):
        first = timelines[0]
        self.timelines, self.streams, self.network = timelines, streams, network
        self.size, self.n_labs, self.rounds = len(timelines), first.n_labs, rounds
        self.dynamics = [t.scenario.dynamics for t in timelines]
        self.distinct = list({id(t): t for t in timelines}.values())
        self.member_timeline = np.array([self.distinct.index(t) for t in timelines])
        self.round = 0
        self.plans = first.plans(rounds)
        specs, self.strategy_of_lab = strategy_groups(first.scenario)
        self.matching: Matching = make_matching(first.scenario, network, self.size, self.strategy_of_lab)
        self.tremble = per_run(np.array([d.tremble for d in self.dynamics]))
        self.rules = BatchRules(self)
        member_specs = [strategy_groups(t.scenario)[0] for t in self.distinct]
        self.trust = np.stack([t.trust for t in self.distinct])[self.member_timeline]
        self.strategies: list[Strategy] = []
        prior = np.empty((self.size, self.n_labs))
        self._uniforms, self._next, self._uniforms_drawn = np.empty((self.size, 0)), 0, 0
        for group in range(len(specs)):
            labs = np.flatnonzero(self.strategy_of_lab == group)
            group_specs = [member_specs[t][group] for t in self.member_timeline]
            strategy = make_strategy(group_specs, labs, self)
            prior[:, labs] = strategy.prior_strength()
            self.strategies.append(strategy)
        self.memory = PairMemory(self.trust, prior)
        self._draws_decisions = any(s.draws_decisions for s in self.strategies)
        self._trembles = self.dynamics[0].tremble > 0
        self._incident_draws = self.dynamics[0].incidents.probability > 0
        self._learners = [(group, strategy) for group, strategy in enumerate(self.strategies)
                          if type(strategy).learn is not Strategy.learn]
        self._plan_sizes: dict[int, int] = {}  # by id of the (shared) DrawPlan

    # ---------------------------------------------------------------- random numbers

    def round_size(self, round_index: int) -> int:
        """Uniforms drawn in a round (its draw plan; the same for every member)."""
        plan = self.plan_of(round_index)
        if id(plan) not in self._plan_sizes:
            d = self.dynamics[0]
            per_entry = (self._draws_decisions + (d.tremble > 0) + plan.audits
                         + sum(drawn for drawn, _, _ in plan.transfers)
                         + (d.incidents.probability > 0) + plan.observe)
            self._plan_sizes[id(plan)] = (self.matching.draws + per_entry * self.matching.entries
                                          + sum(s.learning_draws for s in self.strategies))
        return self._plan_sizes[id(plan)]

    def plan_of(self, round_index: int) -> DrawPlan:
        """The draw plan of a round (the same for every member)."""
        if round_index < len(self.plans):
            return self.plans[round_index]
        return self.timelines[0].plan(round_index)

    def initial_uniforms(self, count: int) -> np.ndarray:
        """(B, count) uniforms for the members' set-up (drawn before any round's)."""
        return np.stack([stream.random(count) for stream in self.streams])

    def uniforms(self, count: int) -> np.ndarray:
        """The next (B, count) uniforms of this round's block."""
        if self._next + count > self._round_end:  # pragma: no cover - guard
            raise RuntimeError("a round drew more uniforms than its draw plan allows")
        block = self._uniforms[:, self._next:self._next + count]
        self._next += count
        return block

    def _begin_round(self) -> None:
        """Make this round's block available: when the uniforms drawn ahead are used up, draw
        this round's and as many whole later rounds' as fit UNIFORMS_AHEAD (per batch) and
        UNIFORMS_AHEAD_PER_RUN, into one buffer reused from block to block (a round's uniforms
        are used up within the round)."""
        size = self.round_size(self.round)
        if self._next == self._uniforms_drawn:
            total, later = size, self.round + 1
            budget = max(min(UNIFORMS_AHEAD // self.size, UNIFORMS_AHEAD_PER_RUN), size)
            while later < self.rounds and total + self.round_size(later) <= budget:
                total += self.round_size(later)
                later += 1
            if self._uniforms.shape[1] < total:
                self._uniforms = np.empty((self.size, max(total, budget)))
            for stream, row in zip(self.streams, self._uniforms):
                stream.random(out=row[:total])
            self._next, self._uniforms_drawn = 0, total
        self._round_end = self._next + size

    # ---------------------------------------------------------------- one round

    def step(self) -> RoundOutcome:
        """Play one round of every member; returns what happened."""
        self._begin_round()
        self.rules.update(self.round)
        entries = self.matching.draw(self)
        size = entries.lab.shape[1]
        decision = self.uniforms(size) if self._draws_decisions else None
        strategies = self.strategies
        if len(strategies) == 1:
            actions = strategies[0].decide(entries, self, decision)
        else:  # each entry takes the decision of its lab's strategy
            decided = np.concatenate([strategy.decide(entries, self, decision) for strategy in strategies])
            actions = decided.reshape(-1)[entries.choice]  # decided: (G * B, E), group-major
        if self._trembles:
            actions = actions ^ (self.uniforms(size) < self.tremble)
        seen = entries.partners(actions)
        outcome = self._settle(entries, actions, seen)
        self._observe(entries, seen)
        for group, strategy in self._learners:
            strategy.learn(entries, entries.mask(group), outcome, self)
        if self._next != self._round_end:  # pragma: no cover - guard
            raise RuntimeError("a round drew fewer uniforms than its draw plan says")
        self.round += 1
        return outcome

    def _settle(self, entries, actions: np.ndarray, seen: np.ndarray) -> RoundOutcome:
        """Stage payoffs, audits and fines, subsidies, transfers and incidents of one round;
        ``seen``: each entry's partner's action."""
        rules, n, size = self.rules, self.n_labs, self.size
        lab, partners, at = entries.lab, entries.partners, rules.at(entries)
        kept = rules.true_flat[entries.cell + (actions + actions + seen)]  # cell [lab, a, b]: 4*lab + 2a + b
        defected = actions.astype(bool)  # actions are 0 (cooperate) or 1 (defect)
        fines, subsidies = np.zeros(size), np.zeros(size)
        if rules.audits:
            fined = 0
            for detection, fine in zip(rules.detection_columns, at.fines):
                fined = fined + fine * (defected & (self.uniforms(lab.shape[1]) < detection)).astype(float)
            kept, fines = kept - fined, np.add.reduce(fined, axis=1)
        if rules.any_subsidy:
            paid = at.subsidy * (~defected).astype(float)
            kept, subsidies = kept + paid, np.add.reduce(paid, axis=1)
        for transfer in rules.transfers:
            if transfer.drawn:
                happened = self.uniforms(lab.shape[1]) < transfer.chance[:, None]
            elif transfer.certain.any():
                happened = transfer.certain[:, None]
            else:
                continue
            own, given = entry_amounts(transfer.to_actor, transfer.to_partner, entries.cell,
                                       partners(entries.cell), actions, seen, happened)
            paid = own + partners(given)
            kept = kept + paid
            if transfer.public:
                subsidies = subsidies + np.where(paid > 0, paid, 0.0).sum(axis=1)
                fines = fines - np.where(paid < 0, paid, 0.0).sum(axis=1)
        chance = self.uniforms(lab.shape[1]) if self._incident_draws else None
        incidents = draw_incidents(lab, defected, chance, rules.incidents)
        matching = self.matching
        cooperation = np.bincount(lab[~defected], minlength=size * n).reshape(size, n) / matching.divisor
        if matching.sitting_out:
            cooperation[matching.played == 0] = np.nan
        payoff = np.bincount(lab.ravel(), weights=kept.ravel(), minlength=size * n).reshape(size, n)
        return RoundOutcome(
            actions=actions,
            defected=defected,
            kept=kept,
            payoff=payoff - incidents.lab_cost,
            matches=matching.played,
            cooperation=cooperation,
            incidents=incidents,
            fines=fines,
            subsidies=subsidies,
        )

    def _observe(self, entries, seen: np.ndarray) -> None:
        """Each lab sees its partner's executed action ``seen`` with the round's observability."""
        rules = self.rules
        if not rules.any_observed:
            return
        pair = entries.pair
        if self.plan_of(self.round).observe:
            visible = self.uniforms(pair.shape[1]) < rules.observability_column
        else:
            visible = np.broadcast_to((rules.observability >= 1)[:, None], pair.shape)
        self.memory.observe(pair[visible], seen[visible])
