"""Shared fixtures: paths to the bundled scenarios and a helper to write scenario files."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.fixture
def write_yaml(tmp_path):
    """Write YAML text to a file in a temporary folder and return its path."""

    def write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def command_reports(tmp_path_factory):
    """One report folder per command (run, evolve, sweep, phase, sensitivity), written through
    the CLI: name -> (folder, stdout)."""
    from tests.command_reports import write_command_reports

    return write_command_reports(tmp_path_factory.mktemp("command-reports"))


@contextmanager
def chart_specs_only():
    """Reports written inside this block save each chart's Vega-Lite JSON only, without drawing
    it: for the tests that read specs rather than pictures, and should be quick."""
    from coopsim.report import drawing

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drawing, "CHART_FORMATS", ("json",))
        yield
