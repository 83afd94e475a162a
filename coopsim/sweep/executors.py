"""Where sweep tasks run: in this process, a local process pool, or an existing Dask cluster.

Each executor yields ``(task, result, error)`` as tasks finish, in completion order, and reports
how many tasks are running. Results do not depend on the executor: seeds come from the task.
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Iterator

from coopsim.sweep.plan import Task
from coopsim.sweep.task import run_task

# fork: workers inherit the loaded modules, so a pool starts in milliseconds, not seconds.
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
Outcome = tuple[Task, dict[str, Any] | None, str | None]


def describe_error(exc: BaseException) -> str:
    """'ValueError: message' plus the innermost frame, for the failures file."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


class SerialExecutor:
    """Runs tasks one after another in this process."""

    name = "serial"

    def __init__(self):
        self.workers = 1
        self.running = 0

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[Outcome]:
        for task in tasks:
            self.running = 1
            try:
                yield task, run_task(task, base_seed), None
            except Exception as exc:  # noqa: BLE001 - a failed task is reported, the rest go on
                yield task, None, describe_error(exc)
        self.running = 0


class LocalExecutor:
    """A pool of worker processes on this machine.

    The workers are started here, before any progress display starts its thread, so forking
    them is safe."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.running = 0
        context = multiprocessing.get_context(START_METHOD)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        self.pool.submit(int).result()  # start every worker now

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[Outcome]:
        try:
            pending = {self.pool.submit(run_task, task, base_seed): task for task in tasks}
            while pending:
                self.running = min(self.workers, len(pending))
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    task = pending.pop(future)
                    error = future.exception()
                    if error is None:
                        yield task, future.result(), None
                    else:
                        yield task, None, describe_error(error)
            self.running = 0
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)


class DaskExecutor:
    """Tasks on an existing Dask distributed cluster, given its scheduler address."""

    name = "dask"

    def __init__(self, address: str):
        from distributed import Client

        self.address = address
        self.client = Client(address, timeout="10s")
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.running = 0

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[Outcome]:
        from distributed import as_completed

        futures = {
            self.client.submit(run_task, task, base_seed, key=f"coopsim-{task.key}-{base_seed}", pure=False): task
            for task in tasks
        }
        try:
            remaining = len(futures)
            for future in as_completed(list(futures)):
                task = futures[future]
                remaining -= 1
                self.running = min(self.workers, remaining)
                if future.status == "error":
                    yield task, None, describe_error(future.exception())
                else:
                    yield task, future.result(), None
        finally:
            for future in futures:
                future.cancel()
            self.client.close()


def make_executor(workers: int | None, scheduler: str | None):
    """Dask when a scheduler address is given (or DASK_SCHEDULER_ADDRESS is set), a serial run
    for --workers 1, else a local process pool."""
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
    if address:
        return DaskExecutor(address)
    if workers == 1:
        return SerialExecutor()
    return LocalExecutor(workers)
