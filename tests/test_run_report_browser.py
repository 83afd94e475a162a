"""The new parts of `coopsim run`'s report (lab-by-lab charts, the expected-payoff chart per
variant, the race models' findings and charts, the network charts) render in headless Chromium with no console
message."""

from __future__ import annotations

import pytest

from coopsim.analyses.run import run
from coopsim.report import folder
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT, chart_specs_only
from tests.test_lab_by_lab import THREE_LABS
from tests.test_report import assert_charts_rendered, render_in_chromium


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    source = tmp_path_factory.mktemp("three") / "three.yaml"
    source.write_text(THREE_LABS)
    scenarios = {
        "three-labs": load_scenario(source),
        "joint-research": with_overrides(load_scenario(ROOT / "scenarios" / "joint-research-changes-the-answer.yaml"),
                                         {"dynamics.rounds": 40, "dynamics.replicates": 2}),
        "dsair-early-race": load_scenario(ROOT / "scenarios" / "dsair-early-race.yaml"),
        "precipice": load_scenario(ROOT / "scenarios" / "precipice-private-information.yaml"),
        "network": with_overrides(load_scenario(ROOT / "scenarios" / "network-frontier-labs.yaml"),
                                  {"dynamics.rounds": 40, "dynamics.replicates": 2}),
        "dsair-network-race": with_overrides(load_scenario(ROOT / "scenarios" / "dsair-network-race.yaml"),
                                             {"dynamics.rounds": 30, "dynamics.replicates": 2}),
    }
    with chart_specs_only():  # index.html embeds every spec itself
        return {name: folder.write_report(run(s), tmp_path_factory.mktemp(name) / "report")
                for name, s in scenarios.items()}


@pytest.mark.parametrize("name, charts", [
    ("three-labs", {"labs-compared", "cooperation-by-lab-over-time", "expected-payoff-by-variant"}),
    ("joint-research", {"expected-payoff-by-variant"}),
    ("dsair-early-race", {"dsair-zones-s-p_r", "dsair-zones-p_fo-p_r"}),
    ("precipice", {"precipice-disaster-vs-mu"}),
    ("network", {"cooperation-by-degree", "network-drawing"}),
    ("dsair-network-race", {"race-shares-by-degree"}),
])
def test_renders_without_console_messages(pages, tmp_path, name, charts):
    page = pages[name] / "index.html"
    html = page.read_text()
    assert html.index("<h2>Findings</h2>") < html.index("<h2>The scenario</h2>")
    assert all(f'id="chart-{chart}"' in html for chart in charts)
    dom, console = render_in_chromium(page, tmp_path / "profile")
    assert_charts_rendered(dom, at_least=len(charts))
    assert console == [], console
