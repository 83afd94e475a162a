"""Running a sweep plan: skip what is already stored, persist each result as it lands, report
failures with their grid point. The tables and charts are the sweep's report
(:func:`coopsim.report.sections.sweep_report`); this module writes no charts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from coopsim.report.folder import write_json
from coopsim.sweep.plan import SweepPlan
from coopsim.sweep.results import sweep_table
from coopsim.sweep.store import ResultStore

# progress(done, total, running, failed)
Progress = Callable[[int, int, int, int], None]


@dataclass(frozen=True)
class SweepOutcome:
    """What a sweep run did."""

    total: int
    reused: int
    ran: int
    failures: list[dict[str, Any]]
    table: pd.DataFrame

    @property
    def complete(self) -> bool:
        """Every task of the plan has a result."""
        return len(self.table) == self.total


def execute(plan: SweepPlan, folder: Path, executor, progress: Progress | None = None) -> SweepOutcome:
    """Run the tasks of `plan` that have no stored result; persist each as it completes."""
    store = ResultStore(folder, plan.fingerprint)
    store.open()
    write_json(Path(folder) / "plan.json", {
        "scenario": plan.scenario.name, "fingerprint": plan.fingerprint,
        "parameters": plan.parameters, "replicates": plan.replicates, "tasks": len(plan.tasks),
    })
    done = store.done_keys()
    todo = [task for task in plan.tasks if task.key not in done]
    store.clear_failures()
    reused, failed, finished = len(plan.tasks) - len(todo), 0, 0
    if progress:
        progress(reused, len(plan.tasks), 0, 0)
    for outcomes in executor.run(todo, plan.scenario.seed):  # one finished group of tasks
        results = [result for _, result, error in outcomes if error is None]
        store.add_results(results)
        finished += len(results)
        for task, _, error in outcomes:
            if error is not None:
                failed += 1
                store.add_failure({"key": task.key, "point": dict(task.parameters), "variant": task.variant,
                                   "replicate": task.replicate, "error": error})
        if progress:
            progress(reused + finished, len(plan.tasks), executor.running, failed)
    if progress:
        progress(reused + finished, len(plan.tasks), 0, failed)
    table = sweep_table(plan, store.results())
    return SweepOutcome(len(plan.tasks), reused, finished, store.failures(), table)


def eta_seconds(started: float, done_now: int, done_at_start: int, total: int) -> float | None:
    """Time left, from the pace of this run's tasks so far."""
    ran = done_now - done_at_start
    if ran <= 0:
        return None
    return (time.monotonic() - started) / ran * (total - done_now)


def failure_lines(failures: list[dict[str, Any]], limit: int = 10) -> list[str]:
    """Readable lines for failed tasks: grid point, variant, replicate and the error."""
    lines = [
        f"failed: {json.dumps(f['point'])} variant {f['variant']} replicate {f['replicate']}: {f['error']}"
        for f in failures[:limit]
    ]
    if len(failures) > limit:
        lines.append(f"... and {len(failures) - limit} more (see data/failures-*.jsonl)")
    return lines
