"""`coopsim sensitivity`: rank factors and policy levers by their effect on the outcomes."""

from __future__ import annotations

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


METHODS = ("oat", "sobol")  # each keeps its runs in a folder of that name, for resuming


@app.command()
@clean_errors
def sensitivity(
    scenario_file: ScenarioFile,
    method: Annotated[str, typer.Option(help="'oat' (one at a time, tornado) or 'sobol' (needs SALib).")] = "oat",
    spread: Annotated[float, typer.Option(min=0.0, help="Relative range: base -+ spread x |base|.")] = 0.5,
    samples: Annotated[int, typer.Option(min=8, help="Sobol base samples N (runs N x (2D + 2)).")] = 64,
    replicates: Annotated[Optional[int], typer.Option(min=1, help="Replicates per point.")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Local worker processes.")] = None,
    scheduler: Annotated[Optional[str], typer.Option(help="Dask scheduler address.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Folder (default: reports/<slug>-sensitivity).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Rank the model's parameters and intervention levers by their effect on the outcomes the
    model measures (long-run cooperation and welfare for the lab model; safe play and payoff for
    the DSAIR race; the probability of disaster for the precipice)."""
    from coopsim.analyses import sensitivity as sa
    from coopsim.report.folder import build_manifest, claim_output_folder, slugify, write_folder
    from coopsim.report.sections import sensitivity_report
    from coopsim.scenario.loading import load_scenario
    from coopsim.sweep.executors import make_executor
    from coopsim.sweep.plan import plan_points
    from coopsim.sweep.runner import execute, failure_lines

    if method not in METHODS:
        fail(f"--method must be 'oat' or 'sobol', got {method!r}")
    if method == "sobol":
        try:
            import SALib  # noqa: F401
        except ImportError:
            fail("--method sobol needs SALib: pip install 'coopsim[sobol]'")
    scenario = load_scenario(scenario_file)
    left_out: list[tuple[str, str]] = []
    chosen = sa.levers(scenario, spread, left_out)
    for path, reason in left_out:
        typer.echo(f"left out {path}: {reason}", err=True)
    if not chosen:
        fail(f"{scenario_file}: no numeric factor or intervention parameter to vary")
    points = (sa.one_at_a_time_points(chosen) if method == "oat"
              else sa.sobol_points(chosen, samples, scenario.seed))
    ranked = sa.metrics(scenario)
    if replicates is None:
        replicates = scenario.dynamics.replicates if method == "oat" else 1
    parameters = {lever.path: [] for lever in chosen}
    plan = plan_points(scenario, str(scenario_file), parameters, points, replicates)
    folder = claim_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-sensitivity")
    if not quiet:
        typer.echo(f"{method}: {len(chosen)} parameters, {len(plan.tasks)} runs"
                   + (" (exact measures: one computation per point)" if plan.exact else ""))
    try:  # the runs are saved as they finish; the report is written atomically
        outcome = execute(plan, folder / method, make_executor(workers, scheduler))
        for line in failure_lines(outcome.failures):
            typer.echo(line, err=True)
        if not outcome.complete:
            typer.echo("sensitivity incomplete; re-run to retry the failed runs", err=True)
            raise typer.Exit(WORK_FAILED)
        if method == "oat":
            table = sa.one_at_a_time_table(chosen, outcome.table, ranked, sa.metric_bounds(scenario), plan.exact)
        else:
            table = sa.sobol_table(chosen, outcome.table, scenario.seed, ranked)
        manifest = build_manifest(scenario, invoked_command(), "sensitivity")
        report = sensitivity_report(scenario, method, table, samples, replicates, len(plan.tasks), manifest,
                                    ranked, plan.exact)
        write_folder(report, folder, manifest, keep=METHODS)
        if not quiet:
            print_findings(scenario, report.findings, folder)
    except KeyboardInterrupt as exc:
        interrupted(exc, f"finished runs are saved in {folder / method}/data; run the same command "
                    "again to resume")
