"""The main job: `coopsim run` (simulate and report) and `coopsim report` (rebuild a report)."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import ScenarioFile, app, clean_errors, draws_charts, invoked_command

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]


@contextmanager
def progress_bars(quiet: bool):
    """A callback factory: `step(label)` returns a progress(done, total) callback with a bar."""
    if quiet:
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    # On stderr, so stdout keeps only the final line; drawn only on a terminal.
    with Progress(*columns, console=Console(stderr=True), transient=True) as bars:
        def step(label):
            job = bars.add_task(label, total=None)
            return lambda done, total: bars.update(job, completed=done, total=total)

        yield step


@app.command()
@draws_charts
@clean_errors
def run(
    scenario_file: ScenarioFile,
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Report folder (default: reports/<scenario-slug>).")
    ] = None,
    quiet: Quiet = False,
) -> None:
    """Run everything for a scenario and write its report folder."""
    from coopsim.analyses.run import run as run_pipeline
    from coopsim.report.drawing import ChartDrawing, DrawnCharts
    from coopsim.report.folder import atomic_directory, check_output_folder, default_report_dir, write_report
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    destination = check_output_folder(out if out is not None else default_report_dir(scenario))
    # Each chart is drawn as soon as it is built, into the folder that will become the report.
    with progress_bars(quiet) as step, atomic_directory(destination) as staging, \
            ChartDrawing(staging / "charts") as drawing:
        result = run_pipeline(scenario, progress=step("simulating runs"), charts=DrawnCharts(drawing))
        write_report(result, destination, command=invoked_command(), progress=step("drawing charts"),
                     staging=staging)
    if not quiet:
        from coopsim.analyses.findings import findings_text, run_findings

        typer.echo(findings_text(scenario, run_findings(result)))
        typer.echo(f"report written to {destination}/ (open {destination / 'index.html'})")


@app.command()
@draws_charts
@clean_errors
def report(
    run_dir: Annotated[Path, typer.Argument(help="A folder written by `coopsim run`.", show_default=False)],
    quiet: Quiet = False,
) -> None:
    """Rebuild a run's report (charts, report.md, index.html) from its saved data, without
    simulating again."""
    from coopsim.analyses.run import build_charts
    from coopsim.report.folder import check_output_folder, write_report
    from coopsim.report.run_folder import load_run

    result, manifest = load_run(run_dir)
    check_output_folder(run_dir)
    with progress_bars(quiet) as step:
        build_charts(result)
        write_report(result, run_dir, manifest=manifest, progress=step("drawing charts"))
    if not quiet:
        typer.echo(f"report rebuilt in {run_dir}/ (open {run_dir / 'index.html'})")
