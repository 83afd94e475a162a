"""Output folders: nothing of the user's is ever replaced, a replace never leaves the user without
a report, killed runs leave nothing behind, permissions follow the umask, long names and long
runs still give a report."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import coopsim.report.output_folder as output_folder
from coopsim.cli import app
from coopsim.report.folder import slugify
from coopsim.report.output_folder import atomic_directory, exchange_paths, is_coopsim_folder
from tests.conftest import ROOT

PD = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
RACE = ROOT / "scenarios" / "dsair-early-race.yaml"
SMALL = """
name: {name}
seed: 5
game: {{trust: 0.8, shared_upside: 3, advantage: 5, exposure: 2, shared_downside: 1}}
labs:
  - {{name: Lab, count: 2}}
dynamics: {{rounds: {rounds}, replicates: {replicates}, tremble: 0.05,
            incidents: {{probability: 0.1, cost: 1}}}}
"""

# Each command that writes a folder, its arguments, and the work it must not start on refusal.
COMMANDS = {
    "run": (["run", str(PD)], [("coopsim.analyses.run", "run")]),
    "evolve": (["evolve", str(RACE)], [("coopsim.analyses.evolution", "evolve")]),
    "phase": (["phase", str(PD), "--x", "game.exposure=0:4:3", "--y", "game.trust=0:1:3"],
              [("coopsim.analyses.phase", "phase_grid")]),
    "sweep": (["sweep", str(PD), "--set", "game.trust=0,1", "--workers", "1"],
              [("coopsim.sweep.executors", "make_executor")]),
    "sensitivity": (["sensitivity", str(PD), "--workers", "1"],
                    [("coopsim.sweep.executors", "make_executor")]),
}


def forbid(monkeypatch, module: str, name: str) -> None:
    """Make `module.name` (and any command module's copy of it) fail the test if called."""
    original = getattr(importlib.import_module(module), name)

    def called(*args, **kwargs):
        pytest.fail(f"{module}.{name} ran although the output folder was refused")

    monkeypatch.setattr(f"{module}.{name}", called)
    for loaded, mod in list(sys.modules.items()):
        if loaded.startswith("coopsim.commands.") and getattr(mod, name, None) is original:
            monkeypatch.setattr(mod, name, called)


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(args: list[str]):
    return CliRunner().invoke(app, args)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_folder_holding_user_files_is_refused_before_any_work(command, tmp_path, monkeypatch):
    args, work = COMMANDS[command]
    for module, name in work:
        forbid(monkeypatch, module, name)
    mine = tmp_path / "mine"
    (mine / "charts").mkdir(parents=True)
    (mine / "thesis.txt").write_text("three years of work")
    (mine / "charts" / "figure1.png").write_bytes(b"\x89PNG user figure")
    before = tree(mine)
    result = invoke([*args, "--out", str(mine)])
    assert result.exit_code == 2, result.output
    assert "coopsim did not write" in result.stderr and str(mine) in result.stderr
    assert "Traceback" not in result.output
    assert tree(mine) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no staging folder left


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_file_is_refused_and_left_alone(command, tmp_path, monkeypatch):
    args, work = COMMANDS[command]
    for module, name in work:
        forbid(monkeypatch, module, name)
    target = tmp_path / "notes.txt"
    target.write_text("my notes")
    result = invoke([*args, "--out", str(target)])
    assert result.exit_code == 2 and "is a file" in result.stderr, result.output
    assert target.read_text() == "my notes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_the_current_folder_is_refused_before_simulating(tmp_path, monkeypatch):
    forbid(monkeypatch, "coopsim.analyses.run", "run")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x")
    for out in (".", str(tmp_path), ".."):
        result = invoke(["run", str(PD), "--out", out])
        assert result.exit_code == 2 and "current folder" in result.stderr, result.output
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_a_look_alike_manifest_is_not_enough(tmp_path, monkeypatch):
    forbid(monkeypatch, "coopsim.analyses.run", "run")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "manifest.json").write_text(json.dumps({"scenario": "x", "written_by": "me"}))
    result = invoke(["run", str(PD), "--out", str(mine)])
    assert result.exit_code == 2 and "lacks coopsim's marker" in result.stderr
    assert (mine / "manifest.json").is_file()


def test_a_link_is_refused(tmp_path, monkeypatch):
    forbid(monkeypatch, "coopsim.analyses.run", "run")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    result = invoke(["run", str(PD), "--out", str(tmp_path / "link")])
    assert result.exit_code == 2 and "symbolic link" in result.stderr
    assert (tmp_path / "link").is_symlink()


def small_scenario(tmp_path: Path, name: str = "Small", rounds: int = 8, replicates: int = 2) -> Path:
    path = tmp_path / f"{abs(hash(name))}.yaml"
    path.write_text(SMALL.format(name=json.dumps(name), rounds=rounds, replicates=replicates))
    return path


def test_every_command_marks_its_folders_as_coopsims_and_may_replace_them(tmp_path):
    commands = {
        "run": (["run", str(small_scenario(tmp_path)), "-q"], 2),
        "sweep": (["sweep", str(small_scenario(tmp_path)), "--set", "game.trust=0,1", "--workers", "1", "-q"], 2),
        "phase": (["phase", str(PD), "--x", "game.exposure=0:4:3", "--y", "game.trust=0:1:3", "-q"], 1),
    }
    for name, (args, times) in commands.items():
        out = tmp_path / name
        for _ in range(times):  # the second time replaces (run) or resumes (sweep) its own folder
            result = invoke([*args, "--out", str(out)])
            assert result.exit_code == 0, (name, result.output)
            assert is_coopsim_folder(out), name
    assert list((tmp_path / "sweep" / "data").glob("results-*.jsonl"))  # the resumed store is kept
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


def make_report(folder: Path, text: str) -> None:
    with atomic_directory(folder) as staging:
        (staging / "report.txt").write_text(text)


class Killed(BaseException):
    """Stands for the process being killed at this point."""


def test_a_kill_between_the_two_renames_loses_no_report(tmp_path, monkeypatch):
    """Without an atomic swap the old report is renamed away first; if the run dies before the new
    one is renamed in, the next run puts the old one back before anything else."""
    out = tmp_path / "report"
    make_report(out, "old")
    monkeypatch.setattr(output_folder, "exchange_paths", lambda a, b: False)
    real_rename, calls = os.rename, []

    def rename_then_die(source, target):
        calls.append((source, target))
        if len(calls) == 2:
            raise Killed
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", rename_then_die)
    with pytest.raises(Killed):
        make_report(out, "new")
    monkeypatch.setattr(os, "rename", real_rename)
    assert not out.exists()  # the moment a kill would leave; the old report sits beside it
    with pytest.raises(RuntimeError):
        with atomic_directory(out):
            raise RuntimeError("the next run fails too")
    assert (out / "report.txt").read_text() == "old"
    make_report(out, "new")
    assert (out / "report.txt").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report"]


def test_the_replace_is_one_atomic_swap_where_the_system_has_one(tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir(), second.mkdir()
    (first / "which").write_text("a")
    (second / "which").write_text("b")
    if not exchange_paths(first, second):
        pytest.skip("no atomic exchange on this system or file system")
    assert (first / "which").read_text() == "b" and (second / "which").read_text() == "a"
    out = tmp_path / "report"
    make_report(out, "old")
    real_rename = os.rename

    def no_plain_rename_of_the_report(source, target):
        assert Path(source) != out, "the old report was renamed away: not one atomic step"
        real_rename(source, target)

    monkeypatch.setattr(os, "rename", no_plain_rename_of_the_report)
    make_report(out, "new")
    assert (out / "report.txt").read_text() == "new"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_staging_folders_of_dead_runs_are_removed_and_live_ones_kept(tmp_path):
    host = output_folder._HOST
    dead = tmp_path / f".coopsim-tmp-{dead_pid()}-0badc0de-{host}"
    live = tmp_path / f".coopsim-tmp-{os.getppid()}-0badc0de-{host}"  # pytest's parent is alive
    user = tmp_path / ".coopsim-tmp-notes"
    for folder in (dead, live, user):
        folder.mkdir()
        (folder / "index.html").write_text("half written")
    make_report(tmp_path / "report", "x")
    assert not dead.exists() and live.is_dir() and user.is_dir()


def test_an_empty_folder_is_used_and_a_coopsims_folder_replaced_whole(tmp_path):
    out = tmp_path / "report"
    out.mkdir()
    make_report(out, "first")
    assert is_coopsim_folder(out)  # a marker manifest is added when the writer wrote none
    (out / "stale-extra.csv").write_text("left by an older run")
    make_report(out, "second")
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "report.txt"]
    assert (out / "report.txt").read_text() == "second"


@pytest.mark.parametrize("umask", [0o022, 0o027, 0o077])
def test_output_folders_follow_the_umask(tmp_path, umask):
    previous = os.umask(umask)
    try:
        with atomic_directory(tmp_path / "out") as staging:
            (staging / "charts").mkdir()
    finally:
        os.umask(previous)
    for folder in (tmp_path / "out", tmp_path / "out" / "charts"):
        assert folder.stat().st_mode & 0o777 == 0o777 & ~umask


def test_long_names_give_short_distinct_folder_names(tmp_path, monkeypatch):
    base = "A very long scenario name about frontier labs and newcomers " * 5
    names = [base + "variant one", base + "variant two", "x" * 300, "é" * 300]
    slugs = [slugify(name) for name in names]
    assert len(set(slugs)) == len(slugs)
    assert all(len(slug.encode()) <= 64 for slug in slugs)
    assert slugs[0].startswith("a-very-long-scenario-name-about-frontier-labs")
    assert slugify("Frontier lab vs newcomer!") == "frontier-lab-vs-newcomer"  # short names unchanged
    monkeypatch.chdir(tmp_path)
    scenario = small_scenario(tmp_path, "y" * 300)
    result = invoke(["run", str(scenario), "-q"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "reports").iterdir()] == [slugify("y" * 300)]


def test_a_run_longer_than_the_chart_row_limit_gets_its_report(tmp_path):
    from coopsim.charts.dynamics import MAX_POINTS

    scenario = small_scenario(tmp_path, "Long", rounds=5001, replicates=1)
    out = tmp_path / "out"
    result = invoke(["run", str(scenario), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out / "data" / "rounds.csv")) == 5001  # the data keeps every round
    spec = json.loads((out / "charts" / "cooperation-over-time.vl.json").read_text())
    rows = [row for values in spec["datasets"].values() for row in values]
    assert len(rows) <= MAX_POINTS
    assert "each point averages 3 rounds" in json.dumps(spec["title"])


def test_thinned_series_average_per_replicate_windows_and_keep_running_totals():
    """Hand-made rounds: replicate 0 cooperates on even rounds only, replicate 1 always; one
    incident every round in both. Windows of 4 rounds: cooperation 0.5 and 1 per replicate (mean
    0.75), cumulative incidents 4, 8, ... at rounds 3, 7, ..."""
    from coopsim.charts.dynamics import band_table

    rows = [{"variant": "v", "replicate": r, "round": t,
             "cooperation_rate": float(r == 1 or t % 2 == 0), "incidents": 1.0}
            for r in (0, 1) for t in range(12)]
    rounds = pd.DataFrame(rows).sample(frac=1, random_state=0)  # order must not matter
    rates = band_table(rounds, "cooperation_rate", False, (0.0, 1.0), window=4)
    assert rates["mean"].tolist() == [0.75, 0.75, 0.75]
    assert rates["round"].tolist() == [1.5, 5.5, 9.5]
    # the band is across the replicates' window means, 0.5 and 1: it lies between them, not at a point
    assert (rates["low"] >= 0.5).all() and (rates["high"] <= 1.0).all() and (rates["low"] < rates["high"]).all()
    totals = band_table(rounds, "incidents", True, (0.0, None), window=4)
    assert totals["round"].tolist() == [3, 7, 11] and totals["mean"].tolist() == [4, 8, 12]
    assert (totals["low"] == totals["mean"]).all()  # identical replicates: no spread
    unthinned = band_table(rounds, "incidents", True, (0.0, None))
    assert unthinned["mean"].tolist() == list(range(1, 13))


# --------------------------------------------------------------------------- interrupted sweeps


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has finished; it only waits to be reaped


def results_saved(folder: Path) -> bool:
    return any(path.stat().st_size for path in folder.glob("data/results-*.jsonl"))


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm", "sigkill"])
def test_an_interrupted_sweep_leaves_no_worker_running(how, tmp_path):
    # long enough that the sweep is still running when the signal comes (tasks run in batches)
    scenario = small_scenario(tmp_path, "Sweep", rounds=3000, replicates=2)
    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "coopsim", "sweep", str(scenario), "--set", "game.trust=0:1:400",
               "--workers", "2", "--out", str(out), "-q"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)  # its own process group, like a terminal job
    workers: set[int] = set()
    try:
        while process.poll() is None and not (len(workers) == 2 and results_saved(out)):
            workers = children(process.pid)
            time.sleep(0.2)
        assert process.poll() is None, process.communicate()
        if how == "ctrl-c":
            os.killpg(process.pid, signal.SIGINT)  # a terminal sends it to the whole group
        else:
            process.send_signal(signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        _, stderr = process.communicate(timeout=120)
        if how != "sigkill":
            name, code = ("SIGINT", 130) if how == "ctrl-c" else ("SIGTERM", 143)
            assert process.returncode == code, stderr
            assert f"coopsim: interrupted by {name}: finished tasks are saved".encode() in stderr
            assert b"Traceback" not in stderr
        deadline = time.monotonic() + 60
        while any(running(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not [pid for pid in workers if running(pid)], "sweep workers outlived the sweep"
    finally:
        if process.poll() is None:
            process.kill()
        for pid in workers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
