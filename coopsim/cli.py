"""The `coopsim` command: the Typer app with every subcommand registered.

Subcommands live in coopsim/commands/, one module per topic.
"""

from __future__ import annotations

import gc

from coopsim.commands import evolve, oneshot, phase, run, sensitivity, sweep  # noqa: F401  (registers their commands)
from coopsim.commands import explore  # noqa: F401
from coopsim.commands.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the `coopsim` command, `python cli.py` and `python -m coopsim`."""
    try:
        app()
    finally:
        # Everything still alive lives until the process ends: without this, the collections at
        # interpreter shutdown walk the whole heap (about 0.5 s after a report).
        gc.freeze()
