"""What sweep tasks compute: each replicate's summary metrics (runs in a worker process).

:func:`run_tasks` plays a group of tasks through the batched engine
(:func:`coopsim.abm.batch.run_batch`); :func:`run_task` plays one task on the Mesa model, the
reference, and gives the same row. A task's result depends only on its scenario, seed and plan,
never on which tasks it was grouped with.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.abm.batch import run_batch
from coopsim.abm.runner import long_run_rounds, simulate_one
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import Task

METRICS = ("long_run_cooperation", "cumulative_incidents", "welfare")


def summary_row(task: Task, scenario: Scenario, entropy: list[int], cooperation: np.ndarray,
                incidents: np.ndarray, welfare: np.ndarray) -> dict[str, Any]:
    """A task's row of the sweep table from its per-round cooperation_rate, incidents, welfare."""
    tail = long_run_rounds(cooperation.size, scenario.dynamics.long_run_fraction)
    return {
        "key": task.key,
        "point": task.point,
        **dict(task.parameters),
        "variant": task.variant,
        "replicate": task.replicate,
        "seed": "-".join(map(str, entropy)),
        "long_run_cooperation": float(cooperation[-tail:].mean()),
        "cumulative_incidents": float(incidents.sum()),
        "welfare": float(welfare.sum()),
    }


def run_task(task: Task, base_seed: int) -> dict[str, Any]:
    """Simulate one replicate on the Mesa model and return its row of the sweep table."""
    scenario = Scenario.model_validate_json(task.scenario_json)
    entropy = task.seed_entropy(base_seed)
    rounds = simulate_one(scenario, task.variant, task.replicate, np.random.SeedSequence(entropy)).rounds
    return summary_row(task, scenario, entropy, *(rounds[name].to_numpy()
                                                  for name in ("cooperation_rate", "incidents", "welfare")))


def run_tasks(tasks: list[Task], base_seed: int) -> list[dict[str, Any]]:
    """Simulate the tasks' replicates as batches and return their rows of the sweep table."""
    parsed: dict[str, Scenario] = {}  # replicates of a point share one scenario (and its rules)
    for task in tasks:
        if task.scenario_json not in parsed:
            parsed[task.scenario_json] = Scenario.model_validate_json(task.scenario_json)
    scenarios = [parsed[task.scenario_json] for task in tasks]
    entropies = [task.seed_entropy(base_seed) for task in tasks]
    records = run_batch(scenarios, [np.random.SeedSequence(e) for e in entropies], labs=False)
    return [
        summary_row(task, scenario, entropy, run.model["cooperation_rate"], run.model["incidents"],
                    run.model["welfare"])
        for task, scenario, entropy, run in zip(tasks, scenarios, entropies, records)
    ]
