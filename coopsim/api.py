"""The Python API's `coopsim.run`: the analyses' result, able to save its report folder.

This is the one place that joins :mod:`coopsim.analyses` (which computes and never imports the
report) and :mod:`coopsim.report` (which writes), so neither imports the other's caller."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from coopsim.analyses import run as analyses_run
from coopsim.analyses.run import Progress, RunResult
from coopsim.scenario.spec import Scenario


class Run(RunResult):
    """A :class:`~coopsim.analyses.run.RunResult` that can write its report folder."""

    def save(self, destination: Any = None, command: str = "") -> Path:
        """Write the report folder (default reports/<scenario-slug>/) and return its path."""
        from coopsim.report.folder import default_report_dir, write_report

        return write_report(self, destination or default_report_dir(self.scenario), command)


def run(scenario: Scenario, progress: Progress | None = None) -> Run:
    """Analyse and simulate a scenario (see :func:`coopsim.analyses.run.run`)."""
    result = analyses_run.run(scenario, progress)
    return Run(**{f.name: getattr(result, f.name) for f in fields(result)})
