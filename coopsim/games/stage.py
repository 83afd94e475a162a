"""What the 2x2 stage-game models (five factors, explicit matrix) share: the labs with their
resolved payoffs, the one-shot solution, and the repeated game a population plays.

A model built on :class:`StageGameModel` only says how a lab's own payoffs follow from the
scenario (``stage_game``) and which symmetric game a population of identical labs plays
(``symmetric_stage``); the analyses (one-shot, iterated, phase, sensitivity, evolution) do the
rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from coopsim.games.base import GameModel, PopulationGame
from coopsim.theory.stage_game import Lab, Payoffs

if TYPE_CHECKING:
    from coopsim.scenario.spec import EvolutionSettings, Scenario


def expand_labs(scenario: Scenario) -> list[Lab]:
    """Every lab of the scenario with resolved payoffs (lab overrides over `game`), after
    expanding ``count``; raises ``ValueError`` if the game has no 2x2 stage game."""
    from coopsim.games import game_model

    model = game_model(scenario)
    if not model.provides("stage_game"):
        raise ValueError(f"the {scenario.game.model} model has no 2x2 stage game")
    labs: list[Lab] = []
    for index, spec in enumerate(scenario.labs):
        true = model.stage_game(scenario, spec, index)
        perceived = true
        if spec.perceived is not None:
            beliefs = {**true.factors(), **spec.perceived.model_dump(exclude_none=True)}
            perceived = Payoffs.from_factors(**beliefs)
        trust = spec.trust if spec.trust is not None else scenario.game.trust
        for copy in range(spec.count):
            name = spec.name if spec.count == 1 else f"{spec.name} {copy + 1}"
            labs.append(Lab(name, spec.name, trust, true, perceived, spec.strategy))
    return labs


def _solve(scenario: Scenario, source: str = "<scenario>") -> dict[str, Any]:
    from coopsim.analyses.oneshot import analyse_with_policies

    return analyse_with_policies(scenario)


def _solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
    from coopsim.analyses.oneshot_text import oneshot_markdown

    return oneshot_markdown(solution)


def _repeated_game_text(result: dict[str, Any]) -> list[str]:
    from coopsim.analyses.oneshot_text import fmt

    stage = result["stage_game"]
    return ["", f"Stage game R = {fmt(stage['R'])}, S = {fmt(stage['S'])}, "
            f"T = {fmt(stage['T'])}, P = {fmt(stage['P'])}, repeated over "
            f"{fmt(result['rounds'])} rounds."]


class StageGameModel(GameModel):
    """Base of the models with a 2x2 stage game (see the module docstring)."""

    solution_title: ClassVar[str] = "The one-shot game"
    solve = staticmethod(_solve)
    solution_markdown = staticmethod(_solution_markdown)
    evolution_lines = staticmethod(_repeated_game_text)

    @staticmethod
    def stage_payoffs(values: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
        """(R, S, T, P) from the model's own payoff fields by name (scalars or arrays; a phase
        diagram passes grids)."""
        raise NotImplementedError

    @staticmethod
    def symmetric_stage(scenario: Scenario, source: str) -> tuple[Payoffs, list[str]]:
        """The stage game a population of identical labs plays, and notes on what was assumed."""
        raise NotImplementedError

    @classmethod
    def population_game(  # type: ignore[override]
        cls, scenario: Scenario, settings: EvolutionSettings, source: str
    ) -> PopulationGame:
        """AllC, AllD and TFT in the stage game repeated over ``evolution.rounds`` rounds.

        Expected stage payoffs with the scenario's incidents and interventions in force (as in
        the policy section of `coopsim solve`)."""
        import numpy as np

        from coopsim.analyses.evolution import choose_strategies
        from coopsim.policy.expected import effective_payoffs
        from coopsim.theory import evolution as ev

        base, notes = cls.symmetric_stage(scenario, source)
        effective = effective_payoffs(base, scenario)
        if effective != base:
            notes.append(
                "stage payoffs are expected values with the scenario's incidents and "
                "interventions in force"
            )
        stage = {"R": effective.R, "S": effective.S, "T": effective.T, "P": effective.P}
        strategies = choose_strategies(settings.strategies, ev.REPEATED_GAME_STRATEGIES, source)
        full = ev.repeated_game_matrix(stage["R"], stage["S"], stage["T"], stage["P"], settings.rounds)
        index = [ev.REPEATED_GAME_STRATEGIES.index(s) for s in strategies]
        return PopulationGame(
            strategies=strategies,
            matrix=full[np.ix_(index, index)],
            notes=notes,
            extras={"stage_game": stage, "rounds": settings.rounds},
        )
