"""Transparency (paper strategy 3: open up to more oversight and transparency)."""

from __future__ import annotations

from pydantic import Field

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase, RoundRules
from coopsim.scenario.base import Probability


@INTERVENTIONS.register("transparency")
class Transparency(Intervention):
    """Oversight and transparency: a lab sees its partner's action with probability
    max(dynamics.observability, ``observability``), so trust is earned from evidence and
    defection is noticed. It changes what labs see, not the payoffs."""

    paper_strategy = 3
    levers = ("observability",)

    class Spec(InterventionBase):
        """Oversight and transparency: partners' actions become more observable."""

        observability: Probability = Field(description="Observability while active (never lowered).")

    def apply(self, rules: RoundRules) -> None:
        rules.observability = max(rules.observability, self.spec.observability)

    def does_nothing(self, scenario):
        base = scenario.dynamics.observability
        if self.spec.observability <= base:
            return (
                f"its observability {self.spec.observability:g} is not above "
                f"dynamics.observability {base:g}, so labs see no more than without it"
            )
        return super().does_nothing(scenario)
