"""Decision rules: a registry of small classes keyed by the scenario's ``labs[].strategy.type``.

One strategy object serves every lab that shares the same strategy spec, in every run of a
batch (:mod:`coopsim.abm.engine`; the runs may give the spec different numbers, so parameters
are (runs, 1) arrays), and decides for all matches of a round in one numpy call. A round's
matches are given as *entries* (:class:`~coopsim.abm.matching.Entries`, arrays (runs,
entries)): entry k of run b is lab ``me[b, k]`` playing against ``other[b, k]``. Actions are
cooperate = 0 and defect = 1; a strategy returns an *intended* action for every entry (the
engine keeps those of its own labs' entries, then applies trembles), and may learn from the
round's outcome.

Deterministic strategies read the shared :class:`~coopsim.abm.memory.PairMemory`; stochastic
ones use uniforms the engine hands them from each run's own stream, so runs are reproducible.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from coopsim.lazy_import import numpy as np

from pydantic import Field

from coopsim.registry import Registry
from coopsim.scenario.base import Probability, Strict
from coopsim.theory.stage_game import COOPERATE, DEFECT, best_response_action

if TYPE_CHECKING:
    from coopsim.abm.engine import Engine, RoundOutcome
    from coopsim.abm.matching import Entries



class Strategy:
    """A decision rule for the labs in ``labs`` (indices into the engine's arrays); ``specs``
    holds the rule's spec in each run of the batch.

    Metadata, defined once here and shared with ``evolve`` and the charts: ``short_name`` (the
    name used in population games, e.g. ``TFT``), ``meaning`` (one line in words), ``colour``
    (hex, Okabe-Ito) and ``stochastic`` (whether its decisions or learning draw random numbers;
    a scenario whose labs all use deterministic strategies, without trembles or partial
    observability, gives identical replicates); ``acts_on_trust`` (whether its lab's trust, the
    belief that a partner cooperates, enters its decisions: without such a lab a trust chart shows
    a belief nobody acts on)."""

    type: ClassVar[str]
    short_name: ClassVar[str]
    meaning: ClassVar[str]
    colour: ClassVar[str]
    stochastic: ClassVar[bool] = False
    acts_on_trust: ClassVar[bool] = False
    draws_decisions: ClassVar[bool] = False  # takes one uniform per entry in decide
    learning_draws: int = 0  # uniforms per round taken in learn

    def __init__(self, specs: list, labs: np.ndarray, engine: Engine):
        self.specs = specs
        self.spec = specs[0]
        self.labs = labs

    def parameter(self, name: str) -> np.ndarray:
        """A spec field in every run, as a (runs, 1) column."""
        return np.array([getattr(spec, name) for spec in self.specs], dtype=float)[:, None]

    def prior_strength(self) -> float | np.ndarray:
        """Strength (pseudo-observations) of the Beta prior its labs' beliefs start from."""
        return TrustBestResponse.Spec.model_fields["prior_strength"].default

    def decide(self, entries: Entries, engine: Engine, uniform: np.ndarray | None) -> np.ndarray:
        """Intended action (0 cooperate, 1 defect) of lab me[b, k] against lab other[b, k];
        ``uniform``: one uniform per entry when some strategy of the run draws them."""
        raise NotImplementedError

    def learn(self, entries: Entries, mine: np.ndarray, outcome: RoundOutcome, engine: Engine) -> None:
        """Update internal state after a round from ``outcome``; ``mine`` marks the entries of
        this strategy's labs (default: no learning)."""


STRATEGIES = Registry("strategy")

register = STRATEGIES.register  # @register("type") adds a class to STRATEGIES


def trust_drives_decisions(scenario) -> bool:
    """Whether some lab, in the scenario or one of its variants, decides with its trust."""
    from coopsim.scenario.loading import resolve_variants

    return any(STRATEGIES[lab.strategy.type].acts_on_trust
               for variant in (scenario, *resolve_variants(scenario).values()) for lab in variant.labs)


def make_strategy(specs: list, labs: np.ndarray, engine: Engine) -> Strategy:
    """The strategy object for validated specs (one per run, all of one type) and its labs."""
    return STRATEGIES[specs[0].type](specs, labs, engine)


def _constant(action: int, shape) -> np.ndarray:
    constant = np.empty(shape, dtype=np.int8)
    constant.fill(action)
    return constant


@register("always_cooperate")
class AlwaysCooperate(Strategy):
    """Always develop responsibly: a(i, j) = C."""

    class Spec(Strict):
        """Always develop responsibly."""

    short_name = "AllC"
    meaning = "always develops responsibly"
    colour = "#009E73"

    def decide(self, entries, engine, uniform):
        return _constant(COOPERATE, entries.me.shape)


@register("always_defect")
class AlwaysDefect(Strategy):
    """Always cut corners: a(i, j) = D."""

    class Spec(Strict):
        """Always cut corners."""

    short_name = "AllD"
    meaning = "always cuts corners"
    colour = "#D55E00"

    def decide(self, entries, engine, uniform):
        return _constant(DEFECT, entries.me.shape)


@register("tit_for_tat")
class TitForTat(Strategy):
    """Cooperate with a partner never seen yet; otherwise repeat the partner's action last *seen*
    (under partial observability an unseen round leaves the memory unchanged)."""

    class Spec(Strict):
        """Cooperate first, then repeat what the partner was last seen doing."""

    short_name = "TFT"
    meaning = "cooperates first, then repeats what the partner was last seen doing"
    colour = "#0072B2"

    def decide(self, entries, engine, uniform):
        return (engine.memory.last_seen_of(entries.pair) == DEFECT).view(np.int8)


@register("grim_trigger")
class GrimTrigger(Strategy):
    """Cooperate with a partner until it is seen defecting once, then defect against it forever."""

    class Spec(Strict):
        """Cooperate until the partner is seen defecting once, then defect against it forever."""

    short_name = "GT"
    meaning = "cooperates until the partner is seen defecting once, then defects forever"
    colour = "#56B4E9"

    def decide(self, entries, engine, uniform):
        return engine.memory.seen_defection_of(entries.pair).view(np.int8)


@register("trust_best_response")
class TrustBestResponse(Strategy):
    """The paper's one-shot logic made dynamic. Lab i's belief that partner j cooperates is the
    Beta-Bernoulli posterior mean b (prior mean = the lab's trust, strength ``prior_strength``,
    updated only from observed actions; see PairMemory). With the lab's decision payoffs
    (perceived R, S, T, P plus expected fines, subsidies and incident costs it bears, see
    RoundRules.decision_payoffs) it cooperates iff

        EV(C) - EV(D) = b*(R - T) + (1 - b)*(S - P) >= 0,

    ties going to cooperation (the one rule of stage_game.cooperates)."""

    class Spec(Strict):
        """Best-respond to a Beta-Bernoulli belief about each partner (the paper's logic, iterated)."""

        prior_strength: float = Field(
            2.0,
            gt=0.0,
            description="Weight of the prior belief (mean = the lab's trust), in pseudo-observations.",
        )

    short_name = "TBR"
    meaning = "best response to a learned belief that the partner cooperates"
    colour = "#E69F00"
    acts_on_trust = True

    def prior_strength(self):
        return self.parameter("prior_strength")

    def decide(self, entries, engine, uniform):
        at = engine.rules.at(entries)
        belief = engine.memory.belief_of(entries.pair)
        return best_response_action(belief * at.if_cooperated + (1 - belief) * at.if_defected)


@register("reinforcement")
class Reinforcement(Strategy):
    """Stateless Q-learning (a two-armed bandit) with epsilon-greedy exploration.

    Each lab keeps one value Q(a) per action, not per partner. In each match it plays
    argmax Q (ties: cooperate) or, with probability epsilon (``exploration``), an action drawn
    uniformly. After the round, for every action a it played,

        Q(a) <- Q(a) + alpha * (mean reward of its matches in which it played a - Q(a))

    with alpha = ``learning_rate`` (with one match per round this is textbook stateless
    Q-learning). A match's reward is what the action earned the lab: stage payoff + subsidy -
    fine - its share of the incident that defection caused (C, or C/N when costs are shared).
    Q starts at the lab's perceived expected values at its trust, EV(C) and EV(D) of
    RoundRules.decision_payoffs without interventions."""

    class Spec(Strict):
        """Stateless Q-learning with epsilon-greedy exploration."""

        learning_rate: float = Field(0.1, gt=0.0, le=1.0, description="Q-value step size alpha.")
        exploration: Probability = Field(0.05, description="Epsilon: chance of a random action.")

    short_name = "RL"
    meaning = "learns action values from its own rewards, exploring at random"
    colour = "#CC79A7"
    stochastic = True
    draws_decisions = True
    acts_on_trust = True  # its action values start at the expected values at the lab's trust

    def __init__(self, specs, labs, engine):
        super().__init__(specs, labs, engine)
        table = np.stack([t.initial_decision_payoffs for t in engine.distinct])[engine.member_timeline]
        trust = engine.trust[:, :, None]
        self.q = trust * table[:, :, :, COOPERATE] + (1 - trust) * table[:, :, :, DEFECT]  # (B, N, 2)
        from coopsim.abm.rules import per_run  # here: the scenario language needs no numpy

        self.epsilon = per_run(self.parameter("exploration")[:, 0])
        self.half_epsilon = self.epsilon / 2
        self.rate = np.repeat(self.parameter("learning_rate"), 2 * engine.n_labs, axis=1).ravel()
        self._entries, self._keys = None, None

    def decide(self, entries, engine, uniform):
        greedy = (self.q[:, :, DEFECT] > self.q[:, :, COOPERATE]).ravel()[entries.lab]
        explored = uniform >= self.half_epsilon  # uniform action: defect iff draw in [eps/2, eps)
        return np.where(uniform < self.epsilon, explored, greedy).view(np.int8)

    def learn(self, entries, mine, outcome, engine):
        size = self.q.size
        if self._entries is not entries:  # fixed matchings keep their entries
            self._entries, self._keys = entries, (entries.lab * 2)[mine]
        key = self._keys + outcome.actions[mine]  # Q-table index (b*N + lab)*2 + action
        totals = np.bincount(key, weights=outcome.reward[mine], minlength=size)
        counts = np.bincount(key, minlength=size)
        played = counts.nonzero()[0]
        q = self.q.reshape(-1)
        q[played] += self.rate[played] * (totals[played] / counts[played] - q[played])


@register("imitation")
class Imitation(Strategy):
    """Pairwise-comparison (Fermi) imitation.

    Each lab plays one action in all its matches of a round; in round 0 it cooperates with
    probability ``initial_cooperation``. After every round each imitation lab i picks a model
    lab j uniformly among the other labs (any strategy) -- on a ``dynamics.network``, uniformly
    among its neighbours -- and, with probability

        p = 1 / (1 + exp(-beta * (pi_j - pi_i))),   beta = ``selection_intensity``,

    where pi is a lab's payoff per match this round (fines, subsidies and incident costs
    included; with ``network.payoffs: accumulated``, the sum over its matches), copies j: it
    adopts cooperation with probability equal to j's cooperation share this round (the action j
    played in a randomly chosen one of its matches). A lab that played no match (sat out under
    random pairs, or has no neighbour), or whose model did, keeps its action. Payoffs and
    actions of the model lab are assumed public: imitation is not limited by observability.
    The choice of model and the comparison are :mod:`coopsim.abm.network_engine`'s, which also
    runs this rule alone, vectorised, for large populations."""

    class Spec(Strict):
        """Pairwise-comparison (Fermi) imitation of another lab's last action."""

        selection_intensity: float = Field(
            1.0, ge=0.0, description="beta: how strongly payoff differences drive imitation."
        )
        initial_cooperation: Probability = Field(
            0.5, description="Probability that the lab cooperates in the first round."
        )

    short_name = "IM"
    meaning = "copies better-off labs (pairwise-comparison rule)"
    colour = "#999999"
    stochastic = True

    def __init__(self, specs, labs, engine):
        super().__init__(specs, labs, engine)
        # here, so that validating a scenario needs neither scipy nor networkx
        from coopsim.abm import network_engine
        from coopsim.abm.rules import per_run

        self.learning_draws = 3 * labs.size
        self.beta = per_run(self.parameter("selection_intensity")[:, 0])
        self.action = np.zeros((engine.size, engine.n_labs), dtype=np.int8)
        starts = engine.initial_uniforms(labs.size) >= self.parameter("initial_cooperation")
        self.action[:, labs] = starts
        self.rule = network_engine
        self.offset = np.arange(engine.size)[:, None] * engine.n_labs  # run b's labs start at b*N
        self.own = (self.offset + labs).ravel()  # its labs in the flattened (B, N) arrays
        self.accumulated = engine.network is not None and engine.network.accumulated

    def decide(self, entries, engine, uniform):
        return self.action.ravel()[entries.lab]

    def learn(self, entries, mine, outcome, engine):
        rule, labs, size = self.rule, self.labs, engine.size
        draws = engine.uniforms(3 * labs.size).reshape(size, 3, labs.size)
        pick, accept, adopt = draws[:, 0], draws[:, 1], draws[:, 2]
        chosen_flat = rule.choose_models(labs, pick, engine.n_labs, engine.network)
        if size > 1:
            chosen_flat = chosen_flat + self.offset

        def of_chosen(values):
            return values.ravel()[chosen_flat]

        def of_own(values):
            return values.ravel()[self.own].reshape(size, labs.size)

        compared = rule.compared_payoff(outcome.payoff, outcome.matches, self.accumulated)
        copy = rule.fermi_accepts(accept, self.beta, of_chosen(compared) - of_own(compared))
        if engine.matching.sitting_out:  # a lab that, or whose model, sat out keeps its action
            played = outcome.matches > 0
            copy &= of_own(played) & of_chosen(played)
        copied = adopt >= of_chosen(outcome.cooperation)
        action = self.action.reshape(-1)  # a view: the array is contiguous
        action[self.own] = np.where(copy, copied, of_own(action)).ravel()
