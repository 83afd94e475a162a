"""What a phase diagram says, in sentences generated from its tables (`coopsim phase`).

Three tables, all saved under ``data/`` and quoted by the findings (each quoted number is recorded
as (table, row, column, value), as in :mod:`coopsim.analyses.findings`):

* ``phase_point``: the one-shot verdict at the scenario's own values of the two axes (the phase
  grid evaluated on that single cell, so it is the same closed form as every other cell);
* ``phase_shares``: per map (game class, equilibria, row lab's best response) and category, the
  share of grid cells;
* ``phase_boundaries``: along each axis through the scenario's point, every pair of neighbouring
  grid values between which a map's category changes. A boundary is known only to within that
  grid step, and the findings say "between a and b".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coopsim.analyses.findings import Finding, percent
from coopsim.analyses.headlines import capitalised
from coopsim.labels import class_words, equilibria_words, field_label, in_sentence

if TYPE_CHECKING:
    from coopsim.games.base import PhaseMap

BOUNDARY = "boundary between"


def category_words(column: str, value: Any, row_lab: str = "row lab", column_lab: str = "column lab") -> str:
    """A map's category in words, as the charts' legends show it."""
    if column == "game_class":
        return class_words(value)
    if column == "equilibria":
        return equilibria_words("" if pd.isna(value) else value, row_lab, column_lab)
    if column == "cooperation_rational":
        return "cooperate" if _true(value) else "defect"
    return str(value)


def _true(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def scenario_point(scenario, paths: tuple[str, str]) -> tuple[float, float] | None:
    """The scenario's own values of the two axis paths (a lab's factor falls back to the
    game's), or None when the scenario sets no such number."""
    from coopsim.scenario.loading import parse_dotted_path

    point = []
    for path in paths:
        parts = parse_dotted_path(path)
        value = None
        if parts[0] == "game":
            value = getattr(scenario.game, parts[1], None)
        elif parts[0] == "labs":
            value = getattr(scenario.labs[parts[1]], parts[2], None)
            if value is None:
                value = getattr(scenario.game, parts[2], None)
        if not isinstance(value, (int, float)):
            return None
        point.append(float(value))
    return point[0], point[1]


def _critical(row: pd.Series, values: list, row_lab: str) -> str:
    """'; ... pay the same at trust 0.6667 (the critical trust)', when there is one in [0, 1]."""
    tau = row.get("critical_trust")
    if tau is None or pd.isna(tau):
        return ""
    values.append(("phase_point", "0", "critical_trust", float(tau)))
    return f"; cooperating and defecting pay {row_lab} the same at trust {plain(tau)} (the critical trust)"


def shares_table(table: pd.DataFrame, columns, row_lab: str, column_lab: str) -> pd.DataFrame:
    """Per map of the one-shot game (its phase table ``columns``) and category (in words), the
    number and share of grid cells."""
    return category_shares(table, columns, lambda column, v: category_words(column, v, row_lab, column_lab))


def category_shares(table: pd.DataFrame, columns, words=None) -> pd.DataFrame:
    """Per map column and category (``words(column, value)``, else :func:`model_category`), the
    number and share of grid cells."""
    rows = []
    for column in columns:
        named = table[column].map(lambda v: words(column, v) if words else model_category(v))
        for category, cells in named.value_counts().sort_index().items():
            rows.append({"map": column, "category": category, "cells": int(cells), "share": cells / len(table)})
    return pd.DataFrame(rows, columns=["map", "category", "cells", "share"])


def model_category(value: Any) -> str:
    """A category of a model's own phase map in words: yes/no for a condition, else its name."""
    if isinstance(value, (bool, np.bool_)) or str(value) in ("True", "False"):
        return "yes" if _true(value) else "no"
    return str(value).replace("_", " ")


def largest_category_title(legend: str, category: str, share: float) -> str:
    """A map's title stating its largest category: 'Zone (AS vs AU): dilemma in 41% of the grid'."""
    return f"{capitalised(legend)}: {category} in {percent(share)} of the grid"


def model_phase_findings(scenario, x: str, y: str, point: pd.DataFrame | None, shares: pd.DataFrame,
                         maps: dict[str, PhaseMap]) -> list[Finding]:
    """For a model's own maps (:class:`~coopsim.games.base.PhaseMap` by name): each map's category at the scenario's point, and the share of the
    grid its largest categories cover."""
    findings = []
    x_words, y_words = (in_sentence(field_label(scenario, path)) for path in (x, y))
    if point is not None and len(point):
        row = point.iloc[0]
        values = [("phase_point", "0", x, float(row[x])), ("phase_point", "0", y, float(row[y]))]
        said = [f"{spec.legend}: {model_category(row[spec.column])}" for spec in maps.values()]
        findings.append(Finding(
            f"At this scenario's own point ({x_words} {plain(row[x])}, {y_words} {plain(row[y])}): "
            + "; ".join(said) + ".", tuple(values)))
    for spec in maps.values():
        column, legend = spec.column, spec.legend
        part = shares[shares["map"] == column].sort_values("share", ascending=False, kind="stable")
        values, parts = [], []
        for index, entry in part.head(3).iterrows():
            values.append(("phase_shares", str(index), "share", float(entry["share"])))
            parts.append(f"{entry['category']} {percent(entry['share'])}")
        more = f" and {len(part) - 3} more" if len(part) > 3 else ""
        findings.append(Finding(f"Over the whole grid, {legend}: " + ", ".join(parts) + more + " of cells.",
                                tuple(values)))
    if point is None or not len(point):
        findings.append(Finding("The scenario sets no value for one of the axes, so its own point "
                                "is not marked.", caveat=True))
    return findings


def boundaries_table(table: pd.DataFrame, x: str, y: str, here: tuple[float, float] | None,
                     columns, row_lab: str, column_lab: str) -> pd.DataFrame:
    """Where each map (phase table ``columns``) changes along the grid line through the scenario's point (the grid value
    nearest to it): one row per change, with the two neighbouring values it lies between."""
    rows = []
    if here is None:
        return pd.DataFrame(columns=["map", "along", "at", "from_value", "to_value", "below", "above"])
    for along, across, at in ((y, x, here[0]), (x, y, here[1])):
        values = np.sort(table[across].unique())
        nearest = values[np.argmin(np.abs(values - at))]
        line = table[table[across] == nearest].sort_values(along)
        for column in columns:
            named = line[column].map(lambda v: category_words(column, v, row_lab, column_lab)).tolist()
            rows += [{"map": column, "along": along, "at": float(nearest), **change}
                     for change in _changes(line[along].tolist(), named)]
    return pd.DataFrame(rows, columns=["map", "along", "at", "from_value", "to_value", "below", "above"])


def _changes(positions: list[float], named: list[str]) -> list[dict[str, Any]]:
    """Where the category changes along a line, between neighbouring grid values. A single tie
    cell ('boundary between ...') between two other categories is where the change lies,
    exactly: it is reported as from_value = to_value = its position."""
    runs: list[list] = []  # [category, first position, last position, cells]
    for position, name in zip(positions, named):
        if runs and runs[-1][0] == name:
            runs[-1][2:] = [position, runs[-1][3] + 1]
        else:
            runs.append([name, position, position, 1])
    tie = [k for k, run in enumerate(runs)
           if BOUNDARY in run[0] and run[3] == 1 and 0 < k < len(runs) - 1]
    kept = [run for k, run in enumerate(runs) if k not in tie]
    exact = {id(runs[k + 1]): runs[k][1] for k in tie}
    changes = []
    for before, after in zip(kept, kept[1:]):
        at = exact.get(id(after))
        changes.append({"from_value": before[2] if at is None else at,
                        "to_value": after[1] if at is None else at, "below": before[0], "above": after[0]})
    return changes


def phase_findings(scenario, x: str, y: str, point: pd.DataFrame | None, shares: pd.DataFrame,
                   boundaries: pd.DataFrame, row_lab: str, column_lab: str) -> list[Finding]:
    """The verdict at the scenario's point, how much of the grid each verdict covers, and
    where the verdicts change along the lines through the point."""
    findings = []
    x_words, y_words = (in_sentence(field_label(scenario, path)) for path in (x, y))
    if point is not None and len(point):
        row = point.iloc[0]
        values = [("phase_point", "0", x, float(row[x])), ("phase_point", "0", y, float(row[y]))]
        verdict = "cooperating" if _true(row["cooperation_rational"]) else "defecting"
        findings.append(Finding(
            f"At this scenario's own point ({x_words} {plain(row[x])}, {y_words} {plain(row[y])}) "
            f"the game is {class_words(row['game_class'])}; equilibria: "
            f"{category_words('equilibria', row['equilibria'], row_lab, column_lab)}; "
            f"{verdict} is {row_lab}'s best response" + _critical(row, values, row_lab) + ".",
            tuple(values)))
    rational = shares[(shares["map"] == "cooperation_rational") & (shares["category"] == "cooperate")]
    share = float(rational["share"].iloc[0]) if len(rational) else 0.0
    values = [("phase_shares", str(rational.index[0]), "share", share)] if len(rational) else []
    classes = shares[shares["map"] == "game_class"].sort_values("share", ascending=False)
    parts = []
    for index, entry in classes.head(3).iterrows():
        values.append(("phase_shares", str(index), "share", float(entry["share"])))
        parts.append(f"{entry['category']} {percent(entry['share'])}")
    more = f" and {len(classes) - 3} more" if len(classes) > 3 else ""
    findings.append(Finding(
        f"Over the whole grid, cooperating is {row_lab}'s best response in {percent(share)} of cells; "
        f"the game is " + ", ".join(parts) + more + " of cells.", tuple(values)))
    for along, words_along, other in ((y, y_words, x_words), (x, x_words, y_words)):
        part = boundaries[(boundaries["along"] == along) & (boundaries["map"] != "equilibria")]
        if part.empty:
            continue
        values, said = [], []
        for index, entry in part.iterrows():
            values += [("phase_boundaries", str(index), "at", float(entry["at"])),
                       ("phase_boundaries", str(index), "from_value", float(entry["from_value"])),
                       ("phase_boundaries", str(index), "to_value", float(entry["to_value"]))]
            where = (f"at {words_along} {plain(entry['from_value'])}" if entry["from_value"] == entry["to_value"]
                     else f"between {words_along} {plain(entry['from_value'])} and {plain(entry['to_value'])}")
            subject = ("the best response" if entry["map"] == "cooperation_rational" else "the game")
            said.append(f"{subject} changes from {_verb(entry['below'])} to {_verb(entry['above'])} {where}")
        at = plain(part["at"].iloc[0])
        findings.append(Finding(f"Along {words_along} at {other} {at}: " + "; ".join(said) + ".",
                                tuple(values)))
    if point is None or not len(point):
        findings.append(Finding("The scenario sets no value for one of the axes, so its own point "
                                "is not marked.", caveat=True))
    return findings


def plain(value: float) -> str:
    """A grid value, with enough digits to tell neighbouring grid values apart."""
    return f"{float(value):.4g}"


def _verb(category: str) -> str:
    return {"cooperate": "cooperating", "defect": "defecting"}.get(category, category)
