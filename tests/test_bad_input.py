"""Input that must give a clean error: exit code 2, a message naming the file, the line and the
field, no traceback, nothing written. One test per class of bad input (README, Bad input)."""

from __future__ import annotations

import json
import math
import time

import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.commands.common import strict_json
from coopsim.scenario import budget
from coopsim.scenario.loading import ScenarioError, load_scenario, loads_scenario, resolve_variants
from coopsim.scenario.yaml_reader import MAX_DEPTH, MAX_NODES
from tests.conftest import SCENARIOS

runner = CliRunner()

GAME = "game: {trust: 0.6, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}\n"
BASE = "name: t\n" + GAME  # line 2 is the game
DSAIR = "name: d\ngame: {model: dsair, b: 4, c: 1, s: 1.5, B: 10000, W: 100, p_r: 0.6, N: 2}\n"
PRECIPICE = ("name: p\ngame: {model: precipice, teams: 2, mu: 1.5, enmity: 1, information: public,"
             " monte_carlo_races: 1000}\n")


def refused(write_yaml, tmp_path, text: str, line: int, field: str | None, words: str,
            command: str = "solve") -> str:
    """Run `command` on `text`; assert the clean-error contract and return stderr."""
    path = write_yaml(text)
    out = tmp_path / "report"
    args = {"solve": ["solve", "--json", str(path)], "validate": ["validate", str(path)],
            "run": ["run", str(path), "--out", str(out), "--quiet"],
            "evolve": ["evolve", str(path), "--out", str(out)]}[command]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    where = f"coopsim: error: {path}, line {line}: " + (f"field '{field}': " if field else "field '")
    assert result.stderr.startswith(where), result.stderr
    assert words in result.stderr, result.stderr
    assert result.stdout == "" or command == "validate"
    assert not out.exists()
    return result.stderr


# --------------------------------------------------------------------------- YAML


def alias_bomb(levels: int, width: int = 9) -> str:
    """Anchor b0 lists `width` scalars; each next anchor lists the previous one `width` times."""
    lines = [f"    b0: &b0 [{', '.join(['x'] * width)}]"]
    for k in range(1, levels):
        lines.append(f"    b{k}: &b{k} [{', '.join([f'*b{k - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_before_it_expands(write_yaml, tmp_path):
    # 9 levels of 9 aliases: 10 x 9^8 ~ 4e8 nodes once expanded. b5 (line 9) is the first anchor
    # above the limit (line 10): b4 expands to 1 + 9 (1 + 9 (1 + 9 (1 + 9 x 10))) = 66,430 nodes, b5 to 597,871.
    text = BASE + "sweep:\n  parameters:\n" + alias_bomb(9)
    started = time.process_time()
    stderr = refused(write_yaml, tmp_path, text, 10, "sweep.parameters.b5", "100,000 YAML nodes",
                     "validate")
    assert "aliases" in stderr
    assert time.process_time() - started < 60  # a sanity bound, far above the real ~0.1 s


def test_aliases_below_the_limit_still_work():
    text = BASE + "sweep:\n  parameters:\n    game.trust: &t [0.1, 0.5]\n    game.advantage: [3, 4]\n" \
        "variants:\n  v: {sweep: {parameters: {game.trust: *t}}}\n"
    assert loads_scenario(text).sweep.parameters["game.trust"] == [0.1, 0.5]
    assert 10 * 9**4 + 9**3 + 9**2 + 9 + 1 < MAX_NODES < 10 * 9**5  # b4 passes, b5 does not


def test_an_alias_that_contains_itself_is_refused(write_yaml, tmp_path):
    refused(write_yaml, tmp_path, BASE + "sweep:\n  parameters:\n    game.trust: &loop [0.1, *loop]\n",
            5, "sweep.parameters.game.trust", "refers to a value that contains it", "validate")


def test_deep_nesting_is_refused_not_a_recursion_error(write_yaml, tmp_path):
    deep = "[" * 5000 + "]" * 5000
    stderr = refused(write_yaml, tmp_path, BASE + f"description: {deep}\n", 3, None,
                     f"nesting deeper than {MAX_DEPTH} levels")
    assert "field 'description[0][0]" in stderr


def test_aliases_cannot_nest_past_the_depth_limit(write_yaml, tmp_path):
    # Each anchor wraps the previous one 30 levels deep: composed, no value is deeper than 32;
    # expanded, b3 is over 90 levels deep.
    lines = ["    b0: &b0 1"] + [f"    b{k}: &b{k} {'[' * 30}*b{k - 1}{']' * 30}" for k in range(1, 4)]
    text = BASE + "sweep:\n  parameters:\n" + "\n".join(lines) + "\n"
    stderr = refused(write_yaml, tmp_path, text, 8, None, "nests deeper", "validate")
    assert "field 'sweep.parameters.b3[0][0]" in stderr


def test_complex_mapping_keys_are_refused(write_yaml, tmp_path):
    refused(write_yaml, tmp_path, BASE + "variants:\n  ? [a, b]\n  : {}\n", 4, "variants",
            "complex keys")


@pytest.mark.parametrize("tag, value", [("set", "{AllC, AllD}"), ("omap", "[a: 1]"),
                                        ("binary", "aGVsbG8=")])
def test_yaml_types_that_are_not_plain_data_are_refused(tag, value, write_yaml, tmp_path):
    # A set is accepted where a list belongs, in an order that depends on PYTHONHASHSEED.
    text = BASE + f"evolution:\n  strategies: !!{tag} {value}\n"
    refused(write_yaml, tmp_path, text, 4, "evolution.strategies", f"!!{tag} is not allowed")


def test_merge_keys_work():
    text = (
        "name: t\ngame: &factors {trust: 0.6, shared_upside: 4, advantage: 3, exposure: 3, "
        "shared_downside: 1}\nvariants:\n  trusting:\n    game:\n      <<: *factors\n"
        "      trust: 0.9\n"
    )
    variants = resolve_variants(loads_scenario(text))
    game = variants["trusting"].game
    assert (game.trust, game.shared_upside, game.advantage, game.exposure) == (0.9, 4, 3, 3)
    bad = text.replace("trust: 0.9", "trust: 9")
    with pytest.raises(ScenarioError) as info:
        loads_scenario(bad, "s.yaml")
    assert info.value.line == 7 and "variant 'trusting'" in info.value.field


def test_unquoted_dates_are_text():
    assert loads_scenario(BASE.replace("name: t", "name: 2024-01-01")).name == "2024-01-01"


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "text, line, field",
    [
        (BASE.replace("advantage: 3", "advantage: .inf"), 2, "game.advantage"),
        (BASE.replace("exposure: 3", "exposure: .nan"), 2, "game.exposure"),
        (BASE.replace("shared_upside: 4", "shared_upside: 1e308"), 2, "game.shared_upside"),
        (BASE.replace("advantage: 3", "advantage: -1.0e+400"), 2, "game.advantage"),
        (BASE + "labs:\n  - {name: A, trust: .nan}\n  - {name: B}\n", 4, "labs[0].trust"),
        (BASE + "labs:\n  - {name: A, perceived: {advantage: .inf}}\n  - {name: B}\n", 4,
         "labs[0].perceived.advantage"),
        (BASE + "interventions:\n  - {type: audit_and_fine, detection_probability: 0.5, fine: .inf}\n",
         4, "interventions[0].fine"),
        (BASE + "dynamics:\n  incidents: {probability: 0.1, cost: 1e308}\n", 4,
         "dynamics.incidents.cost"),
        (BASE + "evolution:\n  selection_intensity: .inf\n", 4, "evolution.selection_intensity"),
        (BASE + "seed: 99999999999999999999999\n", 3, "seed"),
        ("name: m\ngame:\n  model: matrix\n  bimatrix:\n    row: [[1, .nan], [0, 0]]\n"
         "    column: [[1, 2], [0, 0]]\n", 5, "game.bimatrix.row[0][1]"),
        (DSAIR.replace("B: 10000", "B: .inf"), 2, "game.B"),
        (PRECIPICE.replace("mu: 1.5", "mu: 1e300"), 2, "game.mu"),
        (BASE + "sweep:\n  parameters:\n    game.trust: [0.5, .nan]\n", 4, "sweep.parameters"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused(text, line, field, write_yaml, tmp_path):
    stderr = refused(write_yaml, tmp_path, text, line, field, "")
    assert "finite" in stderr or "largest" in stderr


def test_strict_json_has_no_nan_or_infinity():
    text = strict_json({"a": math.nan, "b": [math.inf, 1.5, (-math.inf, 2)], "c": {"d": 0.0}})
    assert json.loads(text) == {"a": None, "b": [None, 1.5, [None, 2]], "c": {"d": 0.0}}
    assert "NaN" not in text and "Infinity" not in text


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_solve_json_is_strict_json(path):
    result = runner.invoke(app, ["solve", "--json", str(path)])
    assert result.exit_code == 0, result.output
    json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in --json output"))


# --------------------------------------------------------------------------- sizes


@pytest.mark.parametrize(
    "text, line, field, command",
    [
        (BASE + "labs:\n  - {name: many, count: 1000000000}\n", 4, "labs[0].count", "solve"),
        (BASE + "dynamics:\n  rounds: 1000000000000\n", 4, "dynamics.rounds", "run"),
        (BASE + "dynamics:\n  replicates: 1000000000\n", 4, "dynamics.replicates", "run"),
        (BASE + "evolution:\n  population: 1000000000\n", 4, "evolution.population", "evolve"),
        (DSAIR.replace("N: 2", "N: 50") + "evolution:\n  population: 1000000\n", 4,
         "evolution.population", "evolve"),
        (PRECIPICE.replace("monte_carlo_races: 1000", "monte_carlo_races: 1000000000000"), 2,
         "game.monte_carlo_races", "solve"),
        (PRECIPICE.replace("teams: 2", "teams: 1000000000"), 2, "game.teams", "solve"),
        (BASE + "variants:\n  short: {}\n  long:\n    dynamics: {rounds: 100000000}\n", 6,
         "dynamics.rounds (in variant 'long')", "run"),
        # A value every variant inherits is placed where the base writes it, not at a variant's name.
        (BASE + "labs:\n  - name: many\n    count: 40000000\nvariants:\n  baseline: {}\n", 5,
         "labs[0].count (in variant 'baseline')", "run"),
    ],
)
def test_work_that_cannot_finish_or_fit_is_refused_up_front(text, line, field, command, write_yaml, tmp_path):
    stderr = refused(write_yaml, tmp_path, text, line, field, "would need", command)
    assert "of compute" in stderr and "of memory" in stderr  # the estimate
    assert budget.duration(budget.MAX_SECONDS) in stderr and budget.size(budget.MAX_MEMORY_BYTES) in stderr


def test_dsair_races_cannot_be_larger_than_the_population(write_yaml, tmp_path):
    text = DSAIR.replace("N: 2", "N: 150")  # the default population is 100
    refused(write_yaml, tmp_path, text, 2, "game.N", "more than the population of 100", "evolve")


def test_the_estimate_follows_the_cost_model():
    scenario = loads_scenario(BASE + "labs: [{name: a, count: 10}]\ndynamics: {rounds: 200, replicates: 3}\n")
    estimate = budget.iterated_run(scenario)
    per_round = budget.ROUND + 10 * budget.LAB_ROUND + 45 * budget.MATCH  # 10 labs: 45 pairs
    assert estimate.seconds == pytest.approx(3 * 200 * per_round)
    assert estimate.memory == pytest.approx(3 * 200 * 10 * budget.LAB_ROUND_BYTES + 100 * budget.PAIR_BYTES
                                            + 45 * budget.MATCH_BYTES)
    assert budget.matches_per_round(7, "random_pairs") == 3


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenarios_are_far_below_the_limits(path):
    scenario = load_scenario(path)
    variants = resolve_variants(scenario)
    estimates = [budget.evolution(v) for v in variants.values()] + [
        budget.precipice_races(v) for v in variants.values()] + [
        budget.network_race(v) for v in variants.values()]
    if scenario.game.model in ("five_factors", "matrix"):
        estimates += [budget.iterated_run(v) for v in variants.values()]
    estimates = [e for e in estimates if e is not None]
    assert estimates
    # Network scenarios are estimated as round robin (every pair), an upper bound on their edges.
    assert sum(e.seconds for e in estimates) < budget.MAX_SECONDS / 5
    assert sum(e.memory for e in estimates) < budget.MAX_MEMORY_BYTES / 1.5


def test_a_huge_sweep_grid_is_refused_before_it_is_built(write_yaml, tmp_path):
    path = write_yaml(BASE)
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(path), "--set", "game.trust=0:1:1000",
                                 "--set", "game.advantage=0:5:1000", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "1,000,000 points" in result.stderr and f"{budget.MAX_GRID_POINTS:,}" in result.stderr
    assert "field 'sweep.parameters'" in result.stderr and not out.exists()


def test_a_sweep_with_too_much_compute_is_refused(write_yaml, tmp_path):
    path = write_yaml(BASE + "dynamics: {rounds: 1000000, replicates: 1}\n")
    out = tmp_path / "sweep"
    result = runner.invoke(app, ["sweep", str(path), "--set", "game.trust=0:1:1000",
                                 "--replicates", "100", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "of compute" in result.stderr and budget.duration(budget.MAX_SWEEP_SECONDS) in result.stderr
    assert not out.exists()


def test_a_huge_range_on_the_command_line_is_refused(write_yaml, tmp_path):
    result = runner.invoke(app, ["sweep", str(write_yaml(BASE)), "--set", "game.trust=0:1:1000000000000"])
    assert result.exit_code == 2 and "more than the 100,000 allowed" in result.stderr


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text, line, field",
    [
        (BASE.replace("name: t", 'name: "a\\0b"'), 1, "name"),
        (BASE.replace("name: t", 'name: "two\\nlines"'), 1, "name"),
        (BASE + 'labs:\n  - {name: "Lab\\x1b[31m"}\n  - {name: B}\n', 4, "labs[0].name"),
        (BASE + 'variants:\n  "v\\0": {}\n', 3, "variants"),
        (BASE + 'evolution:\n  strategies: [AllC, "All\\x07D"]\n', 4, "evolution.strategies"),
        (BASE + 'description: "bell \\x07"\n', 3, "description"),
    ],
)
def test_control_characters_in_text_are_refused(text, line, field, write_yaml, tmp_path):
    refused(write_yaml, tmp_path, text, line, field, "control characters are not allowed")


def test_descriptions_may_break_lines():
    scenario = loads_scenario(BASE + 'description: "one\\ntwo\\tthree"\n')
    assert scenario.description == "one\ntwo\tthree"
