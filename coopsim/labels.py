"""Words for what charts and findings name: scenario fields, measures, game classes, equilibria.

One place, derived from the scenario language itself: a field's label is its ``title`` in the
pydantic model (which also lands in the JSON Schema, so editors show the same words), else the
first sentence of its ``description`` when that is short, else its name in words. A path into a
lab, an intervention or a variant says which one (`Fine paid per detected defection (audit and
fine, in audits and fines)`). No chart keeps a hand list of axis titles.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

SHORT_DESCRIPTION = 70  # characters: a longer description is no axis title


def words(identifier: str) -> str:
    """'late_joint_research' -> 'late joint research'."""
    return str(identifier).replace("_", " ")


def field_words(field_name: str, info: Any) -> str:
    """A field's label from its title, a short description, or its name."""
    if getattr(info, "title", None):
        return info.title
    description = (getattr(info, "description", None) or "").strip()
    first = re.split(r"(?<=[a-z)])\.\s", description + " ")[0].strip().rstrip(".")
    if first and len(first) <= SHORT_DESCRIPTION:
        head, sep, rest = first.partition(": ")
        if sep and " " not in head:  # 'Reward: payoff when both cooperate' -> 'Reward (payoff ...)'
            return f"{head} ({rest})"
        return first
    return words(field_name).capitalize()


def field_label(scenario, path: str) -> str:
    """The label of a dotted scenario path: `game.trust` -> 'Trust (belief that the other lab
    cooperates)'; `labs[1].advantage` -> 'Advantage ... of Newcomer'; a path into a variant
    names the variant."""
    from coopsim.scenario.loading import parse_dotted_path, resolve_variants

    try:
        parts = list(parse_dotted_path(path))
    except ValueError:
        return words(path)
    context: list[str] = []
    node: Any = scenario
    if parts[:1] == ["variants"] and len(parts) > 2:
        variants = resolve_variants(scenario)
        if parts[1] in variants:
            context.append(f"in {words(parts[1])}")
            node = variants[parts[1]]
            parts = parts[2:]
    if len(parts) == 3 and parts[0] == "labs" and isinstance(parts[1], int) and parts[1] < len(scenario.labs):
        lab = scenario.labs[parts[1]]
        game_fields = type(scenario.game).model_fields
        if parts[2] in game_fields:  # a lab's own value of a game factor: the factor's words
            label = field_words(parts[2], game_fields[parts[2]])
            head, sep, tail = label.partition(" (")
            return _with_context(f"{head} of {lab.name}{sep}{tail}", context)
    info, name = None, str(parts[-1])
    for part in parts:
        if isinstance(node, BaseModel) and isinstance(part, str) and part in type(node).model_fields:
            info, node = type(node).model_fields[part], getattr(node, part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node, info = node[part], None
            if getattr(node, "type", None) is not None:  # an intervention: say which
                context.insert(0, words(node.type))
        else:
            return _with_context(words(name).capitalize(), context)
    return _with_context(field_words(name, info) if info is not None else words(name).capitalize(), context)


def in_sentence(label: str) -> str:
    """A label inside a sentence: its head, without the explanation in brackets, in lower case
    ('Trust (belief that ...)' -> 'trust'; 'R' stays 'R')."""
    head = label.split(" (")[0]
    return head if head[:2].isupper() else head[:1].lower() + head[1:]


def _with_context(label: str, context: list[str]) -> str:
    if not context:
        return label
    if label.endswith(")"):
        return f"{label[:-1]}; {', '.join(context)})"
    return f"{label} ({', '.join(context)})"


def measure_label(measure: str) -> str:
    """A measure with its unit: 'Long-run cooperation (share)'; a model's own measure (a DSAIR
    or precipice output) by its :class:`~coopsim.games.base.Measure` label."""
    from coopsim.charts.dynamics import SUMMARY_MEASURES
    from coopsim.games import GAMES

    if measure in SUMMARY_MEASURES:
        return SUMMARY_MEASURES[measure]
    for model in GAMES.values():
        for declared in model.measures:
            if declared.name == measure:
                return declared.label[0].upper() + declared.label[1:]
    return words(measure).capitalize()


def is_share(measure: str) -> bool:
    """Whether a measure is a share in [0, 1] (by the bounds a model declares for it)."""
    from coopsim.games import GAMES

    for model in GAMES.values():
        for declared in model.measures:
            if declared.name == measure:
                return declared.share
    return False


def measure_words(measure: str) -> str:
    """A measure inside a sentence: 'long-run cooperation'."""
    label = measure_label(measure)
    return re.sub(r"\s*\(.*\)$", "", label).lower()


def class_words(key: str) -> str:
    """A phase table's game-class key in words: 'boundary:harmony|stag_hunt' -> 'boundary
    between harmony and stag hunt' (the words of :class:`coopsim.theory.stage_game.GameClass`)."""
    return _game_class(str(key)).words


def _game_class(key: str):
    from coopsim.theory.stage_game import GameClass

    key = key.strip()
    if key.startswith("(") and key.endswith(")"):
        key = key[1:-1]
    if key.startswith("boundary:"):
        return GameClass("boundary", tuple(key.removeprefix("boundary:").split("|")))
    if key.startswith("asymmetric:"):
        row, column = _split_sides(key.removeprefix("asymmetric:"))
        sides = (_game_class(row), _game_class(column))
        return GameClass("asymmetric", tuple(sorted({*sides[0].classes, *sides[1].classes})), sides)
    return GameClass("strict", (key,))


def _split_sides(text: str) -> tuple[str, str]:
    """'(boundary:a|b)|c' -> ('(boundary:a|b)', 'c'): the '|' outside parentheses."""
    depth = 0
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            return text[:index], text[index + 1:]
    raise ValueError(f"not a two-sided class: {text!r}")


PURE_OUTCOMES = {"CC": "both cooperate", "DD": "both defect", "mixed": "a mixed equilibrium"}


def equilibria_words(label: str, row_lab: str = "row lab", column_lab: str = "column lab") -> str:
    """'CC+DD+mixed' -> 'both cooperate, both defect or a mixed equilibrium'; '' -> 'none'."""
    outcomes = {**PURE_OUTCOMES, "CD": f"{row_lab} cooperates, {column_lab} defects",
                "DC": f"{row_lab} defects, {column_lab} cooperates"}
    parts = [outcomes[part] for part in str(label).split("+") if part]
    if not parts:
        return "none"
    joint = "; " if any("," in part for part in parts) else ", "
    return parts[0] if len(parts) == 1 else joint.join(parts[:-1]) + " or " + parts[-1]
