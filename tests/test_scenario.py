"""The scenario language: validation, variants, dotted paths and the committed JSON Schema."""

from __future__ import annotations

import json

import pytest

from coopsim.games.stage import expand_labs
from coopsim.scenario.loading import (
    ScenarioError,
    json_schema,
    load_scenario,
    loads_scenario,
    resolve_variants,
    with_overrides,
)
from tests.conftest import ROOT, SCENARIOS

BASE = """\
name: test
game:
  trust: 0.6
  shared_upside: 4
  advantage: 3
  exposure: 3
  shared_downside: 1
"""


def error_of(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        loads_scenario(text, "s.yaml")
    return info.value


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_bundled_scenarios_validate_and_declare_the_schema(path):
    load_scenario(path)
    assert path.read_text().startswith("# yaml-language-server: $schema=scenario.schema.json")


def test_committed_schema_is_current():
    committed = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text())
    assert committed == json_schema(), "run: coopsim schema --out scenarios/scenario.schema.json"


def test_every_field_has_a_description():
    schema = json_schema()
    missing = [
        f"{name}.{field}"
        for name, definition in schema["$defs"].items()
        for field, spec in definition.get("properties", {}).items()
        if "description" not in spec and field not in ("type",)
    ]
    assert not missing


@pytest.mark.parametrize(
    "text, line, field, words",
    [
        (BASE.replace("trust: 0.6", "trust: 1.5"), 3, "game.trust", "less than or equal to 1"),
        (BASE + "labs:\n  - name: A\n    trsut: 0.5\n  - name: B\n", 10, "labs[0].trsut", "unknown key"),
        (BASE.replace("advantage: 3", "advantage: lots"), 5, "game.advantage", "valid number"),
        (BASE + "dynamics:\n  rounds: 0\n", 9, "dynamics.rounds", "greater than or equal to 1"),
        (BASE + "interventions:\n  - type: audit_and_fine\n    fine: 1\n", 9,
         "interventions[0].detection_probability", "missing"),
        (BASE + "interventions:\n  - {type: bribery}\n", 9, "interventions[0]", "bribery"),
    ],
)
def test_bad_values_name_line_and_field(text, line, field, words):
    error = error_of(text)
    assert (error.line, error.field) == (line, field), str(error)
    assert words in str(error)
    assert str(error).startswith(f"s.yaml, line {line}: field '{field}'")


def test_missing_required_factor():
    error = error_of(BASE.replace("  exposure: 3\n", ""))
    assert error.field == "game.exposure" and "missing" in error.message


def test_yaml_syntax_error_has_a_line():
    error = error_of("name: x\ngame: [1, 2\n")
    assert error.line == 3 and "YAML syntax error" in error.message


def test_python_tags_are_rejected_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\n"
    error = error_of(text)
    assert error.line == 1 and "not allowed" in error.message
    assert not marker.exists()


def test_duplicate_keys_are_errors():
    error = error_of(BASE + "seed: 1\nseed: 2\n")
    assert error.line == 9 and "duplicate key" in error.message


def test_missing_file():
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(ROOT / "no-such.yaml")


def test_labs_expand_with_counts_and_overrides():
    scenario = loads_scenario(
        BASE + "labs:\n  - {name: Big, advantage: 6, trust: 0.9}\n  - {name: Small, count: 3}\n"
    )
    labs = expand_labs(scenario)
    assert [lab.name for lab in labs] == ["Big", "Small 1", "Small 2", "Small 3"]
    assert labs[0].payoffs.T == 6 and labs[0].trust == 0.9
    assert labs[1].payoffs.T == 3 and labs[1].trust == 0.6


def test_bimatrix_labs_get_their_own_payoffs():
    scenario = loads_scenario(
        "name: m\ngame:\n  model: matrix\n  bimatrix:\n    row: [[3, 0], [5, 1]]\n"
        "    column: [[2, 4], [0, 1]]\n"
    )
    row, col = expand_labs(scenario)
    assert (row.payoffs.R, row.payoffs.S, row.payoffs.T, row.payoffs.P) == (3, 0, 5, 1)
    # Column lab's own view: (own action, other's action) is the transpose of column[r][c].
    assert (col.payoffs.R, col.payoffs.S, col.payoffs.T, col.payoffs.P) == (2, 0, 4, 1)


def test_matrix_needs_all_four_payoffs():
    error = error_of("name: m\ngame:\n  model: matrix\n  R: 3\n  T: 5\n")
    assert error.field == "game" and "all four" in error.message


def test_variants_merge_and_report_their_own_lines():
    text = BASE + "variants:\n  baseline: {}\n  trusting:\n    game:\n      trust: 0.9\n"
    variants = resolve_variants(loads_scenario(text))
    assert variants["baseline"].game.trust == 0.6
    assert variants["trusting"].game.trust == 0.9
    assert variants["trusting"].game.advantage == 3
    error = error_of(text.replace("trust: 0.9", "trust: 9"))
    assert error.line == 12 and "variant 'trusting'" in error.field


def test_dotted_overrides():
    scenario = loads_scenario(
        BASE + "interventions:\n  - {type: audit_and_fine, detection_probability: 0.5, fine: 1}\n"
    )
    changed = with_overrides(scenario, {"game.trust": 0.2, "interventions[0].fine": 4})
    assert changed.game.trust == 0.2 and changed.interventions[0].fine == 4
    with pytest.raises(ScenarioError, match="interventions\\[3\\]"):
        with_overrides(scenario, {"interventions[3].fine": 4})
    with pytest.raises(ScenarioError, match="game.trust"):
        with_overrides(scenario, {"game.trust": 3})


def test_every_problem_is_reported_with_its_own_line_and_field():
    text = BASE.replace("exposure: 3", "exposure: two") + "dynamics:\n  replicats: 5\n"
    error = error_of(text)
    assert (error.line, error.field) == (6, "game.exposure")
    assert [(m.line, m.field) for m in error.more] == [(9, "dynamics.replicats")]
    assert str(error).splitlines()[1].startswith("s.yaml, line 9: field 'dynamics.replicats': unknown key")
