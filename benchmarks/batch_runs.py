"""Many runs of the iterated model: the batched engine against one Mesa model per run.

Two workloads, each timed both ways in this process, interleaved, best of REPEATS:

* ``run``'s replicates: every variant x replicate of scenarios/prisoners-dilemma-race.yaml with
  its tables (``coopsim.abm.runner.simulate``, one batch per variant) against one
  ``simulate_one`` per replicate (a LabModel, its DataCollector and its tables);
* sweep tasks: the first TASKS tasks of the Sobol plan ``coopsim sensitivity --method sobol``
  makes for that scenario (``coopsim.sweep.task.run_tasks``, batches of up to 1,024 runs)
  against one LabModel per task with the same summary metrics (the path sweeps took before).

Results are checked equal (same seeds, same numbers). CPU seconds are given beside wall
seconds: the machine is shared, and CPU time drifts far less under load.

    python benchmarks/batch_runs.py
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from coopsim.abm.runner import long_run_rounds, replicate_seed, simulate, simulate_one
from coopsim.analyses import sensitivity as sa
from coopsim.scenario.loading import load_scenario, resolve_variants
from coopsim.scenario.spec import Scenario
from coopsim.sweep.plan import plan_points
from coopsim.sweep.task import run_tasks

SCENARIO = Path(__file__).parent.parent / "scenarios" / "prisoners-dilemma-race.yaml"
TASKS = 1024
REPEATS = 2


def timed(work) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds, result) of ``work()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def replicates_one_by_one(scenario: Scenario) -> list:
    """Every variant x replicate as its own Mesa model (tables only)."""
    runs = []
    for index, (name, variant) in enumerate(resolve_variants(scenario).items()):
        for replicate in range(variant.dynamics.replicates):
            runs.append(simulate_one(variant, name, replicate, replicate_seed(scenario.seed, index, replicate)))
    return runs


def tasks_one_by_one(tasks, base_seed: int) -> list[dict]:
    """Each sweep task on its own Mesa model, with the sweep's metrics."""
    rows = []
    for task in tasks:
        scenario = Scenario.model_validate_json(task.scenario_json)
        entropy = task.seed_entropy(base_seed)
        rounds = simulate_one(scenario, task.variant, task.replicate, np.random.SeedSequence(entropy)).rounds
        tail = long_run_rounds(len(rounds), scenario.dynamics.long_run_fraction)
        rows.append({"long_run_cooperation": float(rounds["cooperation_rate"].iloc[-tail:].mean()),
                     "welfare": float(rounds["welfare"].sum())})
    return rows


def compare(label: str, runs: int, lab_rounds: int, one_by_one, batched, check) -> None:
    best = {"one": (np.inf, np.inf), "batch": (np.inf, np.inf)}
    for _ in range(REPEATS):
        results = {}
        for name, work in (("one", one_by_one), ("batch", batched)):
            wall, cpu, results[name] = timed(work)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
        check(results["one"], results["batch"])
    (one_wall, one_cpu), (batch_wall, batch_cpu) = best["one"], best["batch"]
    print(f"{label}: {runs:,} runs, {lab_rounds:,} lab-rounds")
    print(f"  one Mesa model per run  {one_wall:8.2f} s wall {one_cpu:8.2f} s CPU"
          f"  ({one_cpu / runs * 1e3:.2f} ms CPU per run)")
    print(f"  batched engine          {batch_wall:8.2f} s wall {batch_cpu:8.2f} s CPU"
          f"  ({batch_cpu / runs * 1e3:.3f} ms CPU per run)")
    print(f"  ratio (one per run / batched): {one_wall / batch_wall:.1f}x wall, {one_cpu / batch_cpu:.1f}x CPU")


def main() -> None:
    scenario = load_scenario(SCENARIO)
    variants = resolve_variants(scenario)
    runs = sum(v.dynamics.replicates for v in variants.values())
    labs = scenario.lab_count() * scenario.dynamics.rounds

    def same_tables(one, batch):
        import pandas as pd

        rounds = pd.concat([run.rounds for run in one], ignore_index=True)
        pd.testing.assert_frame_equal(rounds, batch.rounds, check_exact=True)

    compare("coopsim run's replicates (prisoners-dilemma-race)", runs, runs * labs,
            lambda: replicates_one_by_one(scenario), lambda: simulate(scenario), same_tables)

    chosen = sa.levers(scenario, 0.5)
    points = sa.sobol_points(chosen, 1024, scenario.seed)
    plan = plan_points(scenario, str(SCENARIO), {lever.path: [] for lever in chosen}, points[:TASKS], 1)
    tasks = plan.tasks[:TASKS]

    def same_metrics(one, batch):
        for a, b in zip(one, batch):
            assert np.isclose(a["long_run_cooperation"], b["long_run_cooperation"], rtol=1e-12, atol=0)
            assert np.isclose(a["welfare"], b["welfare"], rtol=1e-12, atol=0)

    compare(f"Sobol sweep tasks ({len(chosen)} levers)", len(tasks), len(tasks) * labs,
            lambda: tasks_one_by_one(tasks, scenario.seed), lambda: run_tasks(tasks, scenario.seed),
            same_metrics)


if __name__ == "__main__":
    main()
