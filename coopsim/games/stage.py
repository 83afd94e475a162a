"""What the 2x2 stage-game models (five factors, explicit matrix) share: the labs with their
resolved payoffs, the one-shot solution, and the repeated game a population plays.

A model built on :class:`StageGameModel` only says how a lab's own payoffs follow from the
scenario (``stage_game``) and which symmetric game a population of identical labs plays
(``symmetric_stage``); the analyses (one-shot, iterated, phase, sensitivity, evolution) do the
rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from coopsim.games.base import GameModel, Measure, PhaseMap, PopulationGame
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


SIMULATED_MEASURES = (
    Measure("long_run_cooperation", "long-run cooperation (share of choices)", (0.0, 1.0), ranked=True),
    Measure("cumulative_incidents", "incidents over the run (count)", (0.0, None)),
    Measure("welfare", "welfare over the run (payoff units)", (None, None), ranked=True),
)


# The one-shot game's maps over two factors (the phase table of coopsim.analyses.phase).
STAGE_PHASE_MAPS = {
    "game-class": PhaseMap("game_class", "Game class"),
    "equilibria": PhaseMap("equilibria", "Nash equilibria of the one-shot game"),
    "cooperation-rational": PhaseMap("cooperation_rational", "{row_lab}'s best response"),
}


def _measure(scenario: Scenario, variant: str, replicate: int, seed: Any) -> dict[str, float]:
    """One replicate of the iterated lab model on the Mesa model: long-run cooperation (mean
    cooperation rate over the last ``dynamics.long_run_fraction`` of the rounds), incidents and
    welfare over the run, exactly as the run's summary computes them
    (:func:`coopsim.abm.runner.run_measures`)."""
    from coopsim.abm.runner import run_measures, simulate_one

    rounds = simulate_one(scenario, variant, replicate, seed).rounds
    return run_measures(rounds["cooperation_rate"].to_numpy(), rounds["incidents"].to_numpy(),
                        rounds["welfare"].to_numpy(), scenario.dynamics.long_run_fraction)


def _measure_batch(scenarios: list[Scenario], seeds: list) -> list[dict[str, float]]:
    """:func:`_measure` of many runs, played together on the batched engine (same values)."""
    from coopsim.abm.batch import run_batch
    from coopsim.abm.runner import run_measures

    records = run_batch(scenarios, seeds, labs=False)
    return [run_measures(run.model["cooperation_rate"], run.model["incidents"], run.model["welfare"],
                         scenario.dynamics.long_run_fraction)
            for scenario, run in zip(scenarios, records)]


def _phase(scenario: Scenario, x: Any, y: Any, source: str) -> Any:
    from coopsim.analyses.phase import check_axes, phase_grid

    check_axes(scenario, [x, y], source)
    return phase_grid(scenario, x, y)


class StageGameModel(GameModel):
    """Base of the models with a 2x2 stage game (see the module docstring)."""

    solution_title: ClassVar[str] = "The one-shot game"
    solve = staticmethod(_solve)
    solution_markdown = staticmethod(_solution_markdown)
    evolution_lines = staticmethod(_repeated_game_text)
    measures = SIMULATED_MEASURES
    measure = staticmethod(_measure)
    phase = staticmethod(_phase)

    @classmethod
    def measure_batch(cls, scenarios: list, seeds: list) -> list[dict[str, float]]:
        return _measure_batch(scenarios, seeds)
    phase_maps = STAGE_PHASE_MAPS

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
        """AllC, AllD and TFT in the stage game repeated over ``evolution.rounds`` rounds, and
        the choice strategies (PS, RS, COM, FC; :mod:`coopsim.policy.population`) that the
        scenario's interventions offer, when ``evolution.strategies`` lists them.

        Expected stage payoffs with the scenario's incidents and interventions in force (as in
        the policy section of `coopsim solve`), except the interventions whose choice a listed
        strategy makes: their transfers are paid by and to the strategies that make it."""
        import numpy as np

        from coopsim.analyses.evolution import choose_strategies
        from coopsim.policy import population
        from coopsim.policy.expected import effective_payoffs
        from coopsim.theory import evolution as ev

        base, notes = cls.symmetric_stage(scenario, source)
        names = ev.REPEATED_GAME_STRATEGIES
        if settings.strategies is None:
            strategies = names
        else:
            strategies = choose_strategies(settings.strategies, population.available(scenario, names), source)
        effective = effective_payoffs(base, population.unchosen(scenario, strategies))
        if effective != base:
            notes.append(
                "stage payoffs are expected values with the scenario's incidents and "
                "interventions in force"
            )
        stage = {"R": effective.R, "S": effective.S, "T": effective.T, "P": effective.P}
        full = ev.repeated_game_matrix(stage["R"], stage["S"], stage["T"], stage["P"], settings.rounds)
        game = population.BaseGame(names, full, ev.repeated_game_profiles(settings.rounds),
                                   base.matrix())
        if population.choices_made(strategies):
            matrix = population.payoff_matrix(scenario, strategies, game)
            notes.append(population.CHOICE_NOTE)
        else:
            index = [names.index(s) for s in strategies]
            matrix = full[np.ix_(index, index)]
        return PopulationGame(
            strategies=strategies,
            matrix=matrix,
            notes=notes,
            extras={"stage_game": stage, "rounds": settings.rounds},
            safe_share=population.safe_share(strategies, game),
        )
