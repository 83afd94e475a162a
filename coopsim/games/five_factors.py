"""The five-factor stage game of Askell, Brundage & Hadfield (2019), the default payoff model.

Payoffs per round, relative to the status quo, costs as positive numbers::

    R = shared_upside, T = advantage, S = -exposure, P = -shared_downside

Labs may set their own factors (and biased beliefs about them) over the game's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from coopsim.games.base import register
from coopsim.games.base import trust_field
from coopsim.games.stage import StageGameModel
from coopsim.scenario.base import NonNegative, Probability, Strict
from coopsim.theory.stage_game import Payoffs

if TYPE_CHECKING:
    from coopsim.scenario.spec import LabSpec, Scenario

FACTORS = ("shared_upside", "advantage", "exposure", "shared_downside")


class FiveFactorGame(Strict):
    """The default stage game, parameterised by the paper's five factors."""

    model: Literal["five_factors"] = Field(
        "five_factors", description="Payoff model: the five factors of Askell et al. (2019)."
    )
    trust: Probability = trust_field()
    shared_upside: float = Field(
        title="Shared upside (payoff per round when both cooperate)",
        description="R: payoff per round to each lab when both cooperate (develop responsibly), "
        "relative to the status quo. Higher = more shared upside."
    )
    advantage: float = Field(
        title="Advantage (payoff per round from defecting on a cooperator)",
        description="T: payoff per round to a lab that defects (cuts corners) while the other "
        "cooperates. Lower = less advantage from defecting."
    )
    exposure: NonNegative = Field(
        title="Exposure (cost per round of cooperating with a defector)",
        description="Cost per round to a lab that cooperates while the other defects "
        "(S = -exposure). A positive number; lower = less exposure."
    )
    shared_downside: NonNegative = Field(
        title="Shared downside (cost per round when both defect)",
        description="Cost per round to each lab when both defect (P = -shared_downside). "
        "A positive number; higher = more shared downside."
    )


@register("five_factors")
class FiveFactors(StageGameModel):
    """Five factors; labs may override them."""

    spec = FiveFactorGame
    lab_factors = True
    sensitivity_factors = ("trust", *FACTORS)

    @staticmethod
    def stage_game(scenario: Scenario, lab: LabSpec, index: int) -> Payoffs:
        game = scenario.game
        factors = {name: getattr(game, name) for name in FACTORS}
        return Payoffs.from_factors(**{**factors, **lab.payoff_overrides()})

    @staticmethod
    def stage_payoffs(values: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
        import numpy as np

        return (values["shared_upside"], -np.asarray(values["exposure"]), values["advantage"],
                -np.asarray(values["shared_downside"]))

    @staticmethod
    def symmetric_stage(scenario: Scenario, source: str) -> tuple[Payoffs, list[str]]:
        game = scenario.game
        notes = []
        if any(lab.payoff_overrides() or lab.perceived is not None for lab in scenario.labs):
            notes.append(
                "labs' own payoff factors are ignored: the population consists of identical labs "
                "with the game's factors"
            )
        return Payoffs.from_factors(**{name: getattr(game, name) for name in FACTORS}), notes

    @staticmethod
    def describe(scenario: Scenario) -> list[str]:
        from coopsim.analyses.oneshot_text import fmt

        game = scenario.game
        return [
            f"Payoffs per round, relative to the status quo: shared upside {fmt(game.shared_upside)} "
            f"when both labs develop responsibly, advantage {fmt(game.advantage)} for cutting corners "
            f"against a responsible rival, exposure {fmt(game.exposure)} for being responsible against "
            f"a corner-cutter, shared downside {fmt(game.shared_downside)} when both cut corners. "
            f"Labs trust each other to cooperate with probability {fmt(game.trust)} unless stated.",
            "",
        ]
