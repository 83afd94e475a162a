"""Loading scenarios from YAML: safe parsing, line-numbered errors, variants and dotted paths.

Every failure becomes a :class:`ScenarioError` naming the file, the line and the field, so the CLI
can print one clear message and exit with code 2. YAML is parsed with PyYAML's SafeLoader: a tag
that would construct a Python object is an error, never executed.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from coopsim.scenario import budget
from coopsim.scenario.edges import check_edge_files, resolve_edge_paths
from coopsim.scenario.spec import Scenario

PathKey = tuple[Any, ...]


class ScenarioError(Exception):
    """A scenario that cannot be used, with where and why."""

    def __init__(
        self, source: str, message: str, line: int | None = None, field: str | None = None,
        more: tuple[ScenarioError, ...] = (),
    ):
        self.source, self.message, self.line, self.field = source, message, line, field
        self.more = more  # further problems found in the same file, each reported the same way
        where = source if line is None else f"{source}, line {line}"
        what = f"field '{field}': {message}" if field else message
        super().__init__("\n".join([f"{where}: {what}", *map(str, more)]))


class ScenarioWarning(UserWarning):
    """A scenario setting that is valid but does nothing (e.g. an intervention whose window
    never opens), with where and why, formatted like :class:`ScenarioError`."""

    def __init__(self, source: str, message: str, line: int | None = None, field: str | None = None):
        self.source, self.message, self.line, self.field = source, message, line, field
        where = source if line is None else f"{source}, line {line}"
        what = f"field '{field}': {message}" if field else message
        super().__init__(f"{where}: {what}")


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


# --------------------------------------------------------------------------- YAML with lines


# Limits on what a scenario file may ask the YAML reader to build. A hand-written scenario is a
# few hundred nodes a dozen levels deep; these are far above that and far below what exhausts
# memory (an alias bomb: 9 anchors each listing the previous one 9 times expand to 9^9 nodes)
# or Python's recursion limit.
MAX_FILE_BYTES = 5_000_000
MAX_DEPTH = 64
MAX_NODES = 100_000

# YAML types that are not plain data: a set has no order (its iteration order depends on
# PYTHONHASHSEED, so results would too), omap/pairs build lists of tuples, binary builds bytes.
_REFUSED_TAGS = {
    "set": "write a list ([a, b]) instead",
    "omap": "write a mapping instead",
    "pairs": "write a mapping instead",
    "binary": "write text instead",
}


class _Refused(yaml.MarkedYAMLError):
    """A well-formed YAML document that a scenario may not contain, at `node` (or at the node
    being composed when `node` is None)."""

    def __init__(self, problem: str, mark: yaml.Mark, node: yaml.Node | None = None,
                 path: PathKey = ()):
        super().__init__(problem=problem, problem_mark=mark)
        self.node, self.path = node, path


class _ScenarioLoader(yaml.SafeLoader):
    """SafeLoader with scenario limits: nesting depth (checked while composing, before Python's
    recursion limit), plain-text mapping keys, no duplicate keys (a silent overwrite hides typos),
    no non-data types. Merge keys (`<<: *anchor`) work as in any YAML 1.1 reader."""

    def __init__(self, stream):
        super().__init__(stream)
        self.path: list[Any] = []  # where the composer is: keys and list indices
        self.paths: dict[int, PathKey] = {}  # id(node) -> its first path, for error messages

    def compose_node(self, parent, index):
        if len(self.path) >= MAX_DEPTH:
            raise _Refused(
                f"nesting deeper than {MAX_DEPTH} levels (the limit for scenario files)",
                self.peek_event().start_mark, path=self.where(),
            )
        alias = self.check_event(yaml.AliasEvent)  # the node it names already has its path
        # index: the key node of a mapping value, the position of a list item, None for a key
        self.path.append(index.value if isinstance(index, yaml.ScalarNode) else index)
        try:
            node = super().compose_node(parent, index)
            if not alias:
                self.paths.setdefault(id(node), self.where())
        finally:
            self.path.pop()
        return node

    def where(self, node: yaml.Node | None = None) -> PathKey:
        """The path of `node` (default: the node being composed), without key positions."""
        if node is not None:
            return self.paths.get(id(node), ())
        return tuple(part for part in self.path if isinstance(part, (str, int)))

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *anchor`; flatten_mapping merges it, explicit keys winning
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused(
                    "a mapping key must be plain text, not a list or mapping "
                    "(complex keys such as `? [a, b]` are not allowed)", key_node.start_mark, node,
                )
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def construct_refused(self, node):
        name = node.tag.rsplit(":", 1)[-1]
        raise _Refused(
            f"the YAML type !!{name} is not allowed in scenarios: {_REFUSED_TAGS[name]}",
            node.start_mark, node,
        )


for _name in _REFUSED_TAGS:
    _ScenarioLoader.add_constructor(f"tag:yaml.org,2002:{_name}", _ScenarioLoader.construct_refused)
# Unquoted dates stay text (as in YAML 1.2 and JSON): a scenario has no date fields.
_ScenarioLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand it beyond MAX_NODES nodes or MAX_DEPTH levels, or
    that refers to itself, before anything expands it.

    Aliases make the composed graph share nodes, so its expanded size is computed bottom-up,
    once per distinct node: size(n) = 1 + sum(size(child)), depth(n) = 1 + max(depth(child)).
    The walk is iterative: its own depth never depends on the input."""
    done: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()  # entered and not finished: the ancestors of the current node
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            children = [done[id(child)] for child in _children(node)]
            size = 1 + sum(s for s, _ in children)
            depth = 1 + max((d for _, d in children), default=0)
            open_nodes.discard(key)
            done[key] = (size, depth)
            if size > MAX_NODES:
                raise _Refused(
                    f"this value expands to more than {MAX_NODES:,} YAML nodes through aliases "
                    "(*name), the limit for scenario files", node.start_mark, node,
                )
            if depth > MAX_DEPTH:
                raise _Refused(
                    f"through aliases (*name) this value nests deeper than {MAX_DEPTH} levels "
                    "(the limit for scenario files)", node.start_mark, node,
                )
            continue
        if key in done:
            continue
        if key in open_nodes:
            raise _Refused("an alias (*name) refers to a value that contains it",
                           node.start_mark, node)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _line_map(node: yaml.Node, path: PathKey = (), lines: dict | None = None) -> dict[PathKey, int]:
    """Map every path in the document (keys and list indices) to its 1-based line."""
    lines = {} if lines is None else lines
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = path + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1
            _line_map(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, path + (index,), lines)
    return lines


def parse_yaml(text: str, source: str) -> tuple[Any, dict[PathKey, int]]:
    """Parse YAML text safely into plain data and a path -> line map."""
    if len(text) > MAX_FILE_BYTES:
        raise ScenarioError(
            source, f"the file has {len(text):,} characters; scenario files are limited to "
            f"{MAX_FILE_BYTES:,}",
        )
    loader = _ScenarioLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        _check_expansion(node)
        data = loader.construct_document(node)  # merges `<<` keys into the node graph as it goes
    except _Refused as exc:
        path = loader.where(exc.node) if exc.node is not None else exc.path
        field = format_path(path[:8]) + ("..." if len(path) > 8 else "")
        raise ScenarioError(source, exc.problem, exc.problem_mark.line + 1, field or None) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "python/" in problem or "could not determine a constructor" in problem:
            problem = (
                f"{problem} (YAML tags that build Python objects are not allowed in scenarios)"
            )
        raise ScenarioError(source, f"YAML syntax error: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(source, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return data, _line_map(node)


# --------------------------------------------------------------------------- validation


def format_path(loc: PathKey) -> str:
    """('interventions', 0, 'fine') -> 'interventions[0].fine'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


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
    for prefix in prefixes:
        for cut in range(len(path), -1, -1):
            key = prefix + path[:cut]
            if key in lines:
                return lines[key]
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
