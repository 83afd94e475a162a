"""A sweep plan: the grid of scenario overrides, validated up front, and its tasks.

A task is one replicate of one variant at one grid point, and computes the measures the
scenario's payoff model declares (:mod:`coopsim.sweep.task`). A model whose measures are exact
(``measure_exact``: closed forms, stationary distributions) is computed once per grid point and
variant: its plans have one replicate whatever was asked. A task's seed is
``SeedSequence([scenario.seed, point, variant, replicate])``: it depends only on the scenario seed
and the task's grid position, so serial, local-parallel and Dask runs give identical results.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
from dataclasses import dataclass
from typing import Any

from coopsim.scenario import budget
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import ScenarioError, resolve_variants, with_overrides


@dataclass(frozen=True)
class Task:
    """One simulation to run: everything a worker needs, picklable."""

    key: str
    point: int
    variant_index: int
    variant: str
    replicate: int
    parameters: tuple[tuple[str, Any], ...]
    scenario_json: str  # the resolved variant scenario

    def seed_entropy(self, base_seed: int) -> list[int]:
        """The SeedSequence entropy of this task."""
        return [base_seed, self.point, self.variant_index, self.replicate]


@dataclass(frozen=True)
class SweepPlan:
    """The validated grid of a sweep and its tasks."""

    scenario: Scenario
    parameters: dict[str, list[Any]]
    replicates: int
    points: list[dict[str, Any]]
    tasks: list[Task]

    @property
    def model(self) -> type:
        """The scenario's payoff model (:class:`coopsim.games.base.GameModel`)."""
        from coopsim.games import game_model

        return game_model(self.scenario)

    @property
    def measures(self) -> tuple:
        """What every task measures (the model's :class:`~coopsim.games.base.Measure` s)."""
        return self.model.measures

    @property
    def exact(self) -> bool:
        """Whether the measures are exact, computed once per grid point and variant."""
        return self.model.measure_exact

    @property
    def fingerprint(self) -> str:
        """Identifies the plan: results of another plan are never mixed into this one."""
        data = {
            "scenario": self.scenario.model_dump(mode="json"),
            "parameters": self.parameters,
            "replicates": self.replicates,
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:12]


def build_plan(
    scenario: Scenario,
    source: str,
    overrides: dict[str, list[Any]] | None = None,
    replicates: int | None = None,
) -> SweepPlan:
    """Combine the scenario's `sweep:` grid with command-line overrides, validate every grid
    point as a scenario, and list the tasks. Raises ScenarioError naming the bad path."""
    settings = scenario.sweep
    parameters = dict(settings.parameters) if settings else {}
    parameters.update(overrides or {})
    if not parameters:
        raise ScenarioError(
            source, "nothing to sweep: add `sweep: {parameters: {...}}` or use --set PATH=VALUES",
            field="sweep.parameters",
        )
    for path, values in parameters.items():
        if not isinstance(values, list) or not values:
            raise ScenarioError(source, "give a non-empty list of values", field=f"sweep.parameters.{path}")
    if replicates is None:
        replicates = (settings.replicates if settings and settings.replicates else None) or (
            scenario.dynamics.replicates
        )
    points = math.prod(len(values) for values in parameters.values())
    if points > budget.MAX_GRID_POINTS:
        raise ScenarioError(source, budget.sweep_excess(points), field="sweep.parameters")
    grid = [dict(zip(parameters, values)) for values in itertools.product(*parameters.values())]
    return plan_points(scenario, source, parameters, grid, replicates)


def plan_points(
    scenario: Scenario,
    source: str,
    parameters: dict[str, list[Any]],
    grid: list[dict[str, Any]],
    replicates: int,
) -> SweepPlan:
    """A plan over an explicit list of grid points (each a path -> value assignment), refused
    (ScenarioError) as soon as its estimated compute exceeds the sweep limits."""
    from coopsim.games import game_model

    model = game_model(scenario)
    if not model.provides("measure"):
        raise ScenarioError(source, f"the {scenario.game.model} model declares nothing to measure "
                            "at a grid point", field="game.model")
    if model.measure_exact:
        replicates = 1
    too_many = budget.sweep_excess(len(grid))
    if too_many:
        raise ScenarioError(source, too_many, field="sweep.parameters")
    base = scenario.model_copy(update={"sweep": None})
    points, tasks, seconds = [], [], 0.0
    for point, assignment in enumerate(grid):
        try:
            grid_scenario = with_overrides(base, assignment, source)
        except ScenarioError as exc:
            where = ", ".join(f"{k}={v!r}" for k, v in assignment.items())
            raise ScenarioError(source, f"{exc.message} (grid point {where})", exc.line, exc.field) from None
        points.append(assignment)
        variants = resolve_variants(grid_scenario, source)
        seconds += sum(_seconds(model, v, replicates) for v in variants.values())
        # Checked as the plan grows, so a hopeless sweep is refused before its tasks are listed.
        too_much = budget.sweep_excess(
            len(grid), len(tasks) + len(variants) * replicates, seconds, planned=point + 1
        )
        if too_much:
            raise ScenarioError(source, too_much, field="sweep.parameters")
        for variant_index, (name, variant) in enumerate(variants.items()):
            variant_json = variant.model_dump_json()
            for replicate in range(replicates):
                tasks.append(
                    Task(
                        key=f"{point}/{variant_index}/{replicate}",
                        point=point,
                        variant_index=variant_index,
                        variant=name,
                        replicate=replicate,
                        parameters=tuple((p, assignment.get(p)) for p in parameters),
                        scenario_json=variant_json,
                    )
                )
    return SweepPlan(scenario, parameters, replicates, points, tasks)


def _seconds(model: type, variant: Scenario, replicates: int) -> float:
    """Estimated compute of one grid point of one variant: the iterated runs, or for exact
    measures the evolutionary analysis (if the model has one; closed forms cost nothing)."""
    if not model.measure_exact:
        return budget.iterated_run(variant, replicates).seconds
    estimate = budget.evolution(variant)
    return estimate.seconds if estimate is not None else 0.0
