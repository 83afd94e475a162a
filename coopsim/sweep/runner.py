"""Running a sweep plan: skip what is already stored, persist each result as it lands, report
failures with their grid point, and write the final table, aggregates and charts."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from coopsim.charts import sweep as sweep_charts
from coopsim.charts.theme import caption
from coopsim.report.folder import CSV_FLOAT_FORMAT, atomic_directory, save_chart, write_json
from coopsim.scenario.loading import resolve_variants
from coopsim.sweep.plan import SweepPlan
from coopsim.sweep.results import aggregate, sweep_table
from coopsim.sweep.store import ResultStore
from coopsim.sweep.task import METRICS

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


def write_outputs(plan: SweepPlan, outcome: SweepOutcome, folder: Path) -> None:
    """sweep.csv, sweep_summary.csv and the charts (each file replaced whole)."""
    folder = Path(folder)
    parameters = list(plan.parameters)
    _write_csv(outcome.table, folder / "data" / "sweep.csv")
    if outcome.table.empty:
        return
    aggregates = aggregate(outcome.table, parameters)
    _write_csv(aggregates, folder / "data" / "sweep_summary.csv")
    subtitle = caption(plan.scenario.name, plan.scenario.seed)
    variants = list(resolve_variants(plan.scenario))
    with atomic_directory(folder / "charts") as staging:
        numeric = [p for p in parameters if pd.api.types.is_numeric_dtype(aggregates[p])]
        for metric in METRICS:
            name = metric.replace("_", "-")
            if len(parameters) == 1 and numeric:
                chart = sweep_charts.line_chart(aggregates, parameters[0], metric, variants, subtitle)
            elif len(parameters) == 2:
                chart = sweep_charts.heat_map(aggregates, parameters[0], parameters[1], metric, subtitle)
            else:
                continue
            save_chart(chart, staging, f"sweep-{name}")


def _write_csv(table: pd.DataFrame, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    table.to_csv(partial, index=False, float_format=CSV_FLOAT_FORMAT)
    partial.replace(path)


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
