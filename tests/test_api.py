"""The Python API analysts use from notebooks."""

from __future__ import annotations

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
