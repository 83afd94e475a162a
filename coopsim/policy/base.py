"""What a policy intervention is, and the rules of one round it acts on.

Each round the agent-based model starts from the scenario's rules (:class:`RoundRules`: every
lab's true and perceived stage payoffs, observability, who pays for incidents) and lets every
intervention active in that round (``start <= round < end``) change them, in scenario order.
The *expected* stage game under a policy (:mod:`coopsim.policy.expected`) is computed from the
very same rules and the very same ``apply`` methods, so the one-shot view and the simulation
cannot drift apart.

Expected per-match payoff of a lab, own action a against the partner's b (cooperate = 0,
defect = 1), with the round's rules::

    table[a, b] - incident_cost[a, b] + subsidy * [a = C] - expected_fine * [a = D]
                 + sum over transfers of chance * (to_actor[a, b] + to_partner[b, a])

where ``incident_cost`` is the expected incident bill of the match's own defections
(:func:`coopsim.policy.incidents.expected_cost_matrix`), ``expected_fine`` is the sum over
active audits of detection probability x fine, and the last line is the expected value of the
per-match :class:`Transfer` s (peer sanctions, rewards, pledges): in a match each lab is once the actor
(its own entry, own action a, partner's b) and once the partner of the other lab's entry (whose
actor played b against a). With ``table`` the lab's *true* payoffs this is
the game the labs effectively play; with its *perceived* payoffs it is the game a lab decides on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from coopsim.lazy_import import numpy as np
from pydantic import Field, model_validator

from coopsim.registry import Registry
from coopsim.scenario.base import NonNegative, Strict
from coopsim.theory.stage_game import COOPERATE, DEFECT

if TYPE_CHECKING:
    from coopsim.abm.model import LabModel
    from coopsim.scenario.spec import Scenario

PAPER_STRATEGIES = {
    1: "promote accurate beliefs about the benefits of cooperation",
    2: "collaborate on research and engineering",
    3: "open up to more oversight and transparency",
    4: "incentivise adherence to high standards",
}


@dataclass(frozen=True)
class Transfer:
    """Payments triggered in every match entry: each lab is the *actor* of its own entry in a
    match. With probability ``chance`` (the round's observability when ``observed``, else 1)
    the entry's event happens, and then the actor receives ``to_actor[a, b]`` and
    its partner ``to_partner[a, b]``, where a is the actor's executed action and b the
    partner's (cooperate = 0, defect = 1; negative amounts are payments). One uniform draw per
    entry decides the event, so both sides of one sanction happen together. Amounts are 2x2
    tables (the same for every lab) or (labs, 2, 2) tables indexed by the lab that *receives*
    them: ``to_actor[actor]``, ``to_partner[partner]``.

    ``observed`` means "the actor saw the partner's action": that sighting is its own draw per
    entry with the observability in force, separate from the sighting that updates the trust
    memory. ``public``: the net amount comes from (or goes to) the public purse (booked as
    subsidies paid / fines collected); otherwise it is a cost borne and a loss imposed between
    the labs, which lowers welfare."""

    to_actor: np.ndarray
    to_partner: np.ndarray
    observed: bool = False
    public: bool = False

    def is_zero(self) -> bool:
        """Whether it never moves any money."""
        return not (np.any(self.to_actor) or np.any(self.to_partner))

    def tables(self, n_labs: int) -> tuple[np.ndarray, np.ndarray]:
        """``to_actor`` and ``to_partner`` spelled out for ``n_labs`` labs, shape (n_labs, 2, 2)."""
        return (np.broadcast_to(self.to_actor, (n_labs, 2, 2)),
                np.broadcast_to(self.to_partner, (n_labs, 2, 2)))


def entry_amounts(
    to_actor: np.ndarray,
    to_partner: np.ndarray,
    actor_table: np.ndarray,
    partner_table: np.ndarray,
    actor_action: np.ndarray,
    partner_action: np.ndarray,
    happened: np.ndarray | bool,
) -> tuple[np.ndarray, np.ndarray]:
    """What one :class:`Transfer` pays in each match entry: (received by the actor, received by
    its partner) = ``happened`` x (``to_actor[actor][a, b]``, ``to_partner[partner][a, b]``), with
    a the actor's executed action and b the partner's. ``to_actor`` and ``to_partner`` are the
    transfer's tables spelled out per table owner, shape (..., 2, 2) (per lab, or per run and
    lab); ``actor_table`` and ``partner_table`` the flat offsets (4 x position) of the actor's and
    the partner's 2x2 tables in them. The one settlement rule of every model that plays matches
    (the lab model's matches, the DSAIR race's rounds)."""
    cell = 2 * np.asarray(actor_action) + np.asarray(partner_action)
    return (to_actor.ravel()[actor_table + cell] * happened,
            to_partner.ravel()[partner_table + cell] * happened)


def cell_table(**cells: float) -> np.ndarray:
    """A 2x2 table [actor action, partner action] with the named cells (``CC``, ``CD``, ``DC``,
    ``DD``, actor's action first) set and the rest 0."""
    table = np.zeros((2, 2))
    for name, amount in cells.items():
        table["CD".index(name[0]), "CD".index(name[1])] = amount
    return table


@dataclass
class RoundRules:
    """The rules of one round after the active interventions have acted.

    Payoff tables have shape (labs, 2, 2), indexed [lab, own action, partner's action] with
    cooperate = 0 and defect = 1, i.e. each lab's [[R, S], [T, P]]."""

    true: np.ndarray
    perceived: np.ndarray
    observability: float
    defector_pays: bool
    # Per-lab values (targeted interventions) are (labs, 1) columns, so they broadcast over the
    # partner's action in the (labs, 2) payoff rows.
    audits: list[tuple[float, float | np.ndarray]] = field(default_factory=list)
    subsidy: float | np.ndarray = 0.0
    public_cost: float = 0.0
    transfers: list[Transfer] = field(default_factory=list)

    def chance(self, transfer: Transfer) -> float:
        """The probability that ``transfer``'s event happens in one match entry this round."""
        return self.observability if transfer.observed else 1.0

    @property
    def expected_fine(self) -> float | np.ndarray:
        """Expected fine per defection: the sum over active audits of detection x fine (per
        lab when an audit targets some labs)."""
        return sum(detection * fine for detection, fine in self.audits)

    def expected_payoffs(self, table: np.ndarray, incident_cost: np.ndarray) -> np.ndarray:
        """Expected per-match payoffs from ``table`` (see the module text): stage payoff - the
        match's expected incident cost borne (2x2) + subsidy if cooperating - expected fine if
        defecting + the transfers' chance x amount, as actor and as partner."""
        expected = table - incident_cost
        expected[:, COOPERATE, :] += self.subsidy
        expected[:, DEFECT, :] -= self.expected_fine
        for transfer in self.transfers:
            as_partner = np.swapaxes(transfer.to_partner, -1, -2)
            expected += self.chance(transfer) * (transfer.to_actor + as_partner)
        return expected

    def decision_payoffs(self, incident_cost: np.ndarray) -> np.ndarray:
        """The payoffs a lab expects from one match by its own *perception* of the factors."""
        return self.expected_payoffs(self.perceived, incident_cost)


def base_rules(scenario: Scenario, true: np.ndarray, perceived: np.ndarray) -> RoundRules:
    """The scenario's own rules, before any intervention acts."""
    return RoundRules(
        true=true,
        perceived=perceived,
        observability=scenario.dynamics.observability,
        defector_pays=scenario.dynamics.incidents.borne_by == "defector",
    )


class Targets(Strict):
    """Which labs an intervention acts on (give one of the two)."""

    labs: list[str] | None = Field(
        None, min_length=1,
        description="Lab names (a lab with count: N is 'Name 1' ... 'Name N'; its own name "
        "targets all N).",
    )
    highest_degree: int | None = Field(
        None, ge=1, description="The labs with the most neighbours in dynamics.network (ties: "
        "the earlier lab first).",
    )

    @model_validator(mode="after")
    def _one(self) -> Targets:
        if (self.labs is None) == (self.highest_degree is None):
            raise ValueError("give exactly one of `labs` or `highest_degree`")
        return self

    def in_words(self) -> str:
        """'only Frontier lab and Mid lab' or 'the 3 best-connected labs'."""
        if self.labs is not None:
            return "only " + (self.labs[0] if len(self.labs) == 1 else ", ".join(self.labs[:-1]) + " and " + self.labs[-1])
        return f"the {self.highest_degree} best-connected labs"


class InterventionBase(Strict):
    """Fields every intervention has: its window, its public cost and the labs it targets."""

    start: int = Field(0, ge=0, description="First round (0-based) in which it acts.")
    end: int | None = Field(
        None, ge=1, description="Round at which it stops (exclusive); empty = until the end."
    )
    cost_per_round: NonNegative = Field(
        0.0, description="Public cost per active round, subtracted from welfare."
    )
    targets: Targets | None = Field(
        None, description="Only these labs are subject to it (default: every lab)."
    )

    @model_validator(mode="after")
    def _window(self) -> InterventionBase:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self

    def active(self, round_index: int) -> bool:
        """Whether the intervention acts in round `round_index` (0-based)."""
        return self.start <= round_index and (self.end is None or round_index < self.end)


class Intervention:
    """One policy lever: its scenario fields (``Spec``), what it does to a round, and metadata.

    Subclasses override :meth:`apply` (a change to one round's rules) or :meth:`begin_round`
    (a lasting change to the model's state), or both, and :meth:`does_nothing` when some
    settings make them a no-op. ``levers`` names the numeric spec fields that sensitivity
    analyses may vary; ``paper_strategy`` the strategy of Askell, Brundage & Hadfield (2019)
    the intervention implements (a key of :data:`PAPER_STRATEGIES`)."""

    type: ClassVar[str]
    paper_strategy: ClassVar[int]
    levers: ClassVar[tuple[str, ...]] = ()
    lasting: ClassVar[bool] = False  # True when begin_round changes the model's state
    Spec: ClassVar[type[InterventionBase]] = InterventionBase

    def __init__(self, spec: InterventionBase):
        self.spec = spec

    def active(self, round_index: int) -> bool:
        """Whether it acts in round ``round_index`` (0-based)."""
        return self.spec.active(round_index)

    def begin_round(self, model: LabModel) -> None:
        """Change the model's lasting state at the start of an active round (default: none)."""

    def apply(self, rules: RoundRules) -> None:
        """Change this round's rules (default: none)."""

    def choice(self) -> str | None:
        """The lab's own choice this intervention's transfers hang on (``"punish"``,
        ``"reward"``, ``"pledge"``), which a population game may turn into strategies
        (:mod:`coopsim.policy.population`); ``None`` when no lab chooses anything."""
        return None

    # Whether the choice decides whose match entries trigger the transfers (a punisher's, a
    # rewarder's) rather than which labs are bound by them (a pledge).
    choice_triggers: ClassVar[bool] = True

    def apply_choosing(self, rules: RoundRules, chosen: np.ndarray) -> None:
        """Change this round's rules as if exactly the labs with ``chosen[lab]`` made the
        choice. When the choice triggers the transfers, gating them by the actor is the
        caller's job and this is :meth:`apply`; otherwise subclasses bind the chosen labs."""
        self.apply(rules)

    def does_nothing(self, scenario: Scenario) -> str | None:
        """Why this intervention cannot change anything in ``scenario`` (``None`` if it can).
        Subclasses add the reasons their own settings give."""
        rounds = scenario.dynamics.rounds
        if self.spec.start >= rounds:
            return f"its window opens at round {self.spec.start}, but the run has only {rounds} rounds"
        return None


INTERVENTIONS = Registry("intervention")


def make_intervention(spec: InterventionBase) -> Intervention:
    """The intervention object for a validated scenario spec."""
    return INTERVENTIONS[spec.type](spec)


def highest_observability(scenario: Scenario) -> float:
    """The highest observability any round of ``scenario`` can have: the scenario's own, raised
    by whatever its interventions do to it (windows ignored). Sanctions that need a sighting
    cannot act when it is 0."""
    rules = base_rules(scenario, np.zeros((1, 2, 2)), np.zeros((1, 2, 2)))
    for spec in scenario.interventions:
        make_intervention(spec).apply(rules)
    return rules.observability
