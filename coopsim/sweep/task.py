"""What one sweep task computes: the model's measures at one grid point (runs in a worker).

The scenario's payoff model says what it measures (:attr:`coopsim.games.base.GameModel.measures`)
and computes it (``measure``): the lab model simulates one replicate; models with exact outputs
(closed forms, stationary distributions) compute them once per grid point and variant.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.games import game_model
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import Task


def run_task(task: Task, base_seed: int) -> dict[str, Any]:
    """Compute one task and return its row of the sweep table."""
    scenario = Scenario.model_validate_json(task.scenario_json)
    entropy = task.seed_entropy(base_seed)
    model = game_model(scenario)
    values = model.measure(scenario, task.variant, task.replicate, np.random.SeedSequence(entropy))
    return {
        "key": task.key,
        "point": task.point,
        **dict(task.parameters),
        "variant": task.variant,
        "replicate": task.replicate,
        "seed": "-".join(map(str, entropy)),
        **{m.name: values[m.name] for m in model.measures},
    }
