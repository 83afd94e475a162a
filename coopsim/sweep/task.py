"""What sweep tasks compute: the model's measures at one grid point (runs in a worker).

The scenario's payoff model says what it measures (:attr:`coopsim.games.base.GameModel.measures`)
and computes it: ``measure`` for one task, ``measure_batch`` for a group (the lab model plays a
group's replicates as one batch on the batched engine, :func:`coopsim.abm.batch.run_batch`; models
with exact outputs compute each grid point once). A task's result depends only on its scenario,
seed and plan, never on which tasks it was grouped with: :func:`run_task` and :func:`run_tasks`
give the same row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.games import game_model
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import Task


def _row(task: Task, entropy: list[int], model, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": task.key,
        "point": task.point,
        **dict(task.parameters),
        "variant": task.variant,
        "replicate": task.replicate,
        "seed": "-".join(map(str, entropy)),
        **{m.name: values[m.name] for m in model.measures},
    }


def run_task(task: Task, base_seed: int) -> dict[str, Any]:
    """Compute one task (the lab model: one replicate on the Mesa model, the reference) and
    return its row of the sweep table."""
    scenario = Scenario.model_validate_json(task.scenario_json)
    entropy = task.seed_entropy(base_seed)
    model = game_model(scenario)
    values = model.measure(scenario, task.variant, task.replicate, np.random.SeedSequence(entropy))
    return _row(task, entropy, model, values)


def run_tasks(tasks: list[Task], base_seed: int) -> list[dict[str, Any]]:
    """Compute a group of tasks, each model's tasks together (``measure_batch``), and return
    their rows of the sweep table in the order given."""
    parsed: dict[str, Scenario] = {}  # replicates of a point share one scenario (and its rules)
    for task in tasks:
        if task.scenario_json not in parsed:
            parsed[task.scenario_json] = Scenario.model_validate_json(task.scenario_json)
    scenarios = [parsed[task.scenario_json] for task in tasks]
    entropies = [task.seed_entropy(base_seed) for task in tasks]
    by_model: dict[type, list[int]] = {}
    for k, scenario in enumerate(scenarios):
        by_model.setdefault(game_model(scenario), []).append(k)
    rows: list[dict[str, Any] | None] = [None] * len(tasks)
    for model, members in by_model.items():
        values = model.measure_batch([scenarios[k] for k in members],
                                     [np.random.SeedSequence(entropies[k]) for k in members])
        for k, value in zip(members, values):
            rows[k] = _row(tasks[k], entropies[k], model, value)
    return rows
