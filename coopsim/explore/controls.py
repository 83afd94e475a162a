"""The settings `coopsim explore` lets an analyst move, derived from a scenario.

Each :class:`Control` edits one dotted path of the scenario (as in
:func:`coopsim.scenario.loading.with_overrides`). Controls show the values of the variant being
explored; a path that the variant's own override sets (or that lies inside a list the override
replaces) is edited there, any other path in the scenario's base, so a saved scenario keeps its
variants and each edit lands where it takes effect (:func:`edit_path`).

Which controls:

* trust and the four payoff factors: once for the game when all labs share them, else for each
  kind of lab (``labs[i]``), starting from that lab's own values; a symmetric matrix game has
  trust and R, S, T, P;
* the seed and the dynamics (rounds, matching, observability, tremble, incidents);
* every intervention of the variant: its window (start, end) and parameters, with the bounds of
  the scenario language (read from the pydantic models, so they never drift).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, get_args

from pydantic.fields import FieldInfo

from coopsim.scenario.loading import format_path, parse_dotted_path, resolve_variants
from coopsim.scenario.spec import FACTOR_NAMES, Dynamics, IncidentSpec, Scenario

FACTOR_LABELS = {
    "trust": "trust",
    "shared_upside": "shared upside (R)",
    "advantage": "advantage (T)",
    "exposure": "exposure (S = -exposure)",
    "shared_downside": "shared downside (P = -downside)",
}


@dataclass(frozen=True)
class Control:
    """One setting on the page: a slider with a number box (`number`, `integer`), or a choice."""

    path: str  # dotted path in the scenario (base or variant override, see edit_path)
    label: str
    group: str
    kind: str  # "number", "integer" or "choice"
    value: Any
    low: float | None = None
    high: float | None = None
    step: float | None = None
    options: list[str] = field(default_factory=list)
    optional: bool = False  # may be left empty (an intervention without an end)
    help: str = ""

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def variant_names(scenario: Scenario) -> list[str]:
    """The variants an analyst can explore, in the scenario's order."""
    return list(resolve_variants(scenario))


def edit_path(scenario: Scenario, variant: str, path: str) -> str:
    """Where an edit of `path` for `variant` belongs: inside the variant's override when the
    override sets that value (or replaces a list on the way to it), else in the base."""
    override = scenario.variants.get(variant)
    if override is None:
        return path
    node: Any = override
    for part in parse_dotted_path(path):
        if isinstance(node, list):
            break  # the override replaces this list whole
        if not (isinstance(node, dict) and part in node):
            return path
        node = node[part]
    return f"variants.{variant}.{path}"


def controls_for(scenario: Scenario, variant: str) -> list[Control]:
    """Every control of `variant` of `scenario`, with that variant's current values."""
    resolved = resolve_variants(scenario)[variant]
    controls = _game_controls(resolved) + _dynamics_controls(resolved) + _intervention_controls(resolved)
    return [_placed(c, scenario, variant) for c in controls]


def _placed(control: Control, scenario: Scenario, variant: str) -> Control:
    return Control(**{**asdict(control), "path": edit_path(scenario, variant, control.path)})


def _factor_range(name: str, value: float) -> tuple[float, float, float]:
    """Slider bounds around a factor's value (the number box accepts anything valid)."""
    if name == "trust":
        return 0.0, 1.0, 0.01
    span = float(max(10, math.ceil(2 * abs(value))))
    low = 0.0 if name in ("exposure", "shared_downside") or value >= 0 else -span
    return low, span, 0.1


def _number(path, label, group, value, low, high, step, help="") -> Control:
    return Control(path, label, group, "number", value, low, high, step, help=help)


def _game_controls(scenario: Scenario) -> list[Control]:
    game = scenario.game
    if game.model == "matrix":
        controls = [_number("game.trust", "trust", "The one-shot game", game.trust, 0, 1, 0.01)]
        if game.bimatrix is None:
            for name in ("R", "S", "T", "P"):
                value = getattr(game, name)
                span = float(max(10, math.ceil(2 * abs(value))))
                controls.append(_number(f"game.{name}", name, "The one-shot game", value, -span, span, 0.1))
        return controls + [
            _number(f"labs[{i}].trust", f"{lab.name}: trust", "Labs", lab.trust, 0, 1, 0.01)
            for i, lab in enumerate(scenario.labs) if lab.trust is not None
        ]
    labs_differ = any(lab.trust is not None or lab.payoff_overrides() for lab in scenario.labs)
    if not labs_differ:
        return [
            _number(f"game.{name}", FACTOR_LABELS[name], "The one-shot game", getattr(game, name),
                    *_factor_range(name, getattr(game, name)))
            for name in FACTOR_NAMES
        ]
    controls = []
    for i, lab in enumerate(scenario.labs):
        for name in FACTOR_NAMES:
            own = getattr(lab, name)
            value = own if own is not None else getattr(game, name)
            controls.append(_number(f"labs[{i}].{name}", FACTOR_LABELS[name], f"Lab kind: {lab.name}",
                                    value, *_factor_range(name, value)))
    return controls


def _bounds(info: FieldInfo) -> tuple[float | None, float | None]:
    low = high = None
    for rule in info.metadata:
        low = getattr(rule, "ge", None) if getattr(rule, "ge", None) is not None else low
        low = getattr(rule, "gt", None) if getattr(rule, "gt", None) is not None else low
        high = getattr(rule, "le", None) if getattr(rule, "le", None) is not None else high
    return low, high


def _field_control(
    path: str, label: str, group: str, info: FieldInfo, value: Any, top: float | None = None
) -> Control:
    """A control for one pydantic field, with the language's bounds and description (`top`: the
    slider's upper end when the language sets none)."""
    low, high = _bounds(info)
    high = top if high is None else high
    options = [str(o) for o in get_args(info.annotation) if isinstance(o, str)]
    if options:
        return Control(path, label, group, "choice", value, options=options, help=info.description or "")
    integer = info.annotation is int or int in get_args(info.annotation)
    optional = type(None) in get_args(info.annotation)
    guess = abs(value) if isinstance(value, (int, float)) else 0
    if high is None:
        high = max(100 if integer else 10, math.ceil(2 * guess))
    low = 0 if low is None else low
    step = 1 if integer else (0.01 if high <= 1 else 0.1)
    return Control(path, label, group, "integer" if integer else "number", value, low, high, step,
                   optional=optional, help=info.description or "")


def _dynamics_controls(scenario: Scenario) -> list[Control]:
    d = scenario.dynamics
    group = "Dynamics"
    fields = Dynamics.model_fields
    controls = [
        Control("seed", "seed", group, "integer", scenario.seed, 0, 10_000, 1,
                help=Scenario.model_fields["seed"].description or ""),
    ]
    for name in ("rounds", "matching", "observability", "tremble"):
        controls.append(_field_control(f"dynamics.{name}", name, group, fields[name], getattr(d, name),
                                       top=max(500, d.rounds) if name == "rounds" else None))
    for name in ("probability", "cost", "borne_by"):
        controls.append(_field_control(f"dynamics.incidents.{name}", f"incident {name.replace('_', ' ')}",
                                       group, IncidentSpec.model_fields[name], getattr(d.incidents, name)))
    return controls


def _intervention_controls(scenario: Scenario) -> list[Control]:
    controls = []
    for index, spec in enumerate(scenario.interventions):
        group = f"Intervention {index + 1}: {spec.type.replace('_', ' ')}"
        for name, info in type(spec).model_fields.items():
            if name == "type":
                continue
            path = format_path(("interventions", index, name))
            top = scenario.dynamics.rounds if name in ("start", "end") else None
            controls.append(_field_control(path, name.replace("_", " "), group, info, getattr(spec, name), top))
    return controls

