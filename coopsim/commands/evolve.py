"""`coopsim evolve`: evolutionary dynamics of a race or repeated stage game, with a report folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import (
    WORK_FAILED,
    ScenarioFile,
    app,
    clean_errors,
    draws_charts,
    fail,
    invoked_command,
    print_findings,
    strict_json,
)


@app.command()
@draws_charts
@clean_errors
def evolve(
    scenario_file: ScenarioFile,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object and nothing else on stdout.")
    ] = False,
    out: Annotated[
        Optional[Path],
        typer.Option("--out", "-o", help="Report folder (default: reports/<scenario-slug>-evolve)."),
    ] = None,
) -> None:
    """Which strategies take over a population of labs? Fixation probabilities, stationary
    distribution, risk dominance and replicator dynamics (the `evolution:` section of the
    scenario); for DSAIR races also the regulatory zone and the thresholds in p_r.

    Writes the report folder (index.html, report.md, charts/, data/, manifest.json) with
    evolution.json and evolution.md."""
    from coopsim.analyses import evolution
    from coopsim.analyses.evolution_text import evolve_markdown
    from coopsim.report.folder import build_manifest, check_output_folder, slugify, write_folder
    from coopsim.report.sections import evolve_report
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    destination = check_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-evolve")
    result = evolution.evolve(scenario, source=str(scenario_file))
    manifest = build_manifest(scenario, invoked_command(), "evolve")
    report = evolve_report(scenario, result, manifest)
    try:
        write_folder(report, destination, manifest)
    except OSError as exc:
        fail(f"cannot write the report to {destination}: {exc}", WORK_FAILED)
    if as_json:
        typer.echo(strict_json(result))
        typer.echo(f"report written to {destination}/", err=True)
    else:
        typer.echo(evolve_markdown(result))
        print_findings(scenario, report.findings, destination)
