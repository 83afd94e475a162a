"""`coopsim evolve` and `coopsim solve` on the race models: the JSON contract, the report folder,
bad input, and closed forms against simulation."""

from __future__ import annotations

import json
from itertools import permutations

import numpy as np
import pytest
from typer.testing import CliRunner

from coopsim.theory import dsair_groups
from coopsim.analyses import evolution
from coopsim.games import game_model
from coopsim.games import precipice as precipice_game
from coopsim.games.dsair import dsair_params
from coopsim.cli import app
from coopsim.theory import dsair, precipice
from coopsim.scenario.loading import ScenarioError, load_scenario, loads_scenario, with_overrides
from tests.conftest import ROOT

runner = CliRunner()
SCENARIOS = ROOT / "scenarios"
DSAIR_SCENARIOS = sorted(SCENARIOS.glob("dsair-*.yaml"))
PRECIPICE_SCENARIOS = sorted(SCENARIOS.glob("precipice-*.yaml"))
EARLY = SCENARIOS / "dsair-early-race.yaml"

FIVE_FACTOR = """
name: Repeated dilemma
seed: 3
game: {shared_upside: 3, advantage: 5, exposure: 2, shared_downside: 1}
evolution: {population: 50, selection_intensity: 1.0, rounds: 10, strategies: %s}
"""


def test_bundled_race_scenarios_exist():
    assert len(DSAIR_SCENARIOS) >= 2 and len(PRECIPICE_SCENARIOS) >= 2
    for path in DSAIR_SCENARIOS + PRECIPICE_SCENARIOS:
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0] == "# yaml-language-server: $schema=scenario.schema.json"
        scenario = load_scenario(path)
        assert scenario.question and scenario.description
        if scenario.game.model == "dsair":
            assert scenario.evolution is not None


@pytest.mark.parametrize("path", DSAIR_SCENARIOS, ids=lambda p: p.stem)
def test_evolve_meets_the_json_contract_on_bundled_dsair_scenarios(path):
    scenario = load_scenario(path)
    result = json.loads(json.dumps(evolution.evolve(scenario), allow_nan=False))
    names = result["strategies"]
    assert names == (scenario.evolution.strategies or ["AS", "AU", "CS"])  # as listed (PS, the network race's AS, AU)
    assert sum(result["stationary"].values()) == pytest.approx(1.0)
    assert set(result["stationary"]) == set(names)
    pairs = {f"{a}->{b}" for a, b in permutations(names, 2)}
    assert set(result["fixation"]) == pairs == set(result["fixation_neutral_units"])
    Z = scenario.evolution.population
    for key, rho in result["fixation"].items():
        assert 0 <= rho <= 1
        assert result["fixation_neutral_units"][key] == pytest.approx(rho * Z)
    # Eq. 2 between the AS, AU and CS listed (a listed punisher PS takes punishing away from AS and CS).
    base = [n for n in names if n in ("AS", "AU", "CS")]
    at = [names.index(n) for n in base]
    expected = dsair.race_payoff_matrix(dsair_params(scenario), tuple(base))
    np.testing.assert_allclose(np.array(result["payoff_matrix"])[np.ix_(at, at)], expected)
    assert result["zone"] in dsair.ZONES
    thresholds = result["thresholds"]
    assert set(thresholds["collective_preference"]) == {"exact", "early", "late"}
    assert thresholds["as_risk_dominance"]["early"] == pytest.approx(1 - 1 / (3 * scenario.game.s))
    shares = result["replicator"]["shares"]
    assert set(shares) == set(names)
    np.testing.assert_allclose(np.sum([shares[s] for s in names], axis=0), 1.0, atol=1e-6)
    assert set(result["variants"]) == set(scenario.variants)


def test_early_race_headline():
    """The early-regime zones: innovation below 1 - 1/s, dilemma between, compliance above
    1 - 1/(3s); AU dominates the population except in the compliance zone."""
    result = evolution.evolve(load_scenario(EARLY))
    assert result["zone"] == "dilemma" and result["most_abundant"] == "AU"
    zones = {name: v["zone"] for name, v in result["variants"].items()}
    assert zones == {"low_risk": "innovation", "middle_risk": "dilemma", "high_risk": "compliance"}
    high = result["variants"]["high_risk"]["stationary"]
    assert high["AS"] + high["CS"] > 0.99


def test_late_race_published_and_corrected_cs_disagree():
    result = evolution.evolve(load_scenario(SCENARIOS / "dsair-late-race.yaml"))
    published, corrected = result["variants"]["published"], result["variants"]["corrected_cs"]
    assert published["most_abundant"] == "CS" and corrected["most_abundant"] == "AU"
    assert published["zone"] == corrected["zone"] == "innovation"


def test_stationary_unchanged_by_strategy_order():
    scenario = load_scenario(EARLY)
    base = evolution.evolve(scenario, variants=False)
    for order in (["CS", "AU", "AS"], ["au", "cs", "as"]):
        reordered = evolution.evolve(with_overrides(scenario, {"evolution.strategies": order}),
                                 variants=False)
        assert reordered["strategies"] == [s.upper() for s in order]
        for name in base["strategies"]:
            assert reordered["stationary"][name] == pytest.approx(base["stationary"][name], rel=1e-9)


def test_neutral_selection_gives_one_over_z():
    scenario = with_overrides(load_scenario(EARLY), {"evolution.selection_intensity": 0.0})
    result = evolution.evolve(scenario, variants=False)
    Z = scenario.evolution.population
    assert all(rho == pytest.approx(1 / Z) for rho in result["fixation"].values())
    assert all(v == pytest.approx(1.0) for v in result["fixation_neutral_units"].values())
    assert all(v == pytest.approx(1 / 3) for v in result["stationary"].values())


def test_subset_and_n_lab_races():
    scenario = with_overrides(load_scenario(EARLY), {"evolution.strategies": ["AS", "AU"]})
    pair = evolution.evolve(scenario, variants=False)
    assert set(pair["fixation"]) == {"AS->AU", "AU->AS"}
    np.testing.assert_allclose(
        pair["payoff_matrix"],
        dsair.race_payoff_matrix(dsair_params(scenario), ("AS", "AU")),
    )
    groups = with_overrides(scenario, {"game.N": 3})
    result = evolution.evolve(groups, variants=False)
    assert result["payoff_matrix"] is None and result["replicator"] is None
    assert sum(result["stationary"].values()) == pytest.approx(1.0)
    assert result["thresholds"]["as_risk_dominance"]["early"] == pytest.approx(
        dsair_groups.n_lab_risk_dominance_threshold_early(dsair_params(groups))
    )
    # Refused when the scenario is validated, naming the field in its message.
    with pytest.raises(ScenarioError, match="evolution.strategies: only AS and AU"):
        evolution.evolve(with_overrides(groups, {"evolution.strategies": ["AS", "CS"]}))


def test_five_factor_game_evolves_as_a_repeated_game():
    scenario = loads_scenario(FIVE_FACTOR % "[always_cooperate, AllD, tit-for-tat]".replace("-", "_"))
    result = evolution.evolve(scenario)
    assert result["strategies"] == ["AllC", "AllD", "TFT"]
    assert result["payoff_matrix"][1][2] == pytest.approx((5 + 9 * -1) / 10)
    assert result["stage_game"] == {"R": 3, "S": -2, "T": 5, "P": -1}
    assert "zone" not in result
    assert sum(result["stationary"].values()) == pytest.approx(1.0)
    assert result["fixation_neutral_units"]["AllD->TFT"] > 1  # TFT invades AllD over 10 rounds


@pytest.mark.parametrize(
    "strategies, message",
    [("[AS, AU]", "unknown strategy 'AS'"), ("[AllC]", "at least two"),
     ("[TFT, tft]", "listed twice")],
)
def test_bad_strategy_lists_name_the_field(strategies, message):
    with pytest.raises(ScenarioError) as error:
        evolution.evolve(loads_scenario(FIVE_FACTOR % strategies), source="my.yaml")
    assert error.value.field == "evolution.strategies" and message in error.value.message


def test_precipice_solution_closed_form_agrees_with_simulated_races():
    for path in PRECIPICE_SCENARIOS:
        scenario = load_scenario(path)
        solution = json.loads(json.dumps(precipice_game.solve(scenario), allow_nan=False))
        d = solution["disaster_probability"]
        params = precipice_game.precipice_params(scenario)
        assert d["closed_form"] == pytest.approx(precipice.disaster_probability(params))
        assert d["races"] == scenario.game.monte_carlo_races
        assert d["standard_error"] == pytest.approx(
            np.sqrt(d["closed_form"] * (1 - d["closed_form"]) / d["races"])
        )
        assert abs(d["monte_carlo"] - d["closed_form"]) <= 4 * d["standard_error"]
        assert d["agree"] is True
        assert solution["safety_rule"]["information"] == scenario.game.information
        assert solution["safety_rule"]["formula"].startswith("s")
        assert set(solution["by_information"]) == set(precipice.INFORMATION)
    again = precipice_game.solve(scenario)
    assert again["disaster_probability"]["monte_carlo"] == d["monte_carlo"]  # seeded


def test_precipice_headline_more_information_more_danger():
    solution = precipice_game.solve(load_scenario(PRECIPICE_SCENARIOS[0]))
    by = solution["by_information"]
    assert by["none"] < by["private"] < by["public"]


def test_solve_on_race_models_prints_their_solutions():
    result = runner.invoke(app, ["solve", str(EARLY), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "dsair" and data["zone"] == "dilemma"
    assert len(data["payoff_matrix"]) == 3
    labels = [e["label"] for e in data["equilibria"] if e["pure"] and e["symmetric"]]
    assert "(AU, AU)" in labels
    text = runner.invoke(app, ["solve", str(EARLY)])
    assert text.exit_code == 0 and "Zone (AS vs AU): dilemma" in text.stdout
    path = SCENARIOS / "precipice-private-information.yaml"
    data = json.loads(runner.invoke(app, ["solve", str(path), "--json"]).stdout)
    assert set(data["disaster_probability"]) >= {"closed_form", "monte_carlo"}
    assert data["safety_rule"]["formula"] == "s(c) = min(c / (e n - e + 1), 1)"
    text = runner.invoke(app, ["solve", str(path)]).stdout
    assert "Equilibrium safety rule" in text and "agree" in text


def test_cli_evolve_prints_json_and_writes_the_report(tmp_path):
    out = tmp_path / "report"
    result = runner.invoke(app, ["evolve", str(EARLY), "--json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)  # stdout holds exactly one JSON object
    assert {"strategies", "stationary", "fixation", "fixation_neutral_units",
            "payoff_matrix"} <= set(data)
    assert json.loads((out / "evolution.json").read_text()) == data
    assert (out / "evolution.md").read_text().startswith("## Evolution")
    for name in ("evolution-stationary-invasion", "evolution-replicator",
                 "dsair-zones-s-p_r", "dsair-zones-p_fo-p_r"):
        for suffix in (".png", ".svg", ".html", ".vl.json"):
            assert (out / "charts" / f"{name}{suffix}").stat().st_size > 0
    text = runner.invoke(app, ["evolve", str(EARLY), "--out", str(out)])
    assert text.exit_code == 0 and "Zone (AS vs AU): dilemma" in text.stdout


def test_cli_evolve_bad_input_exits_2_without_a_report(write_yaml, tmp_path):
    path = write_yaml(FIVE_FACTOR % "[AllC, AS]")
    out = tmp_path / "never"
    result = runner.invoke(app, ["evolve", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "field 'evolution.strategies'" in result.stderr and "unknown strategy 'AS'" in result.stderr
    assert "Traceback" not in result.output and not out.exists()
    precipice_file = SCENARIOS / "precipice-public-information.yaml"
    result = runner.invoke(app, ["evolve", str(precipice_file), "--out", str(out)])
    assert result.exit_code == 2 and "field 'game.model'" in result.stderr
    assert not out.exists()


def test_each_model_draws_its_own_charts():
    precipice_scenario = load_scenario(PRECIPICE_SCENARIOS[0])
    assert list(game_model(precipice_scenario).charts(precipice_scenario, "caption")) == [
        "precipice-disaster-vs-mu"]
    stage = load_scenario(SCENARIOS / "assurance-trust-decides.yaml")
    assert game_model(stage).charts(stage, "c") == {}
    five = evolution.charts(evolution.evolve(loads_scenario(FIVE_FACTOR % "[AllC, AllD]")), "caption")
    assert set(five) == {"evolution-stationary-invasion", "evolution-replicator"}
    for chart in five.values():
        chart.to_dict()  # valid Vega-Lite


def test_small_mutation_analysis_matches_egttools_when_installed():
    """Cross-check against egttools (a benchmark-only extra; skipped when not installed)."""
    pytest.importorskip("egttools")
    from egttools.analytical import PairwiseComparison
    from egttools.games import Matrix2PlayerGameHolder
    from egttools.utils import calculate_stationary_distribution

    result = evolution.evolve(load_scenario(SCENARIOS / "dsair-late-race.yaml"), variants=False)
    matrix = np.array(result["payoff_matrix"])
    game = Matrix2PlayerGameHolder(3, matrix)  # must stay referenced while egttools uses it
    evolver = PairwiseComparison(result["population"], game)
    transitions, fixation = evolver.calculate_transition_and_fixation_matrix_sml(
        result["selection_intensity"]
    )
    stationary = calculate_stationary_distribution(transitions.transpose())
    names = result["strategies"]
    np.testing.assert_allclose([result["stationary"][s] for s in names], stationary, rtol=1e-9)
    for (i, a), (j, b) in permutations(enumerate(names), 2):
        assert result["fixation"][f"{a}->{b}"] == pytest.approx(fixation[i, j], rel=1e-9)
