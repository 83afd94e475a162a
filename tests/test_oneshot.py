"""The one-shot analysis of scenarios: degenerate games, boundary classes, perceived payoffs,
the tie rule shared with the simulated labs, and every pair of lab kinds."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from coopsim.abm import LabModel
from coopsim.analyses.oneshot import analyse, analyse_with_policies
from coopsim.analyses.oneshot_text import oneshot_markdown
from coopsim.cli import app
from coopsim.scenario.spec import Scenario
from tests.abm_scenarios import STAG_HUNT, make_scenario

runner = CliRunner()


def scenario(game: dict, labs: list[dict], **extra) -> Scenario:
    return Scenario.model_validate({"name": "t", "game": game, "labs": labs, **extra})


def first_round_cooperation(s: Scenario) -> list[float]:
    model = LabModel(s, rng=np.random.default_rng(0))
    model.step()
    table = model.datacollector.get_agent_vars_dataframe()
    return table.groupby(level="AgentID")["cooperation"].first().tolist()


@pytest.mark.parametrize("factors", [
    {"shared_upside": 0, "advantage": 0, "exposure": 0, "shared_downside": 0},
    {"shared_upside": -1, "advantage": -1, "exposure": 1, "shared_downside": 1},
])
def test_constant_games_are_solved_as_one_whole_square(factors, tmp_path):
    """Every payoff equal: every profile is an equilibrium (issue 10.1 crashed here)."""
    path = tmp_path / "flat.yaml"
    path.write_text(json.dumps({"name": "flat", "game": {"trust": 0.5, **factors},
                                "labs": [{"name": "A"}, {"name": "B"}]}))
    result = runner.invoke(app, ["solve", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["equilibria"]) == 4 and data["components"] == 1
    (whole,) = data["equilibrium_sets"]
    assert whole["row_cooperates"] == [0.0, 1.0] and whole["column_cooperates"] == [0.0, 1.0]
    text = runner.invoke(app, ["solve", str(path)]).stdout
    assert "A plays any mix of cooperating and defecting while B plays any mix" in text


def test_trust_game_component_in_json_and_words():
    """A = [[1, -1], [0, 0]], B = [[1, 2], [0, 0]]: the row lab defects and the column lab
    cooperates with any probability from 0 to 1/2 (hand derivation in test_equilibria)."""
    s = scenario({"model": "matrix", "trust": 0.5,
                  "bimatrix": {"row": [[1, -1], [0, 0]], "column": [[1, 2], [0, 0]]}},
                 [{"name": "Row"}, {"name": "Column"}])
    analysis = analyse(s)
    (component,) = analysis["equilibrium_sets"]
    assert component["row_cooperates"] == [0.0, 0.0]
    assert component["column_cooperates"] == [0.0, 0.5]
    assert not component["isolated"]
    text = oneshot_markdown(analysis)
    assert "Row defects while Column cooperates with any probability from 0 to 0.5" in text


def test_asymmetric_game_on_a_class_boundary_is_described_not_crashed():
    """Issue 10.2: lab A's exposure 1 makes S = P = -1 (boundary between chicken and prisoner's
    dilemma), lab B (exposure 2) plays a prisoner's dilemma."""
    s = scenario({"trust": 0.5, "shared_upside": 3, "advantage": 4, "exposure": 2,
                  "shared_downside": 1}, [{"name": "A", "exposure": 1}, {"name": "B"}])
    analysis = analyse_with_policies(s)
    detail = analysis["game_class_detail"]
    assert detail["kind"] == "asymmetric"
    assert detail["row"] == {"kind": "boundary", "classes": ["chicken", "prisoners_dilemma"],
                             "key": "boundary:chicken|prisoners_dilemma",
                             "words": "boundary between chicken and prisoner's dilemma"}
    assert detail["column"]["classes"] == ["prisoners_dilemma"]
    text = oneshot_markdown(analysis)
    assert ("asymmetric: boundary between chicken and prisoner's dilemma for the row lab, "
            "prisoner's dilemma for the column lab") in text


def test_verdict_follows_perceived_payoffs_as_the_simulated_labs_do():
    """Issue 10.3: stag hunt (R 4, T 3, S -3, P -1) at trust 0.8: truly EV(C) = 0.8*4 - 0.2*3 =
    2.6 > EV(D) = 0.8*3 - 0.2*1 = 2.2; perceived advantage 6 gives EV(D) = 4.8 - 0.2 = 4.6 > 2.6,
    and a perceived prisoner's dilemma. The simulated labs defect from round 0."""
    labs = [("trust_best_response", 2, {"trust": 0.8, "perceived": {"advantage": 6}})]
    s = make_scenario(labs, game=STAG_HUNT, rounds=1)
    analysis = analyse(s)
    assert analysis["cooperate_is_best_response"] is False
    assert analysis["decides_on"] == "perceived payoffs"
    (kind,) = analysis["labs"]
    assert kind["expected_values"] == pytest.approx({"cooperate": 2.6, "defect": 4.6})
    assert kind["true_game"]["cooperate_is_best_response"] is True
    assert kind["decision_factors"]["advantage"] == 6 and kind["factors"]["advantage"] == 3
    assert analysis["game_class"] == "stag_hunt"
    assert analysis["decision_game"]["game_class"] == "prisoners_dilemma"
    assert [e["label"] for e in analysis["decision_game"]["equilibria"]] == ["(defect, defect)"]
    assert first_round_cooperation(s) == [0.0, 0.0]
    text = oneshot_markdown(analysis)
    assert "The game as the labs perceive it" in text and "truly 3" in text


def test_ties_cooperate_in_the_one_shot_and_in_the_simulation():
    """Stag hunt at trust exactly 2/3: EV(C) = 8/3 - 1 = 5/3 = EV(D) = 2 - 1/3. One tie rule:
    the one-shot verdict and the simulated labs' first move are both 'cooperate'."""
    s = make_scenario([("trust_best_response", 2, {"trust": 2 / 3})], game=STAG_HUNT, rounds=1)
    kind = analyse(s)["labs"][0]
    assert kind["indifferent"] and kind["cooperate_is_best_response"]
    assert first_round_cooperation(s) == [1.0, 1.0]


def test_every_pair_of_lab_kinds_is_analysed():
    """Three kinds in a stag hunt at trust 0.7 (critical trust 2/3): 'big' (advantage 6, two labs:
    a prisoner's dilemma), 'mid' (the stag hunt), 'new' (trust 0.5, below 2/3). Pairs: big-big,
    big-mid, big-new, mid-new (mid and new have one lab each, so no mid-mid or new-new)."""
    s = scenario({"trust": 0.7, **STAG_HUNT},
                 [{"name": "big", "advantage": 6, "count": 2}, {"name": "mid"},
                  {"name": "new", "trust": 0.5}])
    analysis = analyse(s)
    pairs = [(p["row"], p["column"]) for p in analysis["pairs"]]
    assert pairs == [("big", "big"), ("big", "mid"), ("big", "new"), ("mid", "new")]
    by_pair = {(p["row"], p["column"]): p for p in analysis["pairs"]}
    assert by_pair[("mid", "new")]["game_class"] == "stag_hunt"
    assert (by_pair[("mid", "new")]["row_cooperates"], by_pair[("mid", "new")]["column_cooperates"]) == (True, False)
    assert by_pair[("big", "mid")]["game_class_detail"]["kind"] == "asymmetric"
    # the first pair's fields stay at the top level for compatibility
    assert (analysis["row_lab"], analysis["column_lab"]) == ("big 1", "big 2")
    assert analysis["game_class"] == "prisoners_dilemma"
    assert "Every pair of lab kinds" in oneshot_markdown(analysis)
