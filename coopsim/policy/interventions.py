"""Policy interventions: a registry of small classes keyed by the scenario's ``type:`` names.

Each round the model starts from the scenario's rules (:class:`RoundRules`: the true and the
perceived stage payoffs of every lab, observability, who pays for incidents) and lets every
intervention active in that round (``start <= round < end``) change them, in scenario order.
Interventions overlap freely: audits stack (each audits independently), subsidies add up,
transparency takes the highest observability, joint research effects add up.

Each class names the strategy of Askell, Brundage & Hadfield (2019) it implements
(:data:`PAPER_STRATEGIES`), and every intervention has a public cost ``cost_per_round`` charged
to welfare in each round it is active.

Welfare accounting (per round)::

    welfare = sum of lab payoffs + fines collected - subsidies paid - public cost

Lab payoffs already include fines paid (minus), subsidies received (plus) and incident costs
(minus). Fines and subsidies are transfers between labs and the public purse, so they cancel:
welfare = sum of stage payoffs - incident costs - public cost of active interventions.

What labs know. Labs know the rules of the game they are in: trust_best_response labs decide on
their *perceived* stage payoffs plus the expected fines, subsidies and incident costs they would
bear (:meth:`RoundRules.decision_payoffs`). They may misjudge the five factors (``perceived``),
which only ``accurate_beliefs`` corrects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from coopsim.registry import registrar
from coopsim.theory.stage_game import COOPERATE, DEFECT
from coopsim.scenario.spec import InterventionBase

if TYPE_CHECKING:
    from coopsim.abm.model import LabModel

PAPER_STRATEGIES = {
    1: "promote accurate beliefs about the benefits of cooperation",
    2: "collaborate on research and engineering",
    3: "open up to more oversight and transparency",
    4: "incentivise adherence to high standards",
}


@dataclass
class RoundRules:
    """The rules of one round after the active interventions have acted.

    Payoff tables have shape (labs, 2, 2), indexed [lab, own action, partner's action] with
    cooperate = 0 and defect = 1, i.e. each lab's [[R, S], [T, P]]."""

    true: np.ndarray
    perceived: np.ndarray
    observability: float
    defector_pays: bool
    audits: list[tuple[float, float]] = field(default_factory=list)
    subsidy: float = 0.0
    public_cost: float = 0.0

    @property
    def expected_fine(self) -> float:
        """Expected fine per defection: the sum over active audits of detection x fine."""
        return sum(detection * fine for detection, fine in self.audits)

    def decision_payoffs(self, incident_cost: np.ndarray) -> np.ndarray:
        """The payoffs a lab expects from one match, by its own perception of the factors:

            perceived stage payoff - expected incident cost it bears (``incident_cost``, 2x2)
            + subsidy when it cooperates - expected fine when it defects."""
        table = self.perceived - incident_cost
        table[:, COOPERATE, :] += self.subsidy
        table[:, DEFECT, :] -= self.expected_fine
        return table


class Intervention:
    """One policy lever. Subclasses override :meth:`apply` (a change to one round's rules) or
    :meth:`begin_round` (a lasting change to the model's state), or both."""

    type: ClassVar[str]
    paper_strategy: ClassVar[int]
    lasting: ClassVar[bool] = False  # True when begin_round changes the model's state

    def __init__(self, spec: InterventionBase):
        self.spec = spec

    def active(self, round_index: int) -> bool:
        """Whether it acts in round ``round_index`` (0-based)."""
        return self.spec.active(round_index)

    def begin_round(self, model: LabModel) -> None:
        """Change the model's lasting state at the start of an active round (default: none)."""

    def apply(self, rules: RoundRules) -> None:
        """Change this round's rules (default: none)."""


INTERVENTIONS: dict[str, type[Intervention]] = {}

register = registrar(INTERVENTIONS)  # @register("type") adds a class to INTERVENTIONS


def make_intervention(spec: InterventionBase) -> Intervention:
    """The intervention object for a validated scenario spec."""
    return INTERVENTIONS[spec.type](spec)


@register("audit_and_fine")
class AuditAndFine(Intervention):
    """Audits of every match: each defection is detected with probability d
    (``detection_probability``) and the defector pays the ``fine`` f to the public purse.

    Expected effect: T and P fall by d*f. Defecting stops paying, whatever the partner does, when
    d*f > max(T - R, P - S). Paper strategy 4 (penalise unsafe behaviour), enforced by the
    oversight of strategy 3."""

    paper_strategy = 4

    def apply(self, rules: RoundRules) -> None:
        rules.audits.append((self.spec.detection_probability, self.spec.fine))


@register("safety_subsidy")
class SafetySubsidy(Intervention):
    """A public payment of ``amount`` a to a lab for every match in which it cooperates.

    Expected effect: R and S rise by a. Paper strategy 4 (reward safety work)."""

    paper_strategy = 4

    def apply(self, rules: RoundRules) -> None:
        rules.subsidy += self.spec.amount


@register("joint_research")
class JointResearch(Intervention):
    """Shared safety research: R rises by ``upside_increase`` and exposure (-S) falls by
    ``exposure_reduction``, floored at zero (S never becomes a gain; an S already >= 0 is
    unchanged). Labs know of the programme, so their perceived payoffs move the same way.
    Paper strategy 2 (collaborate on research and engineering)."""

    paper_strategy = 2

    def apply(self, rules: RoundRules) -> None:
        rules.true = self._improve(rules.true)
        rules.perceived = self._improve(rules.perceived)

    def _improve(self, table: np.ndarray) -> np.ndarray:
        improved = table.copy()
        improved[:, COOPERATE, COOPERATE] += self.spec.upside_increase
        sucker = table[:, COOPERATE, DEFECT]
        reduced = np.minimum(sucker + self.spec.exposure_reduction, 0.0)
        improved[:, COOPERATE, DEFECT] = np.where(sucker < 0, reduced, sucker)
        return improved


@register("transparency")
class Transparency(Intervention):
    """Oversight and transparency: a lab sees its partner's action with probability
    max(dynamics.observability, ``observability``), so trust is earned from evidence and
    defection is noticed. Paper strategy 3 (open up to oversight and transparency)."""

    paper_strategy = 3

    def apply(self, rules: RoundRules) -> None:
        rules.observability = max(rules.observability, self.spec.observability)


@register("accurate_beliefs")
class AccurateBeliefs(Intervention):
    """Moves every lab's perceived payoffs toward its true payoffs at the start of each active
    round: perceived <- perceived + rate * (true - perceived), so after k rounds a perception
    gap is (1 - rate)^k of what it was. The correction lasts after the intervention ends. It
    changes decisions of trust_best_response labs (the others learn from realised payoffs).
    Paper strategy 1 (promote accurate beliefs about the benefits of cooperation)."""

    paper_strategy = 1
    lasting = True

    def begin_round(self, model: LabModel) -> None:
        gap = model.true_payoffs - model.perceived_payoffs
        model.perceived_payoffs += self.spec.rate * gap


@register("liability")
class Liability(Intervention):
    """The defector pays the full cost of every incident it causes, even when
    ``dynamics.incidents.borne_by`` is 'all'. Expected effect: T and P fall by q*C instead of
    S, T falling by q*C/N and P by 2*q*C/N. Paper strategy 4 (penalise unsafe behaviour)."""

    paper_strategy = 4

    def apply(self, rules: RoundRules) -> None:
        rules.defector_pays = True
