"""Evolutionary dynamics over any payoff model that provides a population game: what `coopsim
evolve` reports, as JSON-ready data, words and charts.

The mathematics is :mod:`coopsim.theory.evolution`; the game comes from the scenario's model
(:meth:`coopsim.games.base.GameModel.population_game`): a payoff matrix between strategies
(pairwise encounters) or group fitness functions (races of N labs). Reported: fixation
probabilities and the stationary distribution in the small-mutation limit, pairwise risk
dominance, and infinite-population replicator dynamics (matrix games). Strategy names and
meanings come from the strategy registries (:func:`coopsim.abm.race.population_strategies`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from coopsim.games import game_model
from coopsim.games.base import PopulationGame
from coopsim.scenario.loading import ScenarioError, resolve_variants
from coopsim.scenario.spec import EvolutionSettings, Scenario
from coopsim.theory import evolution as ev

REPLICATOR_POINTS = 201


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays unwrapped, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _strategy_error(source: str, message: str) -> ScenarioError:
    return ScenarioError(source, message, field="evolution.strategies")


def choose_strategies(requested: list[str] | None, available: tuple[str, ...], source: str) -> tuple[str, ...]:
    """The requested subset of ``available`` in canonical spelling, in the order given; a
    strategy may be named by its short name (any case) or its type (``tit_for_tat``)."""
    if requested is None:
        return available
    from coopsim.abm.race import population_strategies

    aliases = {}
    for short, cls in population_strategies().items():
        aliases[short.lower()] = aliases[cls.type] = short
    chosen: list[str] = []
    for name in requested:
        canonical = aliases.get(name.strip().lower())
        offered_by = getattr(population_strategies().get(canonical), "choice", None)
        if canonical not in available and offered_by is not None:
            raise _strategy_error(
                source, f"strategy {canonical} is about the {offered_by!r} choice, which no "
                "intervention in force in this scenario offers (see README, Races and evolution)"
            )
        if canonical not in available:
            raise _strategy_error(
                source, f"unknown strategy {name!r} for this game; choose from {', '.join(available)}"
            )
        if canonical in chosen:
            raise _strategy_error(source, f"strategy {canonical} is listed twice")
        chosen.append(canonical)
    if len(chosen) < 2:
        raise _strategy_error(source, "list at least two strategies to compare")
    return tuple(chosen)


def _log_fixations(game: PopulationGame, settings: EvolutionSettings) -> tuple[np.ndarray, dict[str, str]]:
    """Log fixation probabilities ``logs[a, b]`` (one ``b`` mutant among ``a``) and risk dominance."""
    names, Z, beta = game.strategies, settings.population, settings.selection_intensity
    logs = np.full((len(names),) * 2, -np.inf)
    if game.matrix is not None:
        analysis = ev.small_mutation_analysis(game.matrix, names, Z, beta, settings.fitness)
        for key, value in analysis.log_fixation.items():
            a, b = key.split("->")
            logs[names.index(a), names.index(b)] = value
        return logs, analysis.risk_dominance
    for a, resident in enumerate(names):
        for b, mutant in enumerate(names):
            if a != b:
                f_res, f_mut = game.group_fitness(resident, mutant, Z, settings.fitness)
                logs[a, b] = ev.fixation_probability_from_fitness(f_res, f_mut, beta).log_rho
    return logs, game.risk_dominance


def _summarise(names: tuple[str, ...], logs: np.ndarray, settings: EvolutionSettings,
               matrix: np.ndarray | None, risk_dominance: dict[str, str]) -> dict[str, Any]:
    Z = settings.population
    log_pi = ev.log_stationary_distribution(logs)
    pairs = [(a, b) for a in range(len(names)) for b in range(len(names)) if a != b]
    key = {(a, b): f"{names[a]}->{names[b]}" for a, b in pairs}
    return {
        "strategies": list(names),
        "stationary": {s: float(np.exp(lp)) for s, lp in zip(names, log_pi)},
        "fixation": {key[p]: float(np.exp(logs[p])) for p in pairs},
        "fixation_neutral_units": {key[p]: float(np.exp(logs[p] + np.log(Z))) for p in pairs},
        "payoff_matrix": None if matrix is None else matrix.tolist(),
        "population": Z,
        "selection_intensity": settings.selection_intensity,
        "fitness": settings.fitness,
        "log_fixation": {key[p]: float(logs[p]) for p in pairs},
        "log10_fixation_neutral_units": {
            key[p]: float((logs[p] + np.log(Z)) / np.log(10)) for p in pairs
        },
        "log_stationary": {s: float(lp) for s, lp in zip(names, log_pi)},
        "risk_dominance": risk_dominance,
        "most_abundant": names[int(np.argmax(log_pi))],
    }


def replicator(matrix: np.ndarray, strategies: tuple[str, ...]) -> dict[str, Any]:
    """Replicator dynamics (nashpy) from the uniform mixture until the shares settle.

    Time runs to ``50 / spread`` where ``spread`` is the range of the payoff matrix, so the
    trajectory covers the same number of "payoff differences" whatever the payoff scale."""
    n = len(strategies)
    spread = float(np.ptp(matrix))
    horizon = 50.0 / spread if spread > 0 else 1.0
    time = np.linspace(0.0, horizon, REPLICATOR_POINTS)
    start = np.full(n, 1.0 / n)
    shares = ev.replicator_dynamics(matrix, start, time)
    shares = np.clip(shares, 0.0, None)
    shares /= shares.sum(axis=1, keepdims=True)
    final = shares[-1]
    return {
        "start": {s: float(x) for s, x in zip(strategies, start)},
        "time": time.tolist(),
        "shares": {s: shares[:, i].tolist() for i, s in enumerate(strategies)},
        "final": {s: float(x) for s, x in zip(strategies, final)},
        "settled": bool(np.max(np.abs(shares[-1] - shares[-REPLICATOR_POINTS // 20])) < 1e-3),
    }


def population_game(scenario: Scenario, source: str = "<scenario>") -> PopulationGame:
    """The scenario's population game, or a clear error naming ``game.model``."""
    model = game_model(scenario)
    if not model.provides("population_game"):
        raise ScenarioError(source, f"the {scenario.game.model} model {model.no_population_game}",
                            field="game.model")
    return model.population_game(scenario, scenario.evolution or EvolutionSettings(), source)


def stationary(scenario: Scenario, source: str = "<scenario>") -> tuple[PopulationGame, dict[str, Any]]:
    """The scenario's population game and its small-mutation analysis (fixation probabilities,
    stationary distribution, risk dominance; no replicator dynamics), with
    ``stationary_safe_play``: the share of SAFE (cooperative) moves in the population, averaged
    over the stationary distribution of monomorphic states (``sum_X pi_X safe_X``, ``safe_X``
    the share of SAFE moves in a population of ``X`` alone)."""
    settings = scenario.evolution or EvolutionSettings()
    game = population_game(scenario, source)
    try:
        logs, risk = _log_fixations(game, settings)
    except ValueError as exc:
        raise ScenarioError(source, str(exc), field="evolution.population") from None
    result = _summarise(game.strategies, logs, settings, game.matrix, risk)
    if game.safe_share is not None:
        shares = np.array([result["stationary"][s] for s in game.strategies])
        result["stationary_safe_play"] = float(shares @ game.safe_share)
    return game, result


def evolve(scenario: Scenario, source: str = "<scenario>", variants: bool = True) -> dict[str, Any]:
    """Everything `coopsim evolve` reports, as JSON-ready data.

    The contract keys ``strategies``, ``stationary``, ``fixation`` (``"X->Y"``: a single ``Y``
    mutant fixating among ``X``), ``fixation_neutral_units`` (``rho * Z``) and ``payoff_matrix``,
    plus the settings, log-space values, pairwise risk dominance, the replicator trajectory, and
    the model's extras (DSAIR: the zone, the conditions and the thresholds in ``p_r``; stage
    games: the stage game and the rounds). With ``variants`` and a scenario that has variants,
    ``variants[name]`` holds the same analysis for every variant.

    Raises :class:`ScenarioError` (``field="evolution.strategies"``) for unknown or too few
    strategies, and (``field="game.model"``) for a model without a population game.
    """
    from coopsim.abm.race import population_strategies

    game, result = stationary(scenario, source)
    result["replicator"] = None if game.matrix is None else replicator(game.matrix, game.strategies)
    meanings = population_strategies()
    result = {
        "scenario": scenario.name,
        "model": scenario.game.model,
        **result,
        "strategy_meanings": {s: meanings[s].meaning for s in game.strategies},
        "notes": game.notes,
        **game.extras,
    }
    if variants and scenario.variants:
        result["variants"] = {
            name: evolve(variant, source, variants=False)
            for name, variant in resolve_variants(scenario, source).items()
        }
    return jsonable(result)


def charts(result: dict[str, Any], subtitle: str) -> dict[str, Any]:
    """The evolve result's charts by file name: stationary distribution with invasion diagram,
    replicator dynamics (matrix games), and the stationary distribution by variant."""
    from coopsim.analyses import evolve_findings as headlines
    from coopsim.charts import evolution as evolution_charts

    found = {"evolution-stationary-invasion": evolution_charts.stationary_invasion_chart(
        result, subtitle, headlines.stationary_headline(result))}
    if result.get("replicator"):
        found["evolution-replicator"] = evolution_charts.replicator_chart(
            result, subtitle, headlines.replicator_headline(result))
    if result.get("variants"):
        found["evolution-stationary-by-variant"] = evolution_charts.variant_stationary_chart(
            result, subtitle, headlines.variants_headline(result))
    return found
