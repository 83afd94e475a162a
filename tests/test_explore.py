"""`coopsim explore` without a browser: where edits land, the verdict, bad edits, saving, and
that a saved scenario reproduces the live run under `coopsim run`."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.explore.controls import controls_for, edit_path
from coopsim.explore.session import SCHEMA_COMMENT, Explorer
from coopsim.explore.views import history_table, verdict
from coopsim.scenario.loading import ScenarioError, load_scenario
from tests.conftest import ROOT

ASSURANCE = ROOT / "scenarios" / "assurance-trust-decides.yaml"
RACE = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
FRONTIER = ROOT / "scenarios" / "frontier-vs-newcomer.yaml"


def explorer(path) -> Explorer:
    return Explorer(load_scenario(path), str(path))


def test_edits_land_where_they_take_effect():
    race = load_scenario(RACE)
    # audits_and_fines replaces the intervention list: its parameters are edited in the variant
    assert edit_path(race, "audits_and_fines", "interventions[0].fine") == \
        "variants.audits_and_fines.interventions[0].fine"
    # the factors come from the base for every variant
    assert edit_path(race, "audits_and_fines", "game.trust") == "game.trust"
    paths = {c.path: c.value for c in controls_for(race, "audits_and_fines")}
    assert paths["variants.audits_and_fines.interventions[0].start"] == 30
    assert paths["variants.audits_and_fines.interventions[0].detection_probability"] == 0.5
    assert paths["game.advantage"] == 5


def test_labs_that_differ_get_their_own_sliders_with_their_own_values():
    paths = {c.path: c.value for c in controls_for(load_scenario(FRONTIER), "baseline")}
    assert paths["labs[0].advantage"] == 6 and paths["labs[1].advantage"] == 2
    assert paths["labs[1].trust"] == 0.5 and paths["labs[0].trust"] == 0.7  # game.trust inherited
    assert paths["labs[0].shared_upside"] == 4  # from the game
    assert "game.advantage" not in paths


def test_trust_across_the_critical_value_flips_the_verdict():
    # R=4, T=3, S=-3, P=-1: tau* = (P - S) / ((R - T) - (S - P)) = 2 / 3
    session = explorer(ASSURANCE)
    before = verdict(session)
    assert before["game_class"] == "stag_hunt"
    assert before["labs"][0]["critical_trust"] == pytest.approx(2 / 3)
    assert before["labs"][0]["best_response"] == "defect"  # trust 0.6 < 2/3
    session.set("game.trust", 0.7)
    assert verdict(session)["labs"][0]["best_response"] == "cooperate"
    session.set("game.advantage", 5)  # T > R > P > S
    assert verdict(session)["game_class"] == "prisoners_dilemma"


def test_a_bad_window_gives_the_clis_message_and_keeps_the_last_valid_settings(write_yaml):
    session = explorer(RACE)
    session.select_variant("audits_and_fines")
    session.step(5)
    session.set("variants.audits_and_fines.interventions[0].end", 10)  # start is 30
    assert session.error is not None
    bad = RACE.read_text().replace("start: 30", "start: 30\n        end: 10")
    cli = CliRunner().invoke(app, ["validate", str(write_yaml(bad))])
    assert cli.exit_code == 2
    # the same field and words as the CLI; only the file and line differ
    assert str(session.error).split(": ", 1)[1] in re.sub(r", line \d+", "", cli.stderr)
    assert session.round == 5  # the model was not reset by the rejected edit
    assert session.scenario.variants["audits_and_fines"]["interventions"][0].get("end") is None
    control = {c.path: c for c in session.controls()}["variants.audits_and_fines.interventions[0].end"]
    assert control.value == 10  # shown as typed
    with pytest.raises(ScenarioError):
        session.save(ROOT / "never-written.yaml")
    assert not (ROOT / "never-written.yaml").exists()
    session.set("variants.audits_and_fines.interventions[0].end", 60)
    assert session.error is None and session.round == 0


def test_saved_scenario_validates_and_coopsim_run_reproduces_the_live_run(tmp_path):
    session = explorer(RACE)
    session.set("dynamics.rounds", 25)
    session.set("dynamics.replicates", 2)
    session.set("game.trust", 0.9)
    session.set("variants.audits_and_fines.interventions[0].start", 5)
    session.select_variant("audits_and_fines")
    assert session.step(100) == 25 and session.finished  # never past dynamics.rounds
    saved = session.save(tmp_path / "explored.yaml")
    text = saved.read_text()
    assert text.startswith(SCHEMA_COMMENT)
    data = yaml.safe_load(text)
    assert data["game"]["trust"] == 0.9 and data["variants"]["audits_and_fines"]["interventions"][0]["start"] == 5

    runner = CliRunner()
    assert runner.invoke(app, ["validate", str(saved)]).exit_code == 0
    out = tmp_path / "report"
    result = runner.invoke(app, ["run", str(saved), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    rounds = pd.read_csv(out / "data" / "rounds.csv")
    replicate = rounds[(rounds["variant"] == "audits_and_fines") & (rounds["replicate"] == 0)]
    assert replicate["cooperation_rate"].tolist() == pytest.approx([r["cooperation"] for r in session.history])
    assert replicate["mean_trust"].tolist() == pytest.approx([r["trust"] for r in session.history])
    assert replicate["incidents"].tolist() == [r["incidents"] for r in session.history]


def test_history_has_every_lab_and_all_labs_with_incidents_summed():
    session = explorer(RACE)
    session.set("dynamics.incidents.probability", 0.5)
    session.set("dynamics.incidents.cost", 0)  # costless incidents: labs keep defecting
    session.step(10)
    table = history_table(session)
    incidents = table[(table["measure"] == "Incidents") & (table["round"] == 9)].set_index("who")["value"]  # 0-based
    assert incidents["all labs"] == sum(r["incidents"] for r in session.history) > 0
    # every incident is caused by exactly one lab
    assert incidents.drop("all labs").sum() == incidents["all labs"]


def test_save_never_overwrites_the_explored_scenario(tmp_path):
    copy = tmp_path / "mine.yaml"
    copy.write_text(ASSURANCE.read_text())
    session = explorer(copy)
    with pytest.raises(ValueError, match="being explored"):
        session.save(copy)
    assert copy.read_text() == ASSURANCE.read_text()


def test_explore_refuses_a_race_model():
    result = CliRunner().invoke(app, ["explore", str(ROOT / "scenarios" / "dsair-early-race.yaml")])
    assert result.exit_code == 2 and "one-shot 2x2 game" in result.stderr


def _title(spec) -> str:
    text = spec["title"]["text"]
    return " ".join(text) if isinstance(text, list) else text  # the theme wraps long titles


def test_the_live_title_states_the_last_round_for_all_labs():
    """The live chart's title quotes the history: the last round's share of cooperating choices
    (counted here from the labs' own choices) and mean trust, and the incidents so far."""
    from coopsim.explore.views import live_chart

    session = explorer(FRONTIER)
    assert _title(live_chart(session)) == f"No rounds played yet (of {session.rounds})"
    session.set("dynamics.incidents.probability", 0.5)
    session.step(6)
    last = session.history[-1]
    choices = [lab["cooperation"] for lab in last["labs"].values() if lab["cooperation"] is not None]
    cooperating = sum(choices) / len(choices)
    trust = sum(lab["trust"] for lab in last["labs"].values()) / len(last["labs"])
    incidents = sum(lab["incidents"] for record in session.history for lab in record["labs"].values())
    assert incidents > 0
    assert 0 < cooperating < 1
    title = _title(live_chart(session))
    assert title == (f"After 6 of {session.rounds} rounds: cooperation {100 * cooperating:.1f}%, "
                     f"mean trust {trust:.2g}, {incidents} incidents so far")


def test_a_thousand_labs_draw_only_the_all_labs_line():
    """1,000 developers: one line per lab would say nothing (and exceed Altair's row limit after two
    rounds); the live chart draws all labs only and says so."""
    from coopsim.explore.views import ALL_LABS, run_state

    session = explorer(ROOT / "scenarios" / "network-scale-free-cooperation.yaml")
    session.step(3)
    spec = run_state(session)["chart"]
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {row["who"] for row in rows} == {ALL_LABS} and len(rows) == 3 * 3
    assert "1,000 labs: all labs only" in " ".join(spec["title"]["subtitle"])
