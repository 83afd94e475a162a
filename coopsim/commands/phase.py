"""`coopsim phase`: closed-form phase diagrams over two of a model's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import ScenarioFile, app, clean_errors, draws_charts, fail, invoked_command, print_findings


def _axis(text: str, option: str):
    import numpy as np

    from coopsim.analyses.phase import Axis
    from coopsim.commands.values import parse_assignment

    try:
        path, values = parse_assignment(text)
        return Axis(path, np.asarray(values, dtype=float))
    except ValueError as exc:
        fail(f"{option}: {exc}")


@app.command()
@draws_charts
@clean_errors
def phase(
    scenario_file: ScenarioFile,
    x: Annotated[str, typer.Option("--x", help="Horizontal axis, e.g. game.exposure=0:5:201.")],
    y: Annotated[str, typer.Option("--y", help="Vertical axis, e.g. game.trust=0:1:201.")],
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Output folder (default: reports/<slug>-phase).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Map what the scenario's model decides over two of its fields, in closed form over the
    whole grid, the scenario's own point marked: for stage games the game class, the equilibrium
    set and whether cooperation is rational; for the DSAIR race the zone and its conditions; for
    the precipice the probability of disaster and the riskiest information condition."""
    from coopsim.analyses.phase import phase_table
    from coopsim.report.folder import build_manifest, check_output_folder, slugify, write_folder
    from coopsim.report.sections import phase_report
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    destination = check_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-phase")
    x_axis, y_axis = _axis(x, "--x"), _axis(y, "--y")
    table = phase_table(scenario, x_axis, y_axis, str(scenario_file))
    manifest = build_manifest(scenario, invoked_command(), "phase")
    report = phase_report(scenario, table, x_axis.path, y_axis.path, manifest)
    write_folder(report, destination, manifest)
    if not quiet:
        print_findings(scenario, report.findings, destination)
