"""The Typer app and what every subcommand shares: clean errors and exit codes.

Exit codes: 0 success, 1 the work itself failed or is incomplete, 2 bad input, 130 / 143
interrupted by Ctrl-C / SIGTERM (:mod:`coopsim.interrupts`).
"""

from __future__ import annotations

import json
import math
import shlex
import sys
import warnings
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, Callable

import typer

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
WORK_FAILED = 1


def error_lines(message: object) -> list[str]:
    """An error as the CLI words it: one 'coopsim: error:' line per problem."""
    return [f"coopsim: error: {line}" for line in str(message).splitlines()]


def report_error(message: str) -> None:
    """Print an error to stderr, one 'coopsim: error:' line per problem."""
    for line in error_lines(message):
        typer.echo(line, err=True)


def fail(message: str, code: int = BAD_INPUT) -> None:
    """Report the error on stderr and exit."""
    report_error(message)
    raise typer.Exit(code)


def _show_warning(message, category, *args, **kwargs) -> None:
    from coopsim.scenario.loading import ScenarioWarning

    if issubclass(category, ScenarioWarning):
        typer.echo(f"coopsim: warning: {message}", err=True)
    else:
        warnings._showwarnmsg_impl(warnings.WarningMessage(message, category, *args, **kwargs))


def clean_errors(command: Callable) -> Callable:
    """Turn scenario errors into one line on stderr and exit code 2 (no traceback); print
    scenario warnings as 'coopsim: warning:' lines; end on Ctrl-C or SIGTERM with
    :func:`interrupted`."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        from coopsim.interrupts import signals_interrupt
        from coopsim.scenario.loading import ScenarioError, ScenarioWarning

        with warnings.catch_warnings(), signals_interrupt():
            warnings.simplefilter("always", ScenarioWarning)
            warnings.showwarning = _show_warning
            try:
                return command(*args, **kwargs)
            except ScenarioError as exc:
                fail(str(exc))
            except KeyboardInterrupt as exc:
                interrupted(exc)

    return wrapper


def interrupted(exc: BaseException, outcome: str = "no output folder was left half-written") -> None:
    """One line on stderr saying which signal stopped the command and what it left, then exit
    with 128 + the signal's number (130 Ctrl-C, 143 SIGTERM)."""
    from coopsim.interrupts import exit_code, signal_name

    typer.echo(f"coopsim: interrupted by {signal_name(exc)}: {outcome}", err=True)
    raise typer.Exit(exit_code(exc))


def draws_charts(command: Callable) -> Callable:
    """Start the chart-drawing processes before anything else the command does (apply it above
    :func:`clean_errors`), so their start-up overlaps the command's imports and work."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        from coopsim.report.drawing import start_drawers

        start_drawers()
        return command(*args, **kwargs)

    return wrapper


def strict_json(data: Any) -> str:
    """`data` as strict JSON (RFC 8259, which has no NaN or Infinity) for `--json` output: a
    number that is undefined or unbounded (NaN, +-inf) becomes null."""
    return json.dumps(_finite(data), indent=2, allow_nan=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def invoked_command() -> str:
    """The command line that started this run, for manifests."""
    return "coopsim " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def print_findings(scenario, findings: list, destination: Path) -> None:
    """The findings that answer the scenario's question, then where the report is (as `run`)."""
    from coopsim.analyses.findings import findings_text

    typer.echo(findings_text(scenario, findings))
    typer.echo(f"report written to {destination}/ (open {destination / 'index.html'})")
