"""Edge files of ``dynamics.network: {file: ...}``: reading and validating them line by line.

Kept apart from the network builder (:mod:`coopsim.abm.network`) so that loading a scenario
needs neither networkx nor the model.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from coopsim.policy.targets import expanded_names

if TYPE_CHECKING:
    from coopsim.scenario.spec import Scenario

FILE_FIELD = "dynamics.network.file"
MAX_REPORTED_PROBLEMS = 20


def read_edges(path: Path, names: list[str]) -> list[tuple[int, int]]:
    """The edges of a CSV file as pairs of node numbers.

    Format: a header line (any two column names, e.g. ``source,target``), then one edge per
    line, ``lab,lab``, naming labs as the scenario does; blank lines and lines starting with
    ``#`` are ignored. Every bad line (not two names, an unknown lab, a lab linked to itself, an
    edge already given, in either direction) is reported with its line number as one
    :class:`ScenarioError`."""
    from coopsim.scenario.loading import ScenarioError  # it imports this module

    source = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(source, "edge file not found", field=FILE_FIELD) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, f"cannot read edge file: {exc}", field=FILE_FIELD) from None
    node = {name: index for index, name in enumerate(names)}
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[int, int], int] = {}
    header_seen = False
    for line_number, row in enumerate(csv.reader(text.splitlines()), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if len(cells) == 2 and cells[0] in node and cells[1] in node:
                problems.append((line_number, "the first line must be a header such as "
                                 "'source,target' (it names two labs; add a header line)"))
            continue
        if len(cells) != 2 or not all(cells):
            problems.append((line_number, f"expected two lab names separated by a comma, got {','.join(row)!r}"))
            continue
        unknown = [name for name in cells if name not in node]
        if unknown:
            problems.append((line_number, f"unknown lab {unknown[0]!r} (labs: {_some(names)})"))
            continue
        a, b = node[cells[0]], node[cells[1]]
        if a == b:
            problems.append((line_number, f"self-loop: lab {cells[0]!r} linked to itself"))
            continue
        key = (min(a, b), max(a, b))
        if key in seen:
            problems.append((line_number, f"duplicate edge {cells[0]!r}-{cells[1]!r} "
                             f"(already on line {seen[key]})"))
            continue
        seen[key] = line_number
    if not header_seen:
        problems.append((1, "the edge file is empty (expected a header line, then 'lab,lab' lines)"))
    if problems:
        errors = [ScenarioError(source, message, line, FILE_FIELD)
                  for line, message in problems[:MAX_REPORTED_PROBLEMS]]
        raise ScenarioError(source, errors[0].message, errors[0].line, FILE_FIELD, tuple(errors[1:]))
    return list(seen)


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")


def check_edge_files(scenarios: dict[str, Scenario]) -> None:
    """Read every edge file the scenario's variants name, so bad edges fail at load time."""
    for scenario in scenarios.values():
        spec = scenario.dynamics.network
        if spec is not None and spec.type == "file":
            read_edges(Path(spec.file), expanded_names(scenario)[0])


def resolve_edge_paths(data, directory: Path) -> None:
    """Make the edge-file paths of scenario data (base and variants) absolute, relative paths
    being relative to ``directory`` (the scenario file's folder), before validation."""
    if not isinstance(data, dict):
        return
    variants = data.get("variants")
    nodes = [data, *(variants.values() if isinstance(variants, dict) else ())]
    for node in nodes:
        dynamics = node.get("dynamics") if isinstance(node, dict) else None
        network = dynamics.get("network") if isinstance(dynamics, dict) else None
        if isinstance(network, dict) and isinstance(network.get("file"), str):
            network["file"] = str((directory / network["file"]).resolve())
