"""Accurate beliefs (paper strategy 1: promote accurate beliefs about the benefits of
cooperation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase
from coopsim.scenario.base import Probability

if TYPE_CHECKING:
    from coopsim.abm.model import LabModel


@INTERVENTIONS.register("accurate_beliefs")
class AccurateBeliefs(Intervention):
    """Moves every lab's perceived payoffs toward its true payoffs at the start of each active
    round: perceived <- perceived + rate * (true - perceived), so after k rounds a perception
    gap is (1 - rate)^k of what it was. The correction lasts after the intervention ends. It
    changes decisions of trust_best_response labs (the others learn from realised payoffs), not
    the true payoffs."""

    paper_strategy = 1
    levers = ("rate",)
    lasting = True

    class Spec(InterventionBase):
        """Moves labs' perceived payoffs toward the true payoffs each round."""

        rate: Probability = Field(description="Share of the perception gap closed per round.")

    def begin_round(self, model: LabModel) -> None:
        gap = model.true_payoffs - model.perceived_payoffs
        model.perceived_payoffs += self.spec.rate * gap

    def does_nothing(self, scenario):
        if self.spec.rate == 0:
            return "its rate is 0"
        if all(lab.perceived is None for lab in scenario.labs):
            return "no lab misjudges its payoffs (no lab sets `perceived`)"
        return super().does_nothing(scenario)
