"""Seeded random mutations of the bundled scenarios through `coopsim validate` and `coopsim solve
--json`: every mutant either works or gets a clean error (exit 0 or 2), never a traceback."""

from __future__ import annotations

import json
import random
import re

from typer.testing import CliRunner

from coopsim.cli import app
from tests.conftest import SCENARIOS

MUTANTS = 300
SEED = 20261121

# Values that replace a scalar: other types, non-finite and huge numbers, text with control
# characters, YAML constructs a scenario may not use. Sizes are either ordinary or hopeless
# (refused up front), so no mutant runs for long.
VALUES = [
    ".inf", "-.inf", ".nan", "1e308", "-1e308", "1.0e+400", "1000000000000", "-1", "0", "0.5",
    "2", "3.5", "100000", "99999999999999999999999", "-0.0", "null", "true", "false", "abc",
    "''", "[]", "{}", "[1, 2]", "{a: 1}", "[[1, 2], [3, 4]]", '"a\\0b"', '"line\\nbreak"',
    "!!set {a, b}", "!!binary aGVsbG8=", "!!python/name:os.system", "2024-01-01", "*nowhere",
    "&anchor 1", "[*a, *a]", "0x1F", "1_000", "~", "'", "\"", "}", "- x",
]
NAMES = ["name", "count", "trust", "rounds", "replicates", "population", "N", "teams",
         "monte_carlo_races", "strategies", "variants", "labs", "game", "model", "type", "<<"]
# How often each kind of edit is drawn: mostly values, so that many mutants reach validation
# and the solvers rather than stopping at a YAML syntax error.
EDITS = {"value": 60, "key": 6, "delete": 6, "duplicate": 3, "swap": 3, "indent": 3,
         "alias": 6, "insert": 8, "bomb": 5}
SCALAR = re.compile(r"(:\s+)([^\s#{}\[\],][^#{}\[\],]*?|\{[^#]*\}|\[[^#]*\])(\s*(#.*)?)$")


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits of YAML text."""
    for _ in range(rng.randint(1, 2)):
        lines = text.splitlines()
        if not lines:
            return text
        i = rng.randrange(len(lines))
        kind = rng.choices(list(EDITS), weights=list(EDITS.values()))[0]
        if kind == "value":
            match = SCALAR.search(lines[i])
            if match:
                lines[i] = lines[i][: match.start(2)] + rng.choice(VALUES) + match.group(3)
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            lines[i] = ("  " + lines[i]) if rng.random() < 0.5 else lines[i][2:]
        elif kind == "key":
            lines[i] = re.sub(r"^(\s*-?\s*)[A-Za-z_]+:", rf"\g<1>{rng.choice(NAMES)}:", lines[i])
        elif kind == "alias":
            match = SCALAR.search(lines[i])
            j = rng.randrange(len(lines))
            other = SCALAR.search(lines[j])
            if match and other and j > i:
                lines[j] = lines[j][: other.start(2)] + "*x" + other.group(3)
                lines[i] = lines[i][: match.start(2)] + "&x " + match.group(2) + match.group(3)
        elif kind == "insert":
            lines.insert(i, rng.choice(["seed: 1e308", "evolution: {population: 1000000000}",
                                        "dynamics: {rounds: 1000000000000}", "? [a, b]\n: 1",
                                        "x: &a [1, *a]", "labs: !!set {a}", "description: \"\\0\""]))
        else:  # a small alias bomb somewhere
            levels = ["b0: &b0 [x, x, x, x, x, x, x, x, x]"] + [
                f"b{k}: &b{k} [" + ", ".join([f"*b{k - 1}"] * 9) + "]" for k in range(1, 8)
            ]
            lines[i:i] = ["sweep:", "  parameters:", *("    " + level for level in levels)]
        text = "\n".join(lines) + "\n"
    return text


def test_mutated_scenarios_fail_cleanly_or_work(tmp_path):
    rng = random.Random(SEED)
    runner = CliRunner()
    sources = [path.read_text(encoding="utf-8") for path in SCENARIOS]
    for data in SCENARIOS[0].parent.glob("*.csv"):  # edge files the network scenarios name
        (tmp_path / data.name).write_bytes(data.read_bytes())
    outcomes = {0: 0, 2: 0}
    for n in range(MUTANTS):
        text = mutate(rng.choice(sources), rng)
        path = tmp_path / f"mutant-{n}.yaml"
        path.write_text(text, encoding="utf-8")
        for command in (["validate", str(path)], ["solve", "--json", str(path)]):
            result = runner.invoke(app, command)
            where = f"{' '.join(command)} on mutant {n}:\n{text}\n{result.output}"
            assert result.exit_code in (0, 2), where
            assert result.exception is None or isinstance(result.exception, SystemExit), where
            assert "Traceback" not in result.output, where
            if result.exit_code == 2:
                assert result.stdout == "" or command[0] == "validate", where
                assert "coopsim: error: " + str(path) in result.stderr, where
            elif command[0] == "solve":
                json.loads(result.stdout, parse_constant=_refuse_constant)  # strict JSON
            outcomes[result.exit_code] += 1
    # The mutations must exercise both outcomes, or the test proves nothing.
    assert outcomes[0] > MUTANTS // 10 and outcomes[2] > MUTANTS // 2, outcomes


def _refuse_constant(name: str) -> None:
    raise AssertionError(f"{name} is not JSON")
