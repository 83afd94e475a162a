"""Every command writes the same report folder: index.html, report.md, charts/, data/ and
manifest.json, opening with findings that are generated from the results and printed in the
terminal before the path; every quoted number is the value in data/ it came from; every chart
renders in a browser and fits a journal's two-column width."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from coopsim.analyses.findings import percent, plain
from coopsim.charts.theme import ACTION_COLOURS, MAX_CHART_WIDTH
from coopsim.report.output_folder import is_coopsim_folder
from tests.test_report import assert_charts_rendered, render_in_chromium

COMMANDS = ("run", "evolve", "sweep", "phase", "sensitivity")
CHART_FILES = (".png", ".svg", ".vl.json", ".html")


def test_every_command_writes_the_five_parts(command_reports):
    assert {name.split("-")[0] for name in command_reports} == set(COMMANDS)
    for name, (folder, _) in command_reports.items():
        for part in ("index.html", "report.md", "manifest.json", "findings.json", "scenario.yaml"):
            assert (folder / part).is_file(), (name, part)
        assert is_coopsim_folder(folder), name
        manifest = json.loads((folder / "manifest.json").read_text())
        # the command line (sys.argv: pytest's own here), seed and scenario hash to reproduce it
        assert {"command", "seed", "scenario_sha256", "versions"} <= set(manifest), name
        assert list((folder / "data").glob("*.csv")), name
        charts = sorted((folder / "charts").glob("*.vl.json"))
        assert charts, name
        for spec in charts:
            stem = spec.name.removesuffix(".vl.json")
            assert all((folder / "charts" / f"{stem}{suffix}").is_file() for suffix in CHART_FILES), (name, stem)
            assert f"charts/{stem}.png" in (folder / "report.md").read_text(), (name, stem)


def test_findings_open_the_report_and_the_terminal(command_reports):
    for name, (folder, stdout) in command_reports.items():
        findings = json.loads((folder / "findings.json").read_text())
        assert findings and not findings[0]["caveat"], name
        report = (folder / "report.md").read_text()
        headings = re.findall(r"^## (.+)$", report, re.M)
        assert headings[0] == "Findings", (name, headings)
        page = (folder / "index.html").read_text()
        assert page.index("<h2>Findings</h2>") < page.index("<figure"), name
        first = findings[0]["text"]
        assert first in report, name
        lines = stdout.splitlines()
        printed = next(k for k, line in enumerate(lines) if line.strip(" -") == first)
        path = next(k for k, line in enumerate(lines) if line.startswith("report written to"))
        assert printed < path, name


def _shown(value: float) -> set[str]:
    """Every way a finding writes a number."""
    return {percent(value), percent(value, sign=False), plain(value), f"{value:.4g}", f"{value:.2f}",
            f"{value:.3g}", f"{value:g}"}


def test_every_quoted_number_is_the_value_in_data(command_reports):
    checked = 0
    for name, (folder, _) in command_reports.items():
        if name == "run":
            continue  # quotes per-variant summaries by name: tests/test_findings.py checks them
        for finding in json.loads((folder / "findings.json").read_text()):
            for quoted in finding["values"]:
                table = pd.read_csv(folder / "data" / f"{quoted['table']}.csv")
                saved = table.loc[int(quoted["row"]), quoted["column"]]
                assert quoted["value"] == pytest.approx(float(saved), rel=1e-9, abs=1e-12), (name, quoted)
                assert _shown(quoted["value"]) & set(re.findall(r"-?[\d,]*\.?\d+%?", finding["text"])) \
                    or any(s in finding["text"] for s in _shown(quoted["value"])), (name, quoted, finding["text"])
                checked += 1
    assert checked >= 20


def test_every_chart_is_valid_vega_lite(command_reports):
    """Reports compile charts without Altair's schema check (coopsim.report.drawing.chart_spec),
    for speed; every chart of every command is checked against the Vega-Lite schema here."""
    from altair.vegalite.v6.schema.core import TopLevelSpec

    checked = 0
    for name, (folder, _) in command_reports.items():
        for spec in (folder / "charts").glob("*.vl.json"):
            TopLevelSpec.validate(json.loads(spec.read_text()))
            checked += 1
    assert checked >= 20


def test_every_chart_fits_two_columns(command_reports):
    for name, (folder, _) in command_reports.items():
        for svg in (folder / "charts").glob("*.svg"):
            width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg.read_text()).group(1))
            assert width <= MAX_CHART_WIDTH, (name, svg.name, width)


@pytest.mark.parametrize("name", ["run", "evolve", "sweep", "sweep-grid", "phase", "sensitivity",
                                  "sensitivity-sobol"])
def test_every_command_report_renders_in_chromium(command_reports, name, tmp_path):
    if name not in command_reports:
        pytest.skip("SALib is not installed")
    folder, _ = command_reports[name]
    dom, console = render_in_chromium(folder / "index.html", tmp_path / "profile")
    assert_charts_rendered(dom, len(list((folder / "charts").glob("*.vl.json"))))
    assert not console, console


# --------------------------------------------------------------------------- each command's answer


def test_phase_marks_the_scenarios_point_and_finds_the_critical_trust(command_reports):
    """Assurance game: R = 4, T = 3, S = -3, P = -1, so cooperating pays above trust
    (P - S) / ((R - T) + (P - S)) = 2/3. The boundary found along trust brackets 2/3, the maps mark
    the scenario's own point (exposure 3, trust 0.6), and cooperate/defect use the report's colours."""
    folder, stdout = command_reports["phase"]
    boundaries = pd.read_csv(folder / "data" / "phase_boundaries.csv")
    along_trust = boundaries[(boundaries["along"] == "game.trust") & (boundaries["map"] == "cooperation_rational")]
    assert len(along_trust) == 1
    low, high = along_trust.iloc[0][["from_value", "to_value"]]
    assert low < 2 / 3 < high and high - low == pytest.approx(0.01)
    assert "between trust 0.66 and 0.67" in stdout
    assert "at trust 0.6667 (the critical trust)" in stdout
    spec = json.loads((folder / "charts" / "phase-cooperation-rational.vl.json").read_text())
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {"x": 3.0, "y": 0.6, "label": "this scenario"} in rows
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    assert dict(zip(scale["domain"], scale["range"])) == ACTION_COLOURS
    legend = json.loads((folder / "charts" / "phase-game-class.vl.json").read_text())
    assert "boundary between harmony and stag hunt" in json.dumps(legend)


def test_sweep_says_where_cooperation_crosses_one_half(command_reports):
    """Trust decides the assurance game at 2/3: long-run cooperation crosses 50% between the two
    grid values around it, and the finding and the chart title say so."""
    folder, stdout = command_reports["sweep"]
    summary = pd.read_csv(folder / "data" / "sweep_summary.csv").sort_values("game.trust")
    above = summary[summary["long_run_cooperation_mean"] > 0.5]["game.trust"]
    below = summary[summary["long_run_cooperation_mean"] < 0.5]["game.trust"]
    assert below.max() < 2 / 3 < above.min()
    words = f"crosses 50% between trust {below.max():.4g} and {above.min():.4g}"
    assert words in stdout
    title = json.loads((folder / "charts" / "sweep-long-run-cooperation.vl.json").read_text())["title"]["text"]
    assert words in (title if isinstance(title, str) else " ".join(title))
    assert not (folder / "charts" / "sweep-cumulative-incidents.vl.json").exists()  # none occurred
    assert "No incidents occurred at any grid point" in (folder / "report.md").read_text()


def test_a_resumed_sweep_keeps_its_stored_runs(command_reports, tmp_path):
    from typer.testing import CliRunner

    from coopsim.cli import app
    from tests.command_reports import command_lines

    folder, _ = command_reports["sweep"]
    stored = sorted((folder / "data").glob("results-*.jsonl"))
    assert stored
    before = stored[0].read_bytes()
    args = command_lines(tmp_path)["sweep"]
    result = CliRunner().invoke(app, [*args, "--out", str(folder)])
    assert result.exit_code == 0 and "resumed: 22 of 22 tasks were already done; ran 0" in result.stdout
    assert stored[0].read_bytes() == before


def test_sensitivity_names_the_lever_that_matters_most(command_reports):
    folder, stdout = command_reports["sensitivity"]
    table = pd.read_csv(folder / "data" / "sensitivity-oat.csv")
    baseline = table[table["variant"] == "baseline"]
    top = baseline.loc[baseline["long_run_cooperation_effect"].abs().idxmax()]
    label = top["parameter label"].split(" (")[0].lower()
    assert f"In baseline, {label} moves long-run cooperation most" in stdout


def test_sobol_findings_give_intervals(command_reports):
    if "sensitivity-sobol" not in command_reports:
        pytest.skip("SALib is not installed")
    folder, stdout = command_reports["sensitivity-sobol"]
    table = pd.read_csv(folder / "data" / "sensitivity-sobol.csv")
    part = table[table["metric"] == "long_run_cooperation"]
    top = part.loc[part["ST"].idxmax()]
    low, high = top["ST"] - top["ST_conf"], top["ST"] + top["ST_conf"]
    assert f"ST = {top['ST']:.2f} [{low:.2f}, {high:.2f}]" in stdout
    spec = (folder / "charts" / "sobol-long-run-cooperation.vl.json").read_text()
    assert '"x2": {"field": "high"' in spec  # the interval is drawn
    second = part.sort_values("ST", ascending=False).iloc[1]
    title = json.loads(spec)["title"]["text"]
    title = title if isinstance(title, str) else " ".join(title)
    overlap = low <= second["ST"] + second["ST_conf"]
    assert title.startswith("No clear leader at 8 samples") == overlap  # the title claims no more than the data


def test_evolve_names_the_most_abundant_strategy_and_zone(command_reports):
    folder, stdout = command_reports["evolve"]
    stationary = pd.read_csv(folder / "data" / "stationary.csv")
    base = stationary[stationary["variant"] == "scenario"]
    top = base.loc[base["share"].idxmax()]
    evolution = json.loads((folder / "evolution.json").read_text())
    assert top["strategy"] == evolution["most_abundant"]
    assert f"{top['strategy']} ({top['meaning']}) is the most abundant strategy" in stdout
    assert f"Zone (always safe against always unsafe): {evolution['zone']}" in stdout


def test_report_rebuilds_only_run_folders(command_reports):
    """`coopsim report` on another command's folder is refused (exit 2), leaving it untouched."""
    from typer.testing import CliRunner

    from coopsim.cli import app

    folder, _ = command_reports["phase"]
    before = sorted(p.name for p in folder.iterdir())
    result = CliRunner().invoke(app, ["report", str(folder)])
    assert result.exit_code == 2 and "a `coopsim phase` report, not a run" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == before
