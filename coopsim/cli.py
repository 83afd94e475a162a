"""The `coopsim` command (Typer). Thin: parse arguments, call the library, print, exit.

Exit codes: 0 success, 1 the work itself failed, 2 bad input (scenario or arguments).
"""

from __future__ import annotations

import json
import shlex
import sys
from functools import wraps
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from coopsim.scenario_io import ScenarioError, json_schema, load_scenario

app = typer.Typer(
    name="coopsim",
    help="Game-theory simulator for cooperation on safety between AI labs.\n\n"
    "Edit a YAML scenario (see scenarios/), then `coopsim run my.yaml`.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ScenarioFile = Annotated[Path, typer.Argument(help="Scenario YAML file.", show_default=False)]
BAD_INPUT = 2


def fail(message: str, code: int = BAD_INPUT) -> None:
    """Print one clear error line to stderr and exit."""
    typer.echo(f"coopsim: error: {message}", err=True)
    raise typer.Exit(code)


def clean_errors(command: Callable) -> Callable:
    """Turn scenario errors into one line on stderr and exit code 2 (no traceback)."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ScenarioError as exc:
            fail(str(exc))

    return wrapper


def invoked_command() -> str:
    """The command line that started this run, for the manifest."""
    return "coopsim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


@app.command()
@clean_errors
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario YAML files.", show_default=False)],
) -> None:
    """Check scenario files (and every variant) without running anything."""
    failures = 0
    for path in files:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            typer.echo(f"coopsim: error: {exc}", err=True)
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
    """Solve the one-shot game: equilibria, game class, critical trust, factor distances."""
    from coopsim.oneshot import analyse_with_policies
    from coopsim.oneshot_text import oneshot_markdown
    from coopsim.pipeline import has_stage_game

    scenario = load_scenario(scenario_file)
    if not has_stage_game(scenario):
        fail(f"{scenario_file}: the {scenario.game.model} model has no one-shot 2x2 game to solve")
    analysis = analyse_with_policies(scenario)
    if as_json:
        typer.echo(json.dumps(analysis, indent=2))
    else:
        typer.echo(oneshot_markdown(analysis))


@app.command()
@clean_errors
def run(
    scenario_file: ScenarioFile,
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Report folder (default: reports/<scenario-slug>).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")] = False,
) -> None:
    """Run everything for a scenario and write its report folder."""
    from coopsim.pipeline import run as run_pipeline
    from coopsim.report import default_report_dir, write_report

    scenario = load_scenario(scenario_file)
    result = run_pipeline(scenario)
    destination = out if out is not None else default_report_dir(result)
    write_report(result, destination, command=invoked_command())
    if not quiet:
        typer.echo(f"report written to {destination}/")


def main() -> None:
    """Entry point for `python cli.py` and `python -m coopsim`."""
    app()
