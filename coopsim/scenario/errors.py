"""What goes wrong in a scenario, and where: errors (the run stops, exit code 2) and warnings
(the run goes ahead), each naming the file, the line and the field."""

from __future__ import annotations


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
