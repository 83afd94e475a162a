"""What sweep tasks compute: each replicate's summary metrics (runs in a worker process).

Tasks are run in groups (:func:`run_tasks`) through the batched engine
(:func:`coopsim.abm.batch.run_batch`); a task's result depends only on its scenario, seed and
plan, never on which tasks it was grouped with.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.abm.batch import run_batch
from coopsim.abm.runner import long_run_rounds
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import Task

METRICS = ("long_run_cooperation", "cumulative_incidents", "welfare")


def run_tasks(tasks: list[Task], base_seed: int) -> list[dict[str, Any]]:
    """Simulate the tasks' replicates as batches and return their rows of the sweep table."""
    parsed: dict[str, Scenario] = {}  # replicates of a point share one scenario (and its rules)
    for task in tasks:
        if task.scenario_json not in parsed:
            parsed[task.scenario_json] = Scenario.model_validate_json(task.scenario_json)
    scenarios = [parsed[task.scenario_json] for task in tasks]
    entropies = [task.seed_entropy(base_seed) for task in tasks]
    records = run_batch(scenarios, [np.random.SeedSequence(e) for e in entropies], labs=False)
    rows = []
    for task, scenario, entropy, run in zip(tasks, scenarios, entropies, records):
        cooperation = run.model["cooperation_rate"]
        tail = long_run_rounds(cooperation.size, scenario.dynamics.long_run_fraction)
        rows.append({
            "key": task.key,
            "point": task.point,
            **dict(task.parameters),
            "variant": task.variant,
            "replicate": task.replicate,
            "seed": "-".join(map(str, entropy)),
            "long_run_cooperation": float(cooperation[-tail:].mean()),
            "cumulative_incidents": float(run.model["incidents"].sum()),
            "welfare": float(run.model["welfare"].sum()),
        })
    return rows


def run_task(task: Task, base_seed: int) -> dict[str, Any]:
    """Simulate one replicate and return its row of the sweep table."""
    return run_tasks([task], base_seed)[0]
