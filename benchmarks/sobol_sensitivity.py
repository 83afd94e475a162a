"""Wall time of ``coopsim sensitivity --method sobol`` on scenarios/prisoners-dilemma-race.yaml.

Runs the command (default: 1,024 base samples x 10 replicates, local pool of 2 workers) in a
fresh process and prints its wall and CPU time (children included). The baseline, measured in
the same run, is the one-Mesa-model-per-task path sweeps took before the batched engine: its
CPU time per task on SAMPLE tasks of the same plan, times the plan's tasks, over the workers --
an estimate, since running it in full would take hours.

    python benchmarks/sobol_sensitivity.py [--samples 1024] [--replicates 10] [--workers 2]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coopsim.analyses import sensitivity as sa
from coopsim.scenario.loading import load_scenario
from coopsim.sweep.plan import plan_points

sys.path.insert(0, str(Path(__file__).parent))
from batch_runs import tasks_one_by_one  # noqa: E402

SCENARIO = Path(__file__).parent.parent / "scenarios" / "prisoners-dilemma-race.yaml"
SAMPLE = 200


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--replicates", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    chosen = sa.levers(scenario, 0.5)
    points = sa.sobol_points(chosen, args.samples, scenario.seed)
    plan = plan_points(scenario, str(SCENARIO), {lever.path: [] for lever in chosen},
                       points[: SAMPLE // 2 + 1], args.replicates)
    tasks = len(points) * len(plan.tasks) // len(plan.points)
    start = time.process_time()
    tasks_one_by_one(plan.tasks[:SAMPLE], scenario.seed)
    per_task = (time.process_time() - start) / SAMPLE
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "coopsim", "sensitivity", str(SCENARIO), "--method", "sobol",
                   "--samples", str(args.samples), "--replicates", str(args.replicates),
                   "--workers", str(args.workers), "--out", str(Path(folder) / "out"), "-q"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = time.perf_counter()
        subprocess.run(command, check=True)
        wall = time.perf_counter() - wall
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"sobol: {args.samples} samples x {len(chosen)} levers x {args.replicates} replicates = {tasks:,} tasks, "
          f"{args.workers} workers")
    print(f"  batched engine (the command): {wall:7.1f} s wall, {cpu:7.1f} s CPU")
    estimate = per_task * tasks / args.workers
    print(f"  one Mesa model per task: {per_task * 1e3:.2f} ms CPU per task (on {SAMPLE} tasks), "
          f"estimated {estimate:,.0f} s wall on {args.workers} workers")
    print(f"  ratio (estimated one per task / measured batched): {estimate / wall:.0f}x wall")


if __name__ == "__main__":
    main()
