"""`coopsim sweep`: many runs over a grid of scenario fields, resumable."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import (
    WORK_FAILED,
    ScenarioFile,
    app,
    clean_errors,
    fail,
    interrupted,
    invoked_command,
    print_findings,
)

SWEEP_STORE = ("plan.json", "data/results-*.jsonl", "data/failures-*.jsonl")  # kept for resuming


@app.command()
@clean_errors
def sweep(
    scenario_file: ScenarioFile,
    set_: Annotated[
        Optional[list[str]],
        typer.Option("--set", help="PATH=VALUES to sweep, e.g. game.trust=0:1:11 or "
                     "'interventions[0].fine=0,2,4' (repeatable; adds to the scenario's sweep:)."),
    ] = None,
    replicates: Annotated[
        Optional[int], typer.Option("--replicates", min=1, help="Replicates per grid point.")
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option("--workers", min=1, help="Local worker processes (default: all cores).")
    ] = None,
    scheduler: Annotated[
        Optional[str], typer.Option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
                                    "(default: $DASK_SCHEDULER_ADDRESS, else local processes).")
    ] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Sweep folder (default: reports/<slug>-sweep).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Run the scenario over a parameter grid. Every finished task is saved at once: re-running
    the same command after an interruption runs only what is missing."""
    from coopsim.commands.values import parse_assignment
    from coopsim.report.folder import slugify
    from coopsim.scenario.loading import load_scenario
    from coopsim.sweep.executors import make_executor
    from coopsim.sweep.plan import build_plan

    scenario = load_scenario(scenario_file)
    overrides = {}
    for text in set_ or []:
        try:
            path, values = parse_assignment(text)
        except ValueError as exc:
            fail(f"--set: {exc}")
        overrides[path] = values
    plan = build_plan(scenario, str(scenario_file), overrides, replicates)
    from coopsim.report.folder import claim_output_folder

    folder = claim_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-sweep")
    try:
        executor = make_executor(workers, scheduler)
    except OSError as exc:
        fail(f"cannot reach the Dask scheduler: {exc}", WORK_FAILED)
    try:
        _sweep(scenario, plan, folder, executor, replicates, quiet)
    except KeyboardInterrupt as exc:  # the report is written atomically: the folder keeps the last one
        interrupted(exc, f"finished tasks are saved in {folder}/data; run the same command again to resume")


def _sweep(scenario, plan, folder, executor, replicates, quiet) -> None:
    """Run the plan's missing tasks, then write the sweep's report into ``folder``."""
    say = (lambda *_: None) if quiet else typer.echo
    say(f"{len(plan.points)} grid points x {len(plan.tasks) // len(plan.points)} runs = "
        f"{len(plan.tasks)} tasks on {executor.name} ({executor.workers} workers)")
    if plan.exact:
        say(f"the {scenario.game.model} model's measures are exact: computed once per grid point "
            "and variant" + (" (--replicates ignored)" if replicates else ""))
    outcome = _run_with_progress(plan, folder, executor, quiet)
    if outcome.reused:
        say(f"resumed: {outcome.reused} of {outcome.total} tasks were already done; ran {outcome.ran}")
    from coopsim.report.folder import build_manifest, write_folder
    from coopsim.report.sections import sweep_report
    from coopsim.sweep.runner import failure_lines

    manifest = build_manifest(scenario, invoked_command(), "sweep")
    report = sweep_report(plan, outcome, manifest)
    write_folder(report, folder, manifest, keep=SWEEP_STORE)
    for line in failure_lines(outcome.failures):
        typer.echo(line, err=True)
    if not outcome.complete:
        typer.echo(f"sweep incomplete: {len(outcome.table)} of {outcome.total} tasks done; "
                   "re-run to retry the rest", err=True)
        raise typer.Exit(WORK_FAILED)
    if not quiet:
        print_findings(scenario, report.findings, folder)


def _run_with_progress(plan, folder, executor, quiet):
    from rich.progress import BarColumn, Progress, TextColumn

    from coopsim.sweep.runner import eta_seconds, execute

    if quiet:
        return execute(plan, folder, executor)
    columns = (
        TextColumn("sweep"), BarColumn(), TextColumn("{task.completed}/{task.total} done"),
        TextColumn("{task.fields[running]} running"), TextColumn("{task.fields[failed]} failed"),
        TextColumn("{task.fields[eta]}"),
    )
    started, first = time.monotonic(), []
    with Progress(*columns, transient=False) as bar:
        job = bar.add_task("sweep", total=len(plan.tasks), running=0, failed=0, eta="")

        def report(done, total, running, failed):
            if not first:
                first.append(done)
            left = eta_seconds(started, done, first[0], total)
            eta = "" if left is None else f"~{left:,.0f} s left"
            bar.update(job, completed=done, running=running, failed=failed, eta=eta)

        return execute(plan, folder, executor, report)
