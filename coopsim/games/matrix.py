"""An explicit 2x2 payoff matrix: symmetric R, S, T, P, or a full bimatrix for two labs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, model_validator

from coopsim.games.base import register
from coopsim.games.base import trust_field
from coopsim.games.stage import StageGameModel
from coopsim.scenario.base import Probability, Strict
from coopsim.theory.stage_game import Payoffs

if TYPE_CHECKING:
    from coopsim.scenario.spec import LabSpec, Scenario

Matrix2x2 = Annotated[
    list[Annotated[list[float], Field(min_length=2, max_length=2)]],
    Field(min_length=2, max_length=2),
]


class Bimatrix(Strict):
    """A full 2x2 bimatrix; rows are the row lab's action, columns the column lab's (C, D)."""

    row: Matrix2x2 = Field(
        description="Row lab's payoffs [[CC, CD], [DC, DD]] (its action first)."
    )
    column: Matrix2x2 = Field(
        description="Column lab's payoffs [[CC, CD], [DC, DD]] indexed by (row action, column "
        "action), as in nashpy."
    )


class MatrixGame(Strict):
    """An explicit payoff matrix: symmetric R/S/T/P, or a full bimatrix."""

    model: Literal["matrix"] = Field(description="Payoff model: an explicit payoff matrix.")
    trust: Probability = trust_field()
    R: float | None = Field(None, description="Reward: payoff to each lab when both cooperate.")
    S: float | None = Field(None, description="Sucker's payoff: cooperating against a defector.")
    T: float | None = Field(None, description="Temptation: defecting against a cooperator.")
    P: float | None = Field(None, description="Punishment: payoff to each lab when both defect.")
    bimatrix: Bimatrix | None = Field(
        None, description="A full bimatrix for two asymmetric labs (instead of R/S/T/P)."
    )

    @model_validator(mode="after")
    def _one_form(self) -> MatrixGame:
        given = [v is not None for v in (self.R, self.S, self.T, self.P)]
        if self.bimatrix is not None and any(given):
            raise ValueError("give either R/S/T/P or bimatrix, not both")
        if self.bimatrix is None and not all(given):
            raise ValueError("give all four of R, S, T, P (or a bimatrix)")
        return self


@register("matrix")
class Matrix(StageGameModel):
    """R, S, T, P given directly (or a bimatrix for two asymmetric labs)."""

    spec = MatrixGame

    @staticmethod
    def stage_game(scenario: Scenario, lab: LabSpec, index: int) -> Payoffs:
        import numpy as np

        game = scenario.game
        if game.bimatrix is None:
            return Payoffs(R=game.R, S=game.S, T=game.T, P=game.P)
        own = np.array(game.bimatrix.row if index == 0 else np.array(game.bimatrix.column).T)
        return Payoffs(R=own[0, 0], S=own[0, 1], T=own[1, 0], P=own[1, 1])

    @staticmethod
    def stage_payoffs(values: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
        return values["R"], values["S"], values["T"], values["P"]

    @staticmethod
    def symmetric_stage(scenario: Scenario, source: str) -> tuple[Payoffs, list[str]]:
        import numpy as np

        from coopsim.scenario.loading import ScenarioError

        game = scenario.game
        if game.bimatrix is None:
            return Payoffs(R=game.R, S=game.S, T=game.T, P=game.P), []
        row, column = np.array(game.bimatrix.row), np.array(game.bimatrix.column)
        if not np.allclose(row, column.T):
            raise ScenarioError(
                source,
                "evolve needs a symmetric game (column = row transposed); give R, S, T, P",
                field="game.bimatrix",
            )
        return Payoffs(R=row[0, 0], S=row[0, 1], T=row[1, 0], P=row[1, 1]), []

    @staticmethod
    def check(scenario: Scenario) -> None:
        if scenario.game.bimatrix is not None and scenario.lab_count() != 2:
            raise ValueError("a bimatrix game needs exactly two labs")

    @staticmethod
    def describe(scenario: Scenario) -> list[str]:
        return ["The stage game is an explicit payoff matrix (see the one-shot game below).", ""]
