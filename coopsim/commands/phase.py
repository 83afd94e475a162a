"""`coopsim phase`: one-shot phase diagrams over two factors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import ScenarioFile, app, clean_errors, fail

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
    whole grid: for stage games the game class, the equilibrium set and whether cooperation is
    rational; for the DSAIR race the zone and its conditions; for the precipice the probability
    of disaster and the riskiest information condition."""
    from coopsim.analyses.phase import phase_table
    from coopsim.charts.phase import phase_map
    from coopsim.games import game_model
    from coopsim.charts.theme import caption
    from coopsim.report.folder import atomic_directory, check_output_folder, save_chart, slugify, write_json
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    destination = check_output_folder(out or Path("reports") / f"{slugify(scenario.name)}-phase")
    x_axis, y_axis = _axis(x, "--x"), _axis(y, "--y")
    table = phase_table(scenario, x_axis, y_axis, str(scenario_file))
    maps = {name: spec for name, spec in game_model(scenario).phase_maps.items() if spec[0] in table}
    subtitle = caption(scenario.name, scenario.seed) + f" · {len(table):,} cells, closed form"
    with atomic_directory(destination) as staging:
        (staging / "data").mkdir()
        table.to_csv(staging / "data" / "phase.csv", index=False, float_format="%.10g")
        counts = {
            column: table[column].astype(str).value_counts().sort_index().to_dict()
            for column, _, _ in maps.values()
        }
        write_json(staging / "phase.json", {"scenario": scenario.name, "x": x_axis.path,
                                            "y": y_axis.path, "cells": len(table), "counts": counts})
        for name, (field, title, legend) in maps.items():
            chart = phase_map(table, x_axis.path, y_axis.path, field, title, legend, subtitle)
            save_chart(chart, staging / "charts", f"phase-{name}")
    if not quiet:
        for column, values in counts.items():
            shares = ", ".join(f"{k} {v / len(table):.1%}" for k, v in values.items())
            typer.echo(f"{column}: {shares}")
        typer.echo(f"phase diagram written to {destination}/")
