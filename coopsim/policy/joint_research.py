"""Joint safety research (paper strategy 2: collaborate on research and engineering)."""

from __future__ import annotations

from coopsim.lazy_import import numpy as np
from pydantic import Field

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase, RoundRules
from coopsim.scenario.base import NonNegative
from coopsim.theory.stage_game import COOPERATE, DEFECT


@INTERVENTIONS.register("joint_research")
class JointResearch(Intervention):
    """Shared safety research: R rises by ``upside_increase`` and exposure (-S) falls by
    ``exposure_reduction``, floored at zero, on the *stage* payoffs (before incident costs, which
    research does not change):

        R' = R + upside_increase,    S' = min(S + exposure_reduction, 0) if S < 0 else S

    so S never becomes a gain and an S already >= 0 is unchanged. Labs know of the programme, so
    their perceived payoffs move the same way."""

    paper_strategy = 2
    levers = ("upside_increase", "exposure_reduction")

    class Spec(InterventionBase):
        """Shared safety research: raises the shared upside and lowers exposure."""

        upside_increase: NonNegative = Field(0.0, description="Added to shared_upside (R).")
        exposure_reduction: NonNegative = Field(
            0.0, description="Subtracted from exposure (floored at 0)."
        )

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

    def does_nothing(self, scenario):
        if self.spec.upside_increase == 0 and self.spec.exposure_reduction == 0:
            return "both upside_increase and exposure_reduction are 0"
        return super().does_nothing(scenario)
