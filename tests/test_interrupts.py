"""SIGTERM and Ctrl-C while a command writes its charts: one line on stderr, exit code 128 +
the signal's number, no traceback, no staging folder left and no half-written output.

Deterministic, with no timing: the command runs in a child process whose chart writer, after
writing its first chart into the staging folder, leaves a marker file and waits; the test sends
the signal only once the marker is there, so it always lands in the middle of the charts."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from coopsim.report.output_folder import STAGING_PREFIX
from tests.test_sweep import SCENARIO

# The child: coopsim's own entry point, with the chart writer made to stop after one chart.
CHILD = """
import sys, time
from pathlib import Path
import coopsim.report.drawing as drawing

marker, real = Path(sys.argv[1]), drawing.write_spec_files

def write_then_wait(where, name, spec, formats):
    real(where, name, spec, formats)
    marker.write_text(str(where))
    while True:
        time.sleep(0.01)

drawing.write_spec_files = write_then_wait
sys.argv = ["coopsim", *sys.argv[2:]]
from coopsim.cli import main
main()
"""
WAIT = 300  # seconds: a generous bound on reaching the first chart on a loaded machine, not a threshold


def _interrupt_while_charting(tmp_path: Path, args: list[str], signum: int) -> tuple[subprocess.CompletedProcess, Path]:
    """Run `coopsim ARGS` in a child, send `signum` once its first chart is written; return the
    finished process and the staging folder the charts were going to."""
    marker = tmp_path / "first-chart-written"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(marker), *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + WAIT
    while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert marker.exists(), f"the command never wrote a chart: {child.poll()} {child.stderr.read() if child.poll() is not None else ''}"
    child.send_signal(signum)
    stdout, stderr = child.communicate(timeout=WAIT)
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr), Path(marker.read_text()).parent


def _leftover_staging(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if p.name.startswith(STAGING_PREFIX)]


@pytest.mark.parametrize("signum, code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_while_a_sweep_writes_its_charts_ends_it_cleanly(tmp_path, signum, code):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "sweep"
    args = ["sweep", str(path), "--workers", "1", "--out", str(out)]
    done, staging = _interrupt_while_charting(tmp_path, args, signum)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[-1] == (f"coopsim: interrupted by {signal.Signals(signum).name}: finished tasks are saved "
                         f"in {out}/data; run the same command again to resume")
    assert staging.name.startswith(STAGING_PREFIX)  # the signal came while charts were being staged
    assert not staging.exists() and not _leftover_staging(tmp_path)
    # The folder is the resumable store only: no report, no charts, nothing half-written.
    assert not (out / "charts").exists() and not (out / "report.md").exists()
    saved = sum(len(p.read_text().splitlines()) for p in (out / "data").glob("results-*.jsonl"))
    assert saved == 8
    rerun = subprocess.run([sys.executable, "-m", "coopsim", *args], capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert "resumed: 8 of 8 tasks were already done; ran 0" in rerun.stdout
    assert len(pd.read_csv(out / "data" / "sweep.csv")) == 8 and (out / "charts" / "sweep-welfare.png").exists()


def test_sigterm_while_a_run_writes_its_charts_leaves_no_output_folder(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO.replace("rounds: 30", "rounds: 10"))
    out = tmp_path / "run"
    done, staging = _interrupt_while_charting(tmp_path, ["run", str(path), "--out", str(out), "--quiet"],
                                              signal.SIGTERM)
    assert done.returncode == 143, done.stderr
    assert done.stderr.strip().splitlines() == [
        "coopsim: interrupted by SIGTERM: no output folder was left half-written"]
    assert staging.name.startswith(STAGING_PREFIX)  # the signal came while charts were being staged
    assert not staging.exists() and not _leftover_staging(tmp_path) and not out.exists()



def test_sigterm_while_a_sensitivity_analysis_writes_its_charts_keeps_its_runs(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "sensitivity"
    done, staging = _interrupt_while_charting(
        tmp_path, ["sensitivity", str(path), "--replicates", "1", "--workers", "1", "--out", str(out)], signal.SIGTERM)
    assert done.returncode == 143, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"coopsim: interrupted by SIGTERM: finished runs are saved in {out / 'oat'}/data; "
        "run the same command again to resume")
    assert staging.name.startswith(STAGING_PREFIX) and not staging.exists() and not _leftover_staging(tmp_path)
    assert not (out / "charts").exists() and list((out / "oat" / "data").glob("results-*.jsonl"))
