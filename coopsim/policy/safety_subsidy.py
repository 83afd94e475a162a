"""Safety subsidies (paper strategy 4: reward safety work)."""

from __future__ import annotations

from pydantic import Field

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase, RoundRules
from coopsim.scenario.base import NonNegative


@INTERVENTIONS.register("safety_subsidy")
class SafetySubsidy(Intervention):
    """A public payment of ``amount`` a to a lab for every match in which it cooperates.

    Expected effect: R and S rise by a. Several subsidies add up."""

    paper_strategy = 4
    levers = ("amount",)

    class Spec(InterventionBase):
        """A public payment to a lab for every match in which it cooperates."""

        amount: NonNegative = Field(description="Subsidy per cooperating match.")

    def apply(self, rules: RoundRules) -> None:
        rules.subsidy += self.spec.amount

    def does_nothing(self, scenario):
        if self.spec.amount == 0:
            return "its amount is 0"
        return super().does_nothing(scenario)
