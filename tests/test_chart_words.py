"""The words on the iterated-model charts of `coopsim run`: human labels, titles that state the
result, intervention windows on the time axis, and no chart of a measure that never happened."""

from __future__ import annotations

import json
import re

import pytest
import vl_convert

from coopsim.analyses.run import build_charts, has_stage_game, run
from coopsim.report import folder
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT, SCENARIOS, chart_specs_only

STAGE_GAME_SCENARIOS = [path for path in SCENARIOS if has_stage_game(load_scenario(path))]
SHORT = {"dynamics.rounds": 40, "dynamics.replicates": 2}
# A dotted path (game.trust, dynamics.tremble) or a snake_case identifier (late_joint_research).
RAW = re.compile(r"\b[A-Za-z]\w*\.[A-Za-z_]\w*\b|\b[A-Za-z0-9]+_\w+\b")


def _titles(vega) -> list[str]:
    """Every title a reader sees in a compiled Vega spec: chart and panel titles, axis and legend
    titles (as Vega-Lite resolved them, including titles taken from field names)."""
    found = []
    if isinstance(vega, dict):
        for key, value in vega.items():
            if key in ("axes", "legends"):
                found += [_text(item.get("title")) for item in value if item.get("title")]
            elif key == "title" and value:
                found.append(_text(value.get("text") if isinstance(value, dict) else value))
            found += _titles(value) if key not in ("data", "signals") else []
    elif isinstance(vega, list):
        for item in vega:
            found += _titles(item)
    return found


def _legend_entries(spec) -> list[str]:
    """The entries of every explicit colour/shape scale domain in a Vega-Lite spec (the legend
    shows these words, e.g. the variants' names)."""
    found = []
    if isinstance(spec, dict):
        domain = spec.get("scale", {}).get("domain") if isinstance(spec.get("scale"), dict) else None
        if isinstance(domain, list):
            found += [entry for entry in domain if isinstance(entry, str)]
        for value in spec.values():
            found += _legend_entries(value)
    elif isinstance(spec, list):
        for item in spec:
            found += _legend_entries(item)
    return found


def _text(value) -> str:
    if isinstance(value, dict):
        value = value.get("text", value.get("signal", ""))
    return " ".join(value) if isinstance(value, list) else str(value)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Each bundled five-factor/matrix scenario run briefly and saved (chart JSON only, for speed)."""
    saved = {}
    with chart_specs_only():
        for path in STAGE_GAME_SCENARIOS:
            result = run(with_overrides(load_scenario(path), SHORT))
            saved[path.stem] = (result, folder.write_report(result, tmp_path_factory.mktemp(path.stem) / "report"))
    return saved


def test_no_raw_identifiers_in_any_title_axis_or_legend(reports):
    assert len(reports) >= 5
    raw = []
    for stem, (_, report) in reports.items():
        specs = sorted((report / "charts").glob("*.vl.json"))
        assert specs, stem
        for spec in specs:
            vega_lite = json.loads(spec.read_text())
            titles = _titles(vl_convert.vegalite_to_vega(vega_lite)) + _legend_entries(vega_lite)
            assert titles, spec
            raw += [f"{stem}/{spec.name}: {title}" for title in titles if RAW.search(title)]
    assert not raw, "\n".join(raw)


def test_every_run_chart_is_valid_vega_lite(reports):
    """Reports compile charts without Altair's schema check (for speed): every chart of every
    bundled stage-game scenario is checked against the Vega-Lite schema here."""
    from altair.vegalite.v6.schema.core import TopLevelSpec

    for stem, (_, report) in reports.items():
        for spec in (report / "charts").glob("*.vl.json"):
            TopLevelSpec.validate(json.loads(spec.read_text()))


def test_the_scanner_catches_raw_names():
    """The check above would fail on the old labels ('game.trust', a variant's identifier)."""
    assert RAW.search("game.trust") and RAW.search("late_joint_research") and RAW.search("mean_trust")
    assert not RAW.search("Trust (belief that the other lab cooperates)")
    assert not RAW.search("Long-run cooperation rises from 1.7% (no collaboration) to 97.9% with joint research")


def test_titles_state_the_result_from_the_summary(reports):
    """The cooperation chart's title quotes the reference's long-run cooperation and that of the
    variant furthest from it, as written in the summary table."""
    result, _ = reports["joint-research-changes-the-answer"]
    cooperation = result.summary.set_index("variant")["long_run_cooperation_mean"]
    mover = (cooperation - cooperation.iloc[0]).abs().idxmax()
    title = _text(result.charts["cooperation-over-time"].to_dict()["title"]["text"])  # may wrap
    assert f"{100 * cooperation.iloc[0]:.1f}%" in title and f"{100 * cooperation[mover]:.1f}%" in title
    assert mover.replace("_", " ") in title and "?" not in title
    subtitle = " ".join(result.charts["cooperation-over-time"].to_dict()["title"]["subtitle"])
    assert result.scenario.question.strip() in subtitle and f"seed {result.scenario.seed}" in subtitle


def _window_rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows if "first round" in row]


def test_intervention_window_drawn_at_its_rounds():
    """late_joint_research acts from round 20 (0-based) to the end; an added audit window acting
    in rounds 5..14 (start 5, end 15) is drawn there, coloured like its variant."""
    scenario = load_scenario(ROOT / "scenarios" / "joint-research-changes-the-answer.yaml")
    scenario = with_overrides(scenario, {
        "dynamics.rounds": 30, "dynamics.replicates": 1,
        "variants.no_collaboration": {"interventions": [{"type": "audit_and_fine", "start": 5, "end": 15,
                                                        "detection_probability": 0.5, "fine": 1}]},
    })
    result = run(scenario)
    for name in ("cooperation-over-time", "trust-over-time", "welfare-over-time"):
        spec = result.charts[name].to_dict()
        rows = {(r["variant"], r["first round"], r["last round"]) for r in _window_rows(spec)}
        assert rows == {("no collaboration", 5, 14), ("joint research", 0, 29),
                        ("late joint research", 20, 29)}, name
        labels = {r["intervention"] for r in _window_rows(spec)}
        assert "joint research from round 20" in labels and "audit and fine from round 5 to 14" in labels


def test_window_that_never_opens_is_not_drawn():
    scenario = with_overrides(load_scenario(ROOT / "scenarios" / "joint-research-changes-the-answer.yaml"),
                              {"dynamics.rounds": 15, "dynamics.replicates": 1})
    result = run(scenario)
    rows = _window_rows(result.charts["cooperation-over-time"].to_dict())
    assert {r["variant"] for r in rows} == {"joint research"}  # late research starts at 20 > 14


def test_no_chart_of_incidents_when_none_occurred(reports):
    for stem, (result, report) in reports.items():
        occurred = result.tables["rounds"]["incidents"].sum() > 0
        assert (report / "charts" / "cumulative-incidents.vl.json").is_file() == occurred, stem
        summary_spec = json.dumps(result.charts["variant-summary"].to_dict())
        assert ("Incidents over the run" in summary_spec) == occurred, stem
    assert any(result.tables["rounds"]["incidents"].sum() == 0 for result, _ in reports.values())


def test_rebuilt_charts_match(reports):
    """build_charts is pure: rebuilding from the saved tables gives the same titles."""
    result, _ = reports["assurance-trust-decides"]
    before = {name: chart.to_dict()["title"] for name, chart in result.charts.items()}
    result.charts = {}
    build_charts(result)
    assert {name: chart.to_dict()["title"] for name, chart in result.charts.items()} == before


def test_headline_words_by_hand():
    import pandas as pd

    from coopsim.analyses.headlines import headline, oneshot_headlines

    means = pd.Series({"baseline": 0.017, "subsidy": 0.30, "audits_and_fines": 0.979})
    assert headline(means, "long_run_cooperation") == (
        "Long-run cooperation rises from 1.7% (baseline) to 97.9% with audits and fines")
    assert headline(pd.Series({"baseline": 33.2, "audits": 8.8}), "cumulative_incidents") == (
        "Incidents per run fall from 33.2 (baseline) to 8.8 with audits")
    assert headline(pd.Series({"a": 0.5, "b": 0.501}), "long_run_trust") == "Long-run trust: 0.50 in every variant"
    # A threshold at trust 0 with cooperation best only below it: no trust in [0, 1] makes it pay.
    lab = {"name": "Lab", "trust_threshold": -0.0, "cooperation_region": "trust < -0"}
    assert oneshot_headlines({"game_class": "stag_hunt", "labs": [lab]})[1] == "No level of trust makes cooperating pay"
    lab = {"name": "Lab", "trust_threshold": 2 / 3, "cooperation_region": "trust > 0.667"}
    assert oneshot_headlines({"game_class": "stag_hunt", "labs": [lab]})[1] == "Cooperating pays only at trust above 0.667"


def test_no_raw_identifiers_in_any_commands_charts(command_reports):
    """The same scan over the reports of run, evolve, sweep (lines and heat maps), phase and
    sensitivity (one at a time and Sobol): titles, axis and legend titles and legend entries."""
    raw, scanned = [], set()
    for name, (folder, _) in command_reports.items():
        for spec in sorted((folder / "charts").glob("*.vl.json")):
            vega_lite = json.loads(spec.read_text())
            titles = _titles(vl_convert.vegalite_to_vega(vega_lite)) + _legend_entries(vega_lite)
            assert titles, spec
            raw += [f"{name}/{spec.name}: {title}" for title in titles if RAW.search(title)]
            scanned.add(name.split("-")[0])
    assert scanned == {"run", "evolve", "sweep", "phase", "sensitivity"}
    assert not raw, "\n".join(raw)


def test_parameter_labels_come_from_the_scenario_language():
    """Axis titles are the fields' titles and descriptions, with the lab, intervention and variant
    a path points into; phase categories in words."""
    from coopsim.labels import class_words, equilibria_words, field_label

    race = load_scenario(ROOT / "scenarios" / "prisoners-dilemma-race.yaml")
    field = type(race.game).model_fields["trust"]
    assert field_label(race, "game.trust") == field.title == "Trust (belief that the other lab cooperates)"
    assert field_label(race, "variants.audits_and_fines.interventions[0].fine") == \
        "Fine paid per detected defection (audit and fine, in audits and fines)"
    frontier = load_scenario(ROOT / "scenarios" / "frontier-vs-newcomer.yaml")
    assert field_label(frontier, "labs[1].advantage").startswith("Advantage of Newcomer (")
    assert class_words("boundary:harmony|stag_hunt") == "boundary between harmony and stag hunt"
    assert class_words("asymmetric:(boundary:harmony|stag_hunt)|chicken") == \
        "asymmetric: boundary between harmony and stag hunt for the row lab, chicken for the column lab"
    assert equilibria_words("CC+DD+mixed") == "both cooperate, both defect or a mixed equilibrium"


def _short(scenario):
    """The scenario with fewer rounds and replicates when it sets up an iterated model."""
    from coopsim.scenario.errors import ScenarioError

    if "dynamics" not in scenario.model_fields_set:
        return scenario
    try:
        return with_overrides(scenario, SHORT)
    except ScenarioError:  # rounds shorter than one race (DSAIR): keep the rounds
        return with_overrides(scenario, {"dynamics.replicates": 2})


def _every_title(charts: dict) -> list[str]:
    return [title for name, chart in charts.items()
            for title in _titles(vl_convert.vegalite_to_vega(chart.to_dict()))]


def test_no_chart_title_of_run_or_evolve_asks_a_question():
    """Every title (chart, panel, axis, legend) in each bundled scenario's `coopsim run` and
    `coopsim evolve` report states something; the question belongs in the subtitle."""
    from coopsim.analyses import evolution
    from coopsim.report.folder import build_manifest
    from coopsim.report.sections import evolve_report

    asked, scanned = [], 0
    for path in SCENARIOS:
        scenario = _short(load_scenario(path))
        reports = {"run": run(scenario).charts}
        try:
            result = evolution.evolve(scenario)
        except Exception as exc:  # a model with no strategies to evolve (the precipice) says so
            assert "not a set of strategies to evolve" in str(exc), (path.stem, exc)
        else:
            reports["evolve"] = evolve_report(scenario, result, build_manifest(scenario, "evolve", "evolve")).charts
        for command, charts in reports.items():
            titles = _every_title(charts)
            scanned += len(titles)
            asked += [f"{path.stem} {command}: {t}" for t in titles if t.rstrip().endswith("?")]
    assert scanned > 100
    assert not asked, "\n".join(asked)


def test_no_title_of_the_explore_page_asks_a_question():
    """The charts of `coopsim explore`'s page (the one-shot verdict and the live rounds, before
    and after rounds are played) state something, for every scenario it explores."""
    from coopsim.explore.session import Explorer
    from coopsim.explore.views import run_state, verdict

    asked, scanned = [], 0
    for path in STAGE_GAME_SCENARIOS:
        session = Explorer(load_scenario(path), str(path))
        specs = [verdict(session)["chart"], run_state(session)["chart"]]
        session.step(3)
        specs.append(run_state(session)["chart"])
        titles = [t for spec in specs for t in _titles(vl_convert.vegalite_to_vega(spec))]
        scanned += len(titles)
        asked += [f"{path.stem} explore: {t}" for t in titles if t.rstrip().endswith("?")]
    assert scanned > 50
    assert not asked, "\n".join(asked)


def test_what_if_title_states_the_verdict_at_the_scenarios_values():
    """By hand: R 3, T 5, S -2, P -1 at trust 0.8: EV(C) = 2.4 - 0.4 = 2, EV(D) = 4 - 0.2 = 3.8,
    and K = (R - T) - (S - P) = -1 keeps tau* = (P - S) / K = -1 outside [0, 1]. With R 5, T 3:
    tau* = 1 / 3; at trust 0.2 EV(C) = 1 - 1.6 = -0.6 < EV(D) = 0.6 - 0.8 = -0.2."""
    from coopsim.charts.what_if import verdict_title

    race = {"shared_upside": 3, "advantage": 5, "exposure": 2, "shared_downside": 1}
    assert verdict_title(race, 0.8) == ("Defecting pays more at trust 0.8 (3.8 against 2 for cooperating); "
                                        "no level of trust changes that in this prisoner's dilemma")
    hunt = {**race, "shared_upside": 5, "advantage": 3}
    assert verdict_title(hunt, 0.2) == ("Defecting pays more at trust 0.2 (-0.2 against -0.6 for cooperating); "
                                        "the critical trust is 0.333 in this stag hunt")
    assert verdict_title(hunt, 0.8).startswith("Cooperating pays more at trust 0.8")
