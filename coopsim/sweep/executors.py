"""Where sweep tasks run: in this process, a local process pool, or an existing Dask cluster.

Tasks travel in groups (:func:`groups`) that a worker plays as one batch
(:func:`coopsim.sweep.task.run_tasks`). Each executor yields, as groups finish (in completion
order), the list of their ``(task, result, error)``, and reports how many tasks are running. Results do not depend on the executor or the
grouping: seeds come from the task, and every run of a batch has its own stream.

An interrupted local sweep leaves no worker behind: Ctrl-C and SIGTERM stop the pool at once
(workers ignore Ctrl-C themselves and are terminated by the main process, which then raises
:class:`coopsim.interrupts.Interrupted`, a KeyboardInterrupt, so the command can say what was
saved), and on Linux each worker asks the
kernel to end it when the main process dies, even by SIGKILL.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from coopsim.interrupts import Interrupted
from coopsim.sweep.plan import Task
from coopsim.sweep.task import run_tasks

# fork: workers inherit the loaded modules, so a pool starts in milliseconds, not seconds.
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
Outcome = tuple[Task, dict[str, Any] | None, str | None]
MAX_GROUP = 1024  # tasks per batch: bounds the time between saved results, not the results
GROUPS_PER_WORKER = 8  # so that workers finish together and progress moves


def groups(tasks: list[Task], workers: int) -> list[list[Task]]:
    """Consecutive tasks in groups of at most MAX_GROUP, about GROUPS_PER_WORKER per worker."""
    size = max(1, min(MAX_GROUP, math.ceil(len(tasks) / (workers * GROUPS_PER_WORKER))))
    return [tasks[start:start + size] for start in range(0, len(tasks), size)]


def run_group(tasks: list[Task], base_seed: int) -> list[tuple[dict[str, Any] | None, str | None]]:
    """(result, error) of each task, played as one batch; if the batch fails, each task alone,
    so that an error names its task and the others still finish."""
    try:
        return [(row, None) for row in run_tasks(tasks, base_seed)]
    except Exception as exc:  # noqa: BLE001 - a failed task is reported, the rest go on
        if len(tasks) == 1:
            return [(None, describe_error(exc))]
    outcomes = []
    for task in tasks:
        try:
            outcomes.append((run_tasks([task], base_seed)[0], None))
        except Exception as exc:  # noqa: BLE001
            outcomes.append((None, describe_error(exc)))
    return outcomes


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

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[list[Outcome]]:
        for group in groups(tasks, 1):
            self.running = 1
            yield [(task, result, error) for task, (result, error) in zip(group, run_group(group, base_seed))]
        self.running = 0


def _worker_setup(parent: int) -> None:
    """Run in each pool worker before any task: leave Ctrl-C to the main process, take SIGTERM's
    default action (a fork inherits the parent's handlers), and die with the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        try:
            pr_set_pdeathsig = 1
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the main process died before the request took effect
        os._exit(1)


@contextmanager
def _interrupts_call(stop: Callable[[], None]) -> Iterator[None]:
    """While the block runs, Ctrl-C and SIGTERM call `stop()` and then raise :class:`Interrupted`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        stop()
        raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)


class LocalExecutor:
    """A pool of worker processes on this machine.

    The workers are started here, before any progress display starts its thread, so forking
    them is safe."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.running = 0
        context = multiprocessing.get_context(START_METHOD)
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                        initializer=_worker_setup, initargs=(os.getpid(),))
        self.pool.submit(int).result()  # start every worker now
        # The pool has no public way to end running tasks; its worker processes are kept here.
        self.processes = list((self.pool._processes or {}).values())

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[list[Outcome]]:
        complete = False
        try:
            with _interrupts_call(self.end_workers):
                pending = {self.pool.submit(run_group, group, base_seed): group
                           for group in groups(tasks, self.workers)}
                while pending:
                    self.running = min(self.workers, sum(map(len, pending.values())))
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        group = pending.pop(future)
                        error = future.exception()
                        if error is None:
                            yield [(task, result, failure)
                                   for task, (result, failure) in zip(group, future.result())]
                        else:
                            yield [(task, None, describe_error(error)) for task in group]
                self.running = 0
                complete = True
        finally:
            if complete:
                self.pool.shutdown(wait=True)
            else:
                self.stop()

    def end_workers(self) -> None:
        """Send every worker SIGTERM (safe inside a signal handler: no locks taken)."""
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()

    def stop(self) -> None:
        """Cancel what is queued and end the workers now, mid-task if need be."""
        self.end_workers()
        self.pool.shutdown(wait=True, cancel_futures=True)  # returns once the workers are gone


class DaskExecutor:
    """Tasks on an existing Dask distributed cluster, given its scheduler address."""

    name = "dask"

    def __init__(self, address: str):
        from distributed import Client

        self.address = address
        self.client = Client(address, timeout="10s")
        self.workers = max(1, sum(self.client.nthreads().values()))
        self.running = 0

    def run(self, tasks: list[Task], base_seed: int) -> Iterator[list[Outcome]]:
        from distributed import as_completed

        futures = {
            self.client.submit(run_group, group, base_seed,
                               key=f"coopsim-{group[0].key}-{len(group)}-{base_seed}", pure=False): group
            for group in groups(tasks, self.workers)
        }
        try:
            remaining = sum(map(len, futures.values()))
            for future in as_completed(list(futures)):
                group = futures[future]
                remaining -= len(group)
                self.running = min(self.workers, remaining)
                if future.status == "error":
                    yield [(task, None, describe_error(future.exception())) for task in group]
                else:
                    yield [(task, result, error) for task, (result, error) in zip(group, future.result())]
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
