"""Loading scenarios: validation with line-numbered errors, variants and dotted paths.

Every failure becomes a :class:`ScenarioError` naming the file, the line and the field, so the CLI
can print one clear message and exit with code 2. The YAML itself is read by
:mod:`coopsim.scenario.yaml_reader`.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from coopsim.scenario import budget
from coopsim.scenario.edges import check_edge_files, resolve_edge_paths
from coopsim.scenario.spec import Scenario

from coopsim.scenario.errors import ScenarioError, ScenarioWarning
from coopsim.scenario.yaml_reader import PathKey, format_path, parse_yaml


def warn_about_no_ops(
    scenario: Scenario, source: str, lines: dict[PathKey, int] | None = None
) -> list[ScenarioWarning]:
    """Warn (``warnings.warn``) about every intervention that cannot act, in the scenario or
    in any variant, naming file, line and field; each problem once. Returns the warnings."""
    import warnings

    from coopsim.policy.expected import inactive

    lines = lines or {}
    found: dict[tuple, ScenarioWarning] = {}
    for name, variant in resolve_variants(scenario, source, lines).items():
        own = scenario.variants.get(name, {}).get("interventions") is not None
        for index, reason in inactive(variant):
            path = ("variants", name, "interventions", index) if own else ("interventions", index)
            field = format_path(path)
            message = f"this intervention does nothing: {reason}"
            if not own and scenario.variants.get(name):
                message += f" (in variant '{name}')"
            found.setdefault((field, reason), ScenarioWarning(source, message, lines.get(path), field))
    for warning in found.values():
        warnings.warn(warning, stacklevel=2)
    return list(found.values())


# --------------------------------------------------------------------------- validation


def _union_tags() -> frozenset[str]:
    """The `model:`/`type:` values of every union member; pydantic puts them in error locations."""
    tags = set()
    for definition in Scenario.model_json_schema().get("$defs", {}).values():
        for key in ("model", "type"):
            const = definition.get("properties", {}).get(key, {}).get("const")
            if const:
                tags.add(const)
    return frozenset(tags)


_UNION_TAGS = _union_tags()


def _data_path(loc: PathKey, data: Any) -> PathKey:
    """Drop the union-tag parts pydantic adds to a location (they are not in the YAML)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part not in node and part in _UNION_TAGS:
            continue
        path.append(part)
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
    return tuple(path)


def _line_for(path: PathKey, lines: dict[PathKey, int], prefixes: list[PathKey]) -> int | None:
    """The line of ``path`` (or of its nearest written ancestor) under the first prefix that
    writes any part of it; a bare prefix's own line (a variant's name) only when none does, so a
    value a variant inherits is placed where the base scenario writes it."""
    for prefix in prefixes:
        for cut in range(len(path), 0, -1):
            if prefix + path[:cut] in lines:
                return lines[prefix + path[:cut]]
    for prefix in prefixes:
        if prefix in lines:
            return lines[prefix]
    return None


def _describe(error: dict) -> str:
    message = error["msg"]
    if error["type"] == "extra_forbidden":
        return "unknown key (check the spelling; see `coopsim schema` for the allowed keys)"
    if error["type"] == "missing":
        return "required field is missing"
    if error["type"] == "union_tag_invalid":
        ctx = error.get("ctx", {})
        return f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
    if "input" in error and error["type"] not in ("model_type", "value_error", "assertion_error"):
        value = error["input"]
        if not isinstance(value, (dict, list)):
            message += f" (got {value!r})"
    return message.removeprefix("Value error, ")


def validate_data(
    data: Any,
    source: str,
    lines: dict[PathKey, int] | None = None,
    prefixes: list[PathKey] | None = None,
) -> Scenario:
    """Validate plain data as a Scenario; every problem becomes part of one ScenarioError (the
    first is its line and field, the others follow in `more`)."""
    lines = lines or {}
    prefixes = prefixes or [()]
    if not isinstance(data, dict):
        raise ScenarioError(source, "a scenario must be a YAML mapping (key: value lines)", 1)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            path = _data_path(tuple(error["loc"]), data)
            problems.append(
                ScenarioError(source, _describe(error), _line_for(path, lines, prefixes), format_path(path) or None)
            )
        first = problems[0]
        raise ScenarioError(source, first.message, first.line, first.field, tuple(problems[1:])) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read, parse and validate a scenario file, including every variant."""
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise ScenarioError(source, "file not found" if not path.exists() else "not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(source, f"cannot read file: {exc}") from None
    return _load(text, source, path.parent)


def loads_scenario(text: str, source: str = "<string>") -> Scenario:
    """Parse and validate a scenario from YAML text (edge files relative to the working folder)."""
    return _load(text, source, Path.cwd())


def _load(text: str, source: str, directory: Path) -> Scenario:
    """Parse, validate (every variant and its size too, and any edge file) and warn about
    settings that do nothing. ``directory``: where relative edge-file paths start."""
    data, lines = parse_yaml(text, source)
    resolve_edge_paths(data, directory)
    scenario = validate_data(data, source, lines)
    variants = resolve_variants(scenario, source, lines)
    check_edge_files(variants)
    check_budget(scenario, variants, source, lines)
    warn_about_no_ops(scenario, source, lines)
    return scenario


def check_budget(
    scenario: Scenario, variants: dict[str, Scenario], source: str,
    lines: dict[PathKey, int] | None = None,
) -> None:
    """Refuse a scenario whose runs could not finish or fit (see :mod:`coopsim.scenario.budget`)."""
    excess = budget.scenario_excess(scenario, variants)
    if excess is None:
        return
    prefixes = [("variants", excess.variant), ()] if excess.variant else [()]
    line = _line_for(excess.field, lines or {}, prefixes)
    error = ScenarioError(source, excess.message, line, format_path(excess.field))
    raise (in_variant(error, excess.variant) if excess.variant else error)


# --------------------------------------------------------------------------- variants


def deep_merge(base: Any, override: Any) -> Any:
    """Merge `override` into `base`: mappings merge key by key, anything else replaces."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return merged
    return copy.deepcopy(override)


def base_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data without its variants (the base every variant overrides)."""
    return scenario.model_dump(mode="json", exclude={"variants"}, exclude_none=True)


def resolve_variants(
    scenario: Scenario, source: str = "<scenario>", lines: dict[PathKey, int] | None = None
) -> dict[str, Scenario]:
    """Every variant as a complete scenario; without variants, the scenario is `baseline`."""
    if not scenario.variants:
        return {"baseline": scenario}
    base = base_data(scenario)
    resolved = {}
    for name, override in scenario.variants.items():
        if "variants" in override:
            raise ScenarioError(
                source, "a variant cannot define variants", (lines or {}).get(("variants", name)),
                f"variants.{name}.variants",
            )
        data = deep_merge(base, override)
        try:
            resolved[name] = validate_data(
                data, source, lines, prefixes=[("variants", name), ()]
            )
        except ScenarioError as exc:
            raise in_variant(exc, name) from None
    return resolved


def in_variant(error: ScenarioError, name: str) -> ScenarioError:
    """The same problems, their fields marked as belonging to variant `name`."""
    field = f"{error.field} (in variant '{name}')" if error.field else f"variant '{name}'"
    more = tuple(in_variant(other, name) for other in error.more)
    return ScenarioError(error.source, error.message, error.line, field, more)


# --------------------------------------------------------------------------- dotted paths

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_dotted_path(dotted: str) -> PathKey:
    """'interventions[0].fine' -> ('interventions', 0, 'fine')."""
    parts: list[Any] = []
    position = 0
    for match in _PATH_PART.finditer(dotted):
        if match.start() != position and dotted[position:match.start()] != ".":
            raise ValueError(f"cannot parse path {dotted!r}")
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        position = match.end()
    if not parts or position != len(dotted):
        raise ValueError(f"cannot parse path {dotted!r}")
    return tuple(parts)


def set_path(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A copy of `data` with the value at a dotted path replaced; the path must exist or be a
    field of an existing mapping."""
    parts = parse_dotted_path(dotted)
    result = copy.deepcopy(data)
    node: Any = result
    for depth, part in enumerate(parts[:-1]):
        where = format_path(parts[: depth + 1])
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise ValueError(f"{where}: no such list item")
        elif not isinstance(node, dict):
            raise ValueError(f"{where}: not a mapping")
        elif part not in node:
            node[part] = {}
        node = node[part]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(node, list) or last >= len(node):
            raise ValueError(f"{dotted}: no such list item")
    elif not isinstance(node, dict):
        raise ValueError(f"{dotted}: not a mapping")
    node[last] = value
    return result


def with_overrides(scenario: Scenario, overrides: dict[str, Any], source: str = "<overrides>") -> Scenario:
    """A new scenario with dotted-path overrides applied and validated."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for dotted, value in overrides.items():
        try:
            data = set_path(data, dotted, value)
        except ValueError as exc:
            raise ScenarioError(source, str(exc), field=dotted) from None
    new = validate_data(data, source)
    check_budget(new, resolve_variants(new, source), source)
    return new


def scenario_hash(scenario: Scenario) -> str:
    """A stable SHA-256 of the validated scenario (independent of YAML formatting)."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def json_schema() -> dict[str, Any]:
    """The JSON Schema of scenario files, for editors (yaml-language-server)."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "coopsim scenario"
    return schema
