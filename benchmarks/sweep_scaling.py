"""Speed-up of the local process pool over a serial run of the same sweep.

Both runs happen here, one after the other, on the same plan; the ratio is what to compare
(the machine is shared and noisy; absolute times drift). Results are checked identical.
Usage: python benchmarks/sweep_scaling.py [--workers N] [--rounds 400] [--points 8]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import pandas as pd

from coopsim.scenario.loading import loads_scenario
from coopsim.sweep.executors import LocalExecutor, SerialExecutor
from coopsim.sweep.plan import build_plan
from coopsim.sweep.runner import execute

SCENARIO = """\
name: sweep benchmark
seed: 1
game: {{trust: 0.6, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}}
labs: [{{name: Lab, count: 10}}]
dynamics: {{rounds: {rounds}, replicates: 2, tremble: 0.02}}
"""


def timed(plan, make_executor) -> tuple[float, pd.DataFrame]:
    """Wall time of a whole sweep, including starting the executor's workers."""
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        table = execute(plan, Path(folder), make_executor()).table
        return time.perf_counter() - start, table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--rounds", type=int, default=6000)
    parser.add_argument("--points", type=int, default=8)
    args = parser.parse_args()
    scenario = loads_scenario(SCENARIO.format(rounds=args.rounds))
    plan = build_plan(scenario, "benchmark", {"game.trust": [i / (args.points - 1) for i in range(args.points)]})
    serial_seconds, serial = timed(plan, SerialExecutor)
    local_seconds, local = timed(plan, lambda: LocalExecutor(args.workers))
    pd.testing.assert_frame_equal(serial, local)
    print(f"{len(plan.tasks)} tasks of 10 labs x {args.rounds} rounds (round robin)")
    print(f"serial: {serial_seconds:.2f} s; local pool ({args.workers} workers): {local_seconds:.2f} s")
    print(f"speed-up: {serial_seconds / local_seconds:.2f}x (identical results)")


if __name__ == "__main__":
    main()
