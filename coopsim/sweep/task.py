"""What one sweep task computes: a replicate's summary metrics (runs in a worker process)."""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.abm.runner import long_run_rounds, simulate_one
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import Task

METRICS = ("long_run_cooperation", "cumulative_incidents", "welfare")


def run_task(task: Task, base_seed: int) -> dict[str, Any]:
    """Simulate one replicate and return its row of the sweep table."""
    scenario = Scenario.model_validate_json(task.scenario_json)
    entropy = task.seed_entropy(base_seed)
    run = simulate_one(scenario, task.variant, task.replicate, np.random.SeedSequence(entropy))
    rounds = run.rounds
    tail = long_run_rounds(len(rounds), scenario.dynamics.long_run_fraction)
    return {
        "key": task.key,
        "point": task.point,
        **dict(task.parameters),
        "variant": task.variant,
        "replicate": task.replicate,
        "seed": "-".join(map(str, entropy)),
        "long_run_cooperation": float(rounds["cooperation_rate"].iloc[-tail:].mean()),
        "cumulative_incidents": float(rounds["incidents"].sum()),
        "welfare": float(rounds["welfare"].sum()),
    }
