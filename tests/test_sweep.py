"""Sweeps: validation up front, identical results on every executor, resume, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.scenario.loading import ScenarioError, loads_scenario
from coopsim.sweep import executors
from coopsim.sweep.executors import LocalExecutor, SerialExecutor
from coopsim.sweep.plan import build_plan
from coopsim.sweep.runner import execute

SCENARIO = """\
name: sweep test
seed: 5
game: {trust: 0.7, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}
labs:
  - {name: Lab, count: 3, strategy: {type: trust_best_response}}
dynamics: {rounds: 30, replicates: 2, tremble: 0.05}
interventions:
  - {type: audit_and_fine, detection_probability: 0.5, fine: 1}
sweep:
  parameters:
    game.trust: [0.3, 0.9]
    "interventions[0].fine": [0, 4]
"""


@pytest.fixture
def plan():
    return build_plan(loads_scenario(SCENARIO), "s.yaml")


def test_plan_lists_every_grid_point_variant_and_replicate(plan):
    assert len(plan.points) == 4 and len(plan.tasks) == 8
    assert plan.points[1] == {"game.trust": 0.3, "interventions[0].fine": 4}
    assert plan.tasks[3].seed_entropy(5) == [5, 1, 0, 1]


@pytest.mark.parametrize("overrides, field", [
    ({"game.trsut": [0.1]}, "game.trsut"),
    ({"game.trust": [0.5, 1.5]}, "game.trust"),
    ({"interventions[2].fine": [1]}, "interventions[2].fine"),
])
def test_bad_grid_fails_before_anything_runs(overrides, field):
    with pytest.raises(ScenarioError) as info:
        build_plan(loads_scenario(SCENARIO), "s.yaml", overrides)
    assert field in str(info.value)


def test_serial_and_local_pool_give_identical_results(plan, tmp_path):
    serial = execute(plan, tmp_path / "serial", SerialExecutor()).table
    local = execute(plan, tmp_path / "local", LocalExecutor(2)).table
    assert len(serial) == 8
    pd.testing.assert_frame_equal(serial, local)
    # The grid matters: high trust and a deterrent fine cooperate more than low trust, no fine.
    by_point = serial.groupby("point")["long_run_cooperation"].mean()
    assert by_point[3] > by_point[0]


def test_dask_cluster_on_loopback_gives_identical_results(plan, tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        dask_table = execute(plan, tmp_path / "dask", executors.DaskExecutor(cluster.scheduler_address)).table
    serial = execute(plan, tmp_path / "serial", SerialExecutor()).table
    pd.testing.assert_frame_equal(serial, dask_table)


def test_interrupted_sweep_resumes_without_rerunning(plan, tmp_path):
    folder = tmp_path / "sweep"

    def stop_after_three(done, total, running, failed):
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        execute(plan, folder, SerialExecutor(), stop_after_three)
    resumed = execute(plan, folder, SerialExecutor())
    assert (resumed.reused, resumed.ran) == (3, 5) and resumed.complete
    fresh = execute(plan, tmp_path / "fresh", SerialExecutor()).table
    pd.testing.assert_frame_equal(resumed.table, fresh)


def test_killed_process_leaves_results_and_rerun_completes(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO.replace("rounds: 30", "rounds: 4000").replace("replicates: 2", "replicates: 6"))
    out = tmp_path / "sweep"
    command = [sys.executable, "-m", "coopsim", "sweep", str(scenario), "--workers", "1", "--out", str(out), "-q"]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 120
    results = None
    while time.monotonic() < deadline:
        found = list((out / "data").glob("results-*.jsonl")) if (out / "data").exists() else []
        if found and len(found[0].read_text().splitlines()) >= 2:
            results = found[0]
            break
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert results is not None, "the sweep never persisted a result"
    saved = len(results.read_text().splitlines())
    assert 2 <= saved < 24
    rerun = subprocess.run(command[:-1], capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resumed: {saved} of 24 tasks were already done; ran {24 - saved}" in rerun.stdout
    assert len(pd.read_csv(out / "data" / "sweep.csv")) == 24


def test_a_failing_task_is_reported_and_the_rest_finish(tmp_path, monkeypatch):
    real = executors.run_tasks

    def flaky(tasks, seed):  # a batch holding a task of point 2 fails; the others finish
        if any(task.point == 2 for task in tasks):
            raise RuntimeError("boom")
        return real(tasks, seed)

    monkeypatch.setattr(executors, "run_tasks", flaky)
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    result = CliRunner().invoke(app, ["sweep", str(path), "--workers", "1", "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "RuntimeError: boom" in result.stderr and '"game.trust": 0.9' in result.stderr
    assert "sweep incomplete: 6 of 8" in result.stderr
    assert len(pd.read_csv(tmp_path / "o" / "data" / "sweep.csv")) == 6


def test_sweep_command_writes_table_summary_and_charts(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    out = tmp_path / "o"
    result = CliRunner().invoke(app, ["sweep", str(path), "--set", "game.trust=0:1:3", "--replicates", "1",
                                      "--workers", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "data" / "sweep_summary.csv")
    assert len(summary) == 6  # 3 trust values x 2 fines
    assert {"long_run_cooperation_mean", "long_run_cooperation_low", "welfare_high"} <= set(summary)
    assert (out / "charts" / "sweep-welfare.png").exists()


def test_sweep_set_with_a_bad_path_exits_2(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    result = CliRunner().invoke(app, ["sweep", str(path), "--set", "dynamics.rouds=1,2",
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "dynamics.rouds" in result.stderr
    assert not (tmp_path / "o").exists()


def test_race_models_are_swept_once_per_point_with_their_own_measures():
    race = loads_scenario("name: r\ngame: {model: precipice, teams: 2, mu: 1, enmity: 1, information: none}\n")
    plan = build_plan(race, "r.yaml", {"game.mu": [1, 2]}, replicates=7)
    assert plan.exact and plan.replicates == 1 and len(plan.tasks) == 2
    assert [m.name for m in plan.measures][0] == "disaster_probability"
