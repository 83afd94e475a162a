"""Ctrl-C (SIGINT) and SIGTERM end a command cleanly, at whatever point they arrive.

While a command runs, either signal raises :class:`Interrupted` in the main thread. It is a
``KeyboardInterrupt``, so every ``finally`` and ``except BaseException`` on the way out runs as
for Ctrl-C: an output folder being staged is deleted and never swapped into place
(:func:`coopsim.report.output_folder.atomic_directory`), sweep workers are stopped. The command
then prints one line on stderr and exits with the shell's code for death by that signal,
128 + its number: 130 for SIGINT, 143 for SIGTERM. A second signal during that clean-up is
ignored, so the clean-up finishes.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The process received ``signum`` (SIGINT or SIGTERM)."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.signum = int(signum)


def signal_of(exc: BaseException) -> int:
    """The signal behind an interruption: a plain ``KeyboardInterrupt`` is Ctrl-C."""
    return getattr(exc, "signum", int(signal.SIGINT))


def exit_code(exc: BaseException) -> int:
    """128 + the signal's number, as a shell reports a process that signal ended."""
    return 128 + signal_of(exc)


def signal_name(exc: BaseException) -> str:
    """'SIGINT' or 'SIGTERM'."""
    return signal.Signals(signal_of(exc)).name


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """While the block runs (in the main thread), SIGINT and SIGTERM raise :class:`Interrupted`;
    the first one only, later ones are ignored while it unwinds. The previous handlers come back
    afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = []

    def handler(signum, frame):
        if not raised:
            raised.append(signum)
            raise Interrupted(signum)

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, action in previous.items():
            signal.signal(sig, action)
