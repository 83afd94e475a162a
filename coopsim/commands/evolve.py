"""`coopsim evolve`: evolutionary dynamics of a race or repeated stage game, with a report folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import WORK_FAILED, ScenarioFile, app, clean_errors, fail, invoked_command, strict_json


@app.command()
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

    Writes evolution.json, evolution.md and the charts into the report folder."""
    from coopsim.analyses import evolution
    from coopsim.analyses.evolution_text import evolve_markdown
    from coopsim.charts.theme import caption
    from coopsim.report.folder import check_output_folder
    from coopsim.games import game_model
    from coopsim.report.folder import atomic_directory, build_manifest, save_chart, slugify, write_json, write_provenance
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    source = str(scenario_file)
    destination = check_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-evolve")
    result = evolution.evolve(scenario, source=source)
    subtitle = caption(scenario.name, scenario.seed)
    charts = {**evolution.charts(result, subtitle), **game_model(scenario).charts(scenario, subtitle)}
    text = evolve_markdown(result)
    try:
        with atomic_directory(destination) as staging:
            write_provenance(staging, scenario, build_manifest(scenario, invoked_command()))
            write_json(staging / "evolution.json", result)
            (staging / "evolution.md").write_text(text, encoding="utf-8")
            for name, chart in charts.items():
                save_chart(chart, staging / "charts", name)
    except OSError as exc:
        fail(f"cannot write the report to {destination}: {exc}", WORK_FAILED)
    if as_json:
        typer.echo(strict_json(result))
        typer.echo(f"report written to {destination}/", err=True)
    else:
        typer.echo(text)
        typer.echo(f"report written to {destination}/")
