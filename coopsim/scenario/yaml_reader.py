"""Reading scenario YAML safely, with the line of every value.

PyYAML's SafeLoader with limits: a tag that would construct a Python object, a complex key, a set,
an alias bomb or a nesting too deep to walk is refused as a :class:`ScenarioError` naming the
file and the line, never executed or expanded. Merge keys (``<<``) work as in any YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

from coopsim.scenario.errors import ScenarioError

PathKey = tuple[Any, ...]


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


def format_path(loc: PathKey) -> str:
    """('interventions', 0, 'fine') -> 'interventions[0].fine'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
