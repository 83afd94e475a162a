"""Payoff models as registered modules: a toy model reaches the schema, `solve` and the report
with no other edit; analyses never import the report; the DSAIR race played by agents beside
Eq. 2; the N-lab fitness convention; strategy names from the shared registries."""

from __future__ import annotations

import ast
import json
from itertools import combinations
from typing import Any, Literal

import numpy as np
import pytest
from pydantic import Field
from typer.testing import CliRunner

from coopsim.abm.race import RACE_STRATEGIES
from coopsim.abm.strategies import STRATEGIES
from coopsim.analyses import evolution
from coopsim.analyses.evolution_text import evolve_markdown
from coopsim.analyses.run import run
from coopsim.cli import app
from coopsim.games import GAMES, GameModel, register
from coopsim.games.base import trust_field
from coopsim.games.dsair import dsair_params
from coopsim.scenario.base import Probability, Strict
from coopsim.scenario.loading import ScenarioError, json_schema, load_scenario, loads_scenario
from coopsim.theory import dsair, dsair_groups
from coopsim.theory import evolution as ev
from tests.conftest import ROOT
from tests.strategy_harness import registered

runner = CliRunner()
SCENARIOS = ROOT / "scenarios"


# --------------------------------------------------------------------------- a toy model


class CoinGame(Strict):
    """Test-only: a coin that lands heads with probability `bias`."""

    model: Literal["toy_coin"] = Field(description="Payoff model: a biased coin (tests only).")
    bias: Probability = Field(description="Probability of heads.")
    trust: Probability = trust_field()


class ToyCoin(GameModel):
    """Test-only payoff model: its solution is the chance of two heads in a row."""

    spec = CoinGame
    solution_title = "The coin"

    @staticmethod
    def solve(scenario, source: str = "<scenario>") -> dict[str, Any]:
        return {"scenario": scenario.name, "model": "toy_coin", "two_heads": scenario.game.bias ** 2}

    @staticmethod
    def solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
        return f"Two heads in a row with probability {solution['two_heads']:.4f}.\n"

    @staticmethod
    def describe(scenario) -> list[str]:
        return [f"A coin with bias {scenario.game.bias}."]


TOY = "name: Toy coin\ngame: {model: toy_coin, bias: 0.3}\n"


def test_a_new_payoff_model_is_one_module_plus_one_line(write_yaml, tmp_path):
    with registered(GAMES, "toy_coin", ToyCoin):
        assert "CoinGame" in json_schema()["$defs"]
        path = write_yaml(TOY)
        solved = runner.invoke(app, ["solve", str(path), "--json"])
        assert solved.exit_code == 0, solved.output
        assert json.loads(solved.stdout)["two_heads"] == pytest.approx(0.09)  # 0.3 x 0.3
        out = tmp_path / "report"
        ran = runner.invoke(app, ["run", str(path), "--out", str(out)])
        assert ran.exit_code == 0, ran.output
        report = (out / "report.md").read_text()
        assert "A coin with bias 0.3." in report and "## The coin" in report
        assert "Two heads in a row with probability 0.0900." in report
        evolved = runner.invoke(app, ["evolve", str(path), "--out", str(tmp_path / "never")])
        assert evolved.exit_code == 2 and "field 'game.model'" in evolved.stderr
        assert "toy_coin model has no set of strategies" in evolved.stderr
    assert "CoinGame" not in json_schema()["$defs"]
    with pytest.raises(ScenarioError):
        loads_scenario(TOY)  # gone again when unregistered


def test_models_are_found_by_capability_not_by_name():
    assert set(GAMES) >= {"five_factors", "matrix", "dsair", "precipice"}
    stage = {name for name, game in GAMES.items() if game.provides("stage_game")}
    assert stage == {"five_factors", "matrix"}
    assert all(game.provides("solve") for game in GAMES.values())
    assert not GAMES["precipice"].provides("population_game")
    for folder in ("analyses", "commands", "report", "sweep", "theory", "policy", "abm"):
        for path in (ROOT / "coopsim" / folder).glob("*.py"):
            source = path.read_text()
            for needle in ('model == "', 'model != "', "model in (", "model not in ("):
                assert needle not in source, f"{path.name} dispatches on a model name: {needle}"


def test_analyses_never_import_the_report():
    for path in (ROOT / "coopsim" / "analyses").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("coopsim.report"), path.name
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("coopsim.report") for a in node.names), path.name


# --------------------------------------------------------------------------- N-lab fitness


def _group_fitness_by_enumeration(p, Z: int, j: int, include_self: bool) -> tuple[float, float]:
    """f_AS, f_AU by listing every set of N - 1 co-player seats (population index 0 is the focal
    player; with include_self the focal player's own seat may be drawn and plays its strategy)."""
    def average(focal_is_safe: bool) -> float:
        kinds = ["AU"] * j + ["AS"] * (Z - j)  # j AU players
        focal = kinds.index("AS" if focal_is_safe else "AU")
        seats = [i for i in range(Z) if include_self or i != focal]
        total, count = 0.0, 0
        for chosen in combinations(seats, p.N - 1):
            safe = sum(kinds[i] == "AS" for i in chosen) + focal_is_safe
            race = dsair_groups.n_lab_race_payoffs(p, safe)
            total += race.safe if focal_is_safe else race.unsafe
            count += 1
        return total / count

    return average(True), average(False)


@pytest.mark.parametrize("fitness", ["exclude_self", "include_self"])
def test_n_lab_fitness_conventions_by_enumeration(fitness):
    p = dsair.DsairParams(b=4, c=1, s=1.5, B=1000, W=100, p_r=0.4, p_fo=0.1, N=3)
    Z = 9
    f = dsair_groups.n_lab_population_payoffs(p, Z, np.arange(1, Z), fitness)
    for j in range(1, Z):
        f_as, f_au = _group_fitness_by_enumeration(p, Z, j, fitness == "include_self")
        assert f.safe[j - 1] == pytest.approx(f_as, rel=1e-12)
        assert f.unsafe[j - 1] == pytest.approx(f_au, rel=1e-12)


def test_two_lab_groups_with_self_match_the_pairwise_formula():
    p = dsair.DsairParams(b=4, c=1, s=1.5, B=1000, W=100, p_r=0.4, p_fo=0.0, N=2)
    Z = 20
    f = dsair_groups.n_lab_population_payoffs(p, Z, np.arange(1, Z), "include_self")
    safe = [dsair_groups.n_lab_race_payoffs(p, k) for k in (0, 1, 2)]
    matrix = np.array([[safe[2].safe, safe[1].safe], [safe[1].unsafe, safe[0].unsafe]])  # AS, AU
    f_as, f_au = ev.average_payoffs(matrix, 0, 1, Z, "include_self")  # j = AU mutants among AS
    np.testing.assert_allclose(f.safe, f_as, rtol=1e-12)
    np.testing.assert_allclose(f.unsafe, f_au, rtol=1e-12)


def test_include_self_is_used_for_n_lab_races_and_labelled_so():
    base = load_scenario(SCENARIOS / "dsair-early-race.yaml")
    results = {}
    for fitness in ("exclude_self", "include_self"):
        scenario = base.model_copy(update={
            "game": base.game.model_copy(update={"N": 4}),
            "evolution": base.evolution.model_copy(update={"fitness": fitness, "population": 12}),
        })
        results[fitness] = evolution.evolve(scenario, variants=False)
        assert results[fitness]["fitness"] == fitness
        p = dsair_params(scenario)
        f = dsair_groups.n_lab_population_payoffs(p, 12, np.arange(1, 12), fitness)
        rho = ev.fixation_probability_from_fitness(f.safe, f.unsafe, base.evolution.selection_intensity)
        assert results[fitness]["log_fixation"]["AS->AU"] == pytest.approx(rho.log_rho)
    assert results["include_self"]["fixation"] != results["exclude_self"]["fixation"]


# --------------------------------------------------------------------------- zones, strategies


def test_zone_says_what_it_refers_to_beside_the_most_abundant_strategy():
    result = evolution.evolve(load_scenario(SCENARIOS / "dsair-late-race.yaml"), variants=False)
    assert result["zone"] == "innovation"
    top = max(result["stationary"], key=result["stationary"].get)
    assert top == "CS" and "AS" in result["zone_refers_to"] and "CS" in result["zone_refers_to"]
    text = evolve_markdown(result)
    assert "**Zone (AS vs AU): innovation**" in text
    share = f"{100 * result['stationary']['CS']:.3g}%"
    assert f"Most abundant strategy in the stationary distribution: **CS** ({share}" in text


def test_strategy_names_and_meanings_come_from_the_strategy_registries():
    race = evolution.evolve(load_scenario(SCENARIOS / "dsair-early-race.yaml"), variants=False)
    assert race["strategy_meanings"] == {s: RACE_STRATEGIES[s].meaning for s in ("AS", "AU", "CS")}
    stage = loads_scenario("name: r\ngame: {shared_upside: 3, advantage: 5, exposure: 2, "
                           "shared_downside: 1}\nevolution: {strategies: [tit_for_tat, allc]}\n")
    result = evolution.evolve(stage)
    assert result["strategies"] == ["TFT", "AllC"]
    assert result["strategy_meanings"]["TFT"] == STRATEGIES["tit_for_tat"].meaning


# --------------------------------------------------------------------------- the race by agents

RACE = """
name: Race by agents
seed: 5
game: {model: dsair, b: 4, c: 1, s: 2, B: 40, W: 10, p_r: %s, p_fo: %s}
dynamics: {rounds: 300, replicates: 6}
"""


def test_race_by_agents_without_risk_is_exactly_eq_2():
    """With p_r = p_fo = 0 every race between two strategies is the same, so each replicate's
    payoff per round is the Eq. 2 entry (see coopsim.abm.race)."""
    scenario = loads_scenario(RACE % (0, 0))
    result = run(scenario).extras["race_dynamics"]
    eq2 = dsair.race_payoff_matrix(dsair_params(scenario))
    rows = result["variants"]["baseline"]
    assert len(rows) == 9
    for row in rows:
        i, j = dsair.STRATEGIES.index(row["row"]), dsair.STRATEGIES.index(row["column"])
        assert row["mean"] == pytest.approx(eq2[i, j], rel=1e-9) and row["eq2_in_interval"]


def test_race_by_agents_agrees_with_eq_2_in_the_report(tmp_path):
    path = tmp_path / "race.yaml"
    path.write_text(RACE % (0.3, 0.2))
    out = tmp_path / "report"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "race_dynamics.json").read_text())
    eq2 = dsair.race_payoff_matrix(dsair_params(load_scenario(path)))
    for row in data["variants"]["baseline"]:
        i, j = dsair.STRATEGIES.index(row["row"]), dsair.STRATEGIES.index(row["column"])
        assert row["eq2"] == pytest.approx(eq2[i, j])
        half = (row["high"] - row["low"]) / 2
        assert abs(row["mean"] - row["eq2"]) <= 2.5 * half + 1e-9  # a t-interval, 6 replicates
    report = (out / "report.md").read_text()
    assert "## The race played by agents" in report and "measured payoff per round" in report
    rebuilt = runner.invoke(app, ["report", str(out)])
    assert rebuilt.exit_code == 0 and (out / "report.md").read_text() == report


def test_dsair_without_dynamics_runs_no_agents_and_keeps_no_dynamics_block():
    scenario = load_scenario(SCENARIOS / "dsair-early-race.yaml")
    assert "dynamics" not in scenario.model_dump()
    assert "race_dynamics" not in run(scenario).extras


@pytest.mark.parametrize("extra, field, message", [
    ("dynamics: {rounds: 300, matching: random_pairs}", "dynamics", "dynamics.matching does not apply"),
    ("dynamics: {rounds: 5}", "dynamics", "shorter than one race"),
])
def test_race_dynamics_that_cannot_apply_are_clean_errors(write_yaml, tmp_path, extra, field, message):
    path = write_yaml(f"name: r\ngame: {{model: dsair, b: 4, c: 1, s: 2, B: 40, W: 10, p_r: 0.3}}\n{extra}\n")
    out = tmp_path / "never"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert f"field '{field}'" in result.stderr and message in result.stderr and "line 3" in result.stderr
    assert not out.exists()
    groups = write_yaml("name: r\ngame: {model: dsair, b: 4, c: 1, s: 2, B: 40, W: 10, p_r: 0.3, "
                        "N: 3}\ndynamics: {rounds: 300}\n", "groups.yaml")
    result = runner.invoke(app, ["validate", str(groups)])
    assert result.exit_code == 2 and "two labs per race" in result.stderr
