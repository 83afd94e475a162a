"""Commands for scenarios and the one-shot game: validate, schema, solve."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from coopsim.commands.common import (
    BAD_INPUT,
    ScenarioFile,
    app,
    clean_errors,
    fail,
    report_error,
    strict_json,
)


@app.command()
@clean_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
) -> None:
    """Check scenario files (and every variant) without running anything."""
    from coopsim.scenario.loading import ScenarioError, load_scenario

    failures = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            report_error(str(exc))
            failures += 1
        else:
            typer.echo(f"ok: {path} ({scenario.name})")
    if failures:
        raise typer.Exit(BAD_INPUT)


@app.command()
def schema(
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write to this file instead of stdout.")] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editor autocompletion)."""
    from coopsim.scenario.loading import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command()
@clean_errors
def solve(
    scenario_file: ScenarioFile,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object and nothing else.")] = False,
) -> None:
    """Solve the one-shot game: equilibria, game class, critical trust, factor distances.

    DSAIR races: the race-averaged game, its equilibria, zone and thresholds in p_r. Racing to
    the precipice: the equilibrium safety rule and the probability of disaster (closed form and
    simulated races)."""
    from coopsim.games import game_model
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    model = game_model(scenario)
    if not model.provides("solve"):
        fail(f"{scenario_file}: the {scenario.game.model} model has no one-shot 2x2 game to solve")
    solution = model.solve(scenario, str(scenario_file))
    if as_json:
        typer.echo(strict_json(solution))
    else:
        typer.echo(model.solution_markdown(solution))
