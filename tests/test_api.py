"""The Python API analysts use from notebooks."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

import coopsim
from tests.conftest import ROOT


def test_load_run_and_save(tmp_path):
    scenario = coopsim.load_scenario(ROOT / "scenarios" / "joint-research-changes-the-answer.yaml")
    result = coopsim.run(scenario)
    assert list(result.summary["variant"]) == ["no_collaboration", "joint_research", "late_joint_research"]
    cooperation = result.summary.set_index("variant")["long_run_cooperation_mean"]
    # Research from the start makes cooperation rational at the labs' trust; started late, it
    # meets trust already eroded below the new critical trust (1/3) and changes nothing.
    assert cooperation["joint_research"] > 0.9
    assert cooperation["no_collaboration"] < 0.1 and cooperation["late_joint_research"] < 0.1
    assert "stag hunt" in result._repr_markdown_() or "prisoner" in result._repr_markdown_()
    chart = result.charts["cooperation-over-time"]
    assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    path = result.save(tmp_path / "report")
    assert (path / "index.html").is_file()


def _fresh_python(code: str, *flags: str) -> subprocess.CompletedProcess:
    """Run code in a new interpreter from the repository root."""
    return subprocess.run([sys.executable, *flags, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_readme_api_works_as_written_in_a_fresh_interpreter():
    done = _fresh_python(
        "import sys, coopsim\n"
        "assert 'pandas' not in sys.modules and 'mesa' not in sys.modules, 'import coopsim is lazy'\n"
        "names = dir(coopsim)\n"
        "assert {'run', 'load_scenario', 'loads_scenario', 'abm', 'scenario_io', 'theory'} <= set(names)\n"
        "scenario = coopsim.load_scenario('scenarios/assurance-trust-decides.yaml')\n"
        "print(len(coopsim.abm.simulate(scenario).rounds))\n"
        "print(coopsim.scenario_io.with_overrides(scenario, {'game.trust': 0.9}).game.trust)\n"
    )
    assert done.returncode == 0, done.stderr
    rounds, trust = done.stdout.split()
    assert int(rounds) > 0 and float(trust) == 0.9
    done = _fresh_python("from coopsim.scenario import Scenario; print(Scenario.__name__)")
    assert done.returncode == 0 and done.stdout.strip() == "Scenario", done.stderr[-500:]


def test_run_accepts_a_path():
    result = coopsim.run(ROOT / "scenarios" / "assurance-trust-decides.yaml")
    assert list(result.summary["variant"]) == ["baseline"]
    same = coopsim.run(str(ROOT / "scenarios" / "assurance-trust-decides.yaml"))
    pd.testing.assert_frame_equal(result.summary, same.summary)


def test_unknown_attributes_still_raise():
    with pytest.raises(AttributeError, match="no attribute 'simulate'"):
        coopsim.simulate  # noqa: B018


def test_plain_pytest_collects_the_suite_from_the_repository_root():
    # -P keeps the working directory off sys.path, as the `pytest` script does.
    done = _fresh_python("import pytest; raise SystemExit(pytest.main(['--collect-only', '-q']))", "-P")
    assert done.returncode == 0, done.stdout[-2000:]
    assert "tests/test_api.py::test_plain_pytest_collects_the_suite_from_the_repository_root" in done.stdout
