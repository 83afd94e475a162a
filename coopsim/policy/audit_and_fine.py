"""Audits and fines (paper strategy 4: penalise unsafe behaviour, enforced by the oversight of
strategy 3)."""

from __future__ import annotations

from pydantic import Field

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase, RoundRules
from coopsim.scenario.base import NonNegative, Probability


@INTERVENTIONS.register("audit_and_fine")
class AuditAndFine(Intervention):
    """Audits of every match: each defection is detected with probability d
    (``detection_probability``) and the defector pays the ``fine`` f to the public purse.

    Expected effect: T and P fall by d*f. Defecting stops paying, whatever the partner does, when
    d*f > max(T - R, P - S). Several audits stack: each audits independently."""

    paper_strategy = 4
    levers = ("detection_probability", "fine")

    class Spec(InterventionBase):
        """Audits detect defection with some probability; detected defectors are fined."""

        detection_probability: Probability = Field(description="Chance an audit detects a defection.")
        fine: NonNegative = Field(description="Fine paid per detected defection.")

    def apply(self, rules: RoundRules) -> None:
        rules.audits.append((self.spec.detection_probability, self.spec.fine))

    def does_nothing(self, scenario):
        if self.spec.detection_probability * self.spec.fine == 0:
            return "its expected fine (detection_probability x fine) is 0"
        return super().does_nothing(scenario)
