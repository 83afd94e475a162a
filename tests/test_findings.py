"""Findings: generated from the results, every quoted number traceable to the saved data.

Each bundled scenario is run briefly and its report folder written; then every number a finding
quotes is looked up again in the folder's own files (data/*.csv, oneshot.json, evolution.json,
solution.json) and must equal it and appear in the sentence as printed."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from coopsim.analyses.findings import findings_text, run_findings
from coopsim.analyses.headlines import percent, plain, threshold_text
from coopsim.analyses.run import has_stage_game, run
from coopsim.cli import app
from coopsim.report import folder
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import SCENARIOS, chart_specs_only

SHORT = {"dynamics.replicates": 3}


def short(path):
    scenario = load_scenario(path)
    return with_overrides(scenario, SHORT) if has_stage_game(scenario) else scenario


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Every bundled scenario run (3 replicates) and saved, charts as Vega-Lite JSON only."""
    saved = {}
    with chart_specs_only():
        for path in SCENARIOS:
            result = run(short(path))
            saved[path.stem] = (result, folder.write_report(result, tmp_path_factory.mktemp(path.stem) / "report"))
    return saved


def saved_value(report, table: str, row: str, column: str) -> float:
    """The value a finding quotes, read back from the report folder's own files."""
    if table in ("summary", "lab_summary"):
        data = pd.read_csv(report / "data" / f"{table}.csv")
        if table == "lab_summary":
            variant, kind = row.split("/", 1)
            return data[(data["variant"] == variant) & (data["kind"] == kind)][column].item()
        return data.set_index("variant").loc[row, column]
    if table == "rounds":
        variant, at = row.split("/", 1)
        data = pd.read_csv(report / "data" / "rounds.csv")
        number = int(at.removeprefix("round "))
        return data[(data["variant"] == variant) & (data["round"] == number)][column].mean()
    node = json.loads((report / f"{table}.json").read_text())
    for part in [p for p in row.split(".") if p]:
        name, *index = re.fullmatch(r"([^\[]+)((?:\[\d+\])*)", part).groups()
        node = node[name]
        for i in re.findall(r"\d+", index[0]) if index and index[0] else []:
            node = node[int(i)]
    return node[int(column)] if isinstance(node, list) else node[column]


def shown(value: float, column: str, row: str = "") -> list[str]:
    """The ways a quoted number may be printed (as a percentage: a share of the stationary
    distribution, of any strategy, and the network's shares of cooperating labs, the
    ``cooperating_labs`` and ``complete_graph`` objects)."""
    forms = [plain(value), f"{value:.3g}", threshold_text(value), f"{int(value):,}" if value == int(value) else ""]
    if ("cooperation" in column or column in ("AS", "AU", "CS", "low", "high") or "stationary" in column
            or row.endswith(("stationary", ".cooperating_labs", ".complete_graph", ".well_mixed"))
            or ".long_run." in row):
        forms += [percent(value), percent(value, sign=False)]
    return [f for f in forms if f]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_bundled_scenario_answers_its_question_with_numbers_from_its_data(reports, path):
    result, report = reports[path.stem]
    findings = run_findings(result)
    answers = [f for f in findings if not f.caveat]
    assert answers, "no findings"
    assert any(f.values for f in answers), "the findings quote no number"
    # At the top of the report, under the question, and in the terminal text.
    text = (report / "report.md").read_text()
    top = text[: text.index("## The scenario")]
    assert "**Question:**" in top and "## Findings" in top
    for finding in answers:
        assert finding.text.replace("_", "\\_")[:60] in top or finding.text[:60] in top
    terminal = findings_text(result.scenario, findings)
    assert terminal.splitlines()[0] == result.scenario.question.strip()
    for finding in findings:
        for table, row, column, value in finding.values:
            assert value == pytest.approx(saved_value(report, table, row, column), rel=1e-9, abs=1e-12), \
                (table, row, column)
            assert any(form in finding.text for form in shown(value, column, row)), (value, finding.text)


def test_the_run_prints_the_findings_and_the_report_starts_with_them(tmp_path):
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["run", "scenarios/prisoners-dilemma-race.yaml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    summary = pd.read_csv(out / "data" / "summary.csv").set_index("variant")
    before = summary.loc["baseline", "long_run_cooperation_mean"]
    after = summary.loc["audits_and_fines", "long_run_cooperation_mean"]
    line = next(l for l in result.stdout.splitlines() if l.startswith("  - With audits and fines"))
    assert f"from {percent(before)}" in line and f"to {percent(after)}" in line
    assert "rises" in line and after > before
    report = (out / "report.md").read_text()
    assert report.index("## Findings") < report.index("## The scenario")
    assert line.strip(" -") in report


def test_dsair_findings_give_each_variants_zone_and_the_regulation_band(reports):
    """Zones as the theory classifies them, and the band in p_r where safety needs regulating:
    above the collective-preference threshold and below the AS risk-dominance one."""
    result, report = reports["dsair-early-race"]
    evolved = json.loads((report / "evolution.json").read_text())
    text = " ".join(f.text for f in run_findings(result))
    for name, variant in evolved["variants"].items():
        assert f"{name.replace('_', ' ').capitalize()} (p_r = {variant['p_r']:.3g}): {variant['zone']} zone" in text
        preferred = variant["thresholds"]["collective_preference"]["exact"]
        selected = variant["thresholds"]["as_risk_dominance"]["exact"]
        expected = ("compliance" if variant["p_r"] > selected else "dilemma" if variant["p_r"] > preferred
                    else "innovation")
        assert variant["zone"] == expected
    assert f"only when p_r is above {selected:.3g}; between {preferred:.3g} and that" in text


def test_dsair_late_race_says_the_published_entry_changes_the_answer(reports):
    result, report = reports["dsair-late-race"]
    evolved = json.loads((report / "evolution.json").read_text())["variants"]
    leaders = {name: max(v["stationary"], key=v["stationary"].get) for name, v in evolved.items()}
    assert leaders["published"] != leaders["corrected_cs"]
    first = run_findings(result)[0].text
    assert first.startswith("The answer depends on the variant")
    assert f"{leaders['published']} in published" in first and f"{leaders['corrected_cs']} in corrected cs" in first


@pytest.mark.parametrize("stem", ["precipice-private-information", "precipice-public-information"])
def test_precipice_findings_closed_form_beside_monte_carlo_interval(reports, stem):
    result, report = reports[stem]
    solution = json.loads((report / "solution.json").read_text())
    d = solution["disaster_probability"]
    m, n = d["monte_carlo"], d["races"]
    half = 1.959963984540054 * (m * (1 - m) / n) ** 0.5  # the normal-approximation 95% interval
    assert d["monte_carlo_interval"] == pytest.approx([m - half, m + half])
    assert d["monte_carlo_interval"][0] <= d["closed_form"] <= d["monte_carlo_interval"][1]
    first, ranking = (f.text for f in run_findings(result)[:2])
    assert f"probability {d['closed_form']:.3g} (closed form)" in first
    assert f"give {m:.3g} [{d['monte_carlo_interval'][0]:.3g}, {d['monte_carlo_interval'][1]:.3g}]" in first
    # Armstrong et al.: for two teams, mu = 1.5, e = 1 the closed forms order public > private > none.
    assert ranking.index("public information") < ranking.index("private information") < ranking.index("no information")
    assert "the likelier disaster" in ranking


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_run_folder_holds_its_numbers_in_data(reports, path):
    """Race runs simulate no labs, yet their data/ holds the model's measures per variant (and
    evolve's tables): the precipice's disaster probability equals Armstrong et al.'s public-
    information rule integrated by hand, 1 - mu/(e (n + 1)) (1 - (1 - min(e/mu, 1))^(n + 1))."""
    result, report = reports[path.stem]
    tables = sorted(p.stem for p in (report / "data").glob("*.csv"))
    assert tables, "no data/ tables"
    if result.scenario.game.model == "precipice":
        measures = pd.read_csv(report / "data" / "measures.csv").set_index("variant")
        game = result.scenario.game
        n, mu, e = game.teams, game.mu, game.enmity
        public = 1 - mu / (e * (n + 1)) * (1 - (1 - min(e / mu, 1)) ** (n + 1))
        assert measures["disaster_probability_public_information"].iloc[0] == pytest.approx(public, rel=1e-9)
    if "evolution" in result.extras:
        stationary = pd.read_csv(report / "data" / "stationary.csv")
        base = stationary[stationary["variant"] == stationary["variant"].iloc[0]]
        assert base["share"].sum() == pytest.approx(1.0)
