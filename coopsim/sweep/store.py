"""Append-only storage of sweep results: one JSON line per finished task, flushed to disk as its
group of tasks completes (one write and one fsync per group). A line cut short by a kill is ignored on reading, so the task simply runs again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class ResultStore:
    """Results and failures of one sweep plan, in `folder/data/`."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder = Path(folder)
        self.data = self.folder / "data"
        self.results_path = self.data / f"results-{fingerprint}.jsonl"
        self.failures_path = self.data / f"failures-{fingerprint}.jsonl"

    def open(self) -> None:
        """Create the folder; drop a torn last line left by a killed run."""
        self.data.mkdir(parents=True, exist_ok=True)
        for path in (self.results_path, self.failures_path):
            if path.exists():
                text = path.read_text(encoding="utf-8")
                if text and not text.endswith("\n"):
                    path.write_text(text[: text.rfind("\n") + 1], encoding="utf-8")

    def results(self) -> list[dict[str, Any]]:
        """Every stored result (the last one wins for a repeated key)."""
        rows: dict[str, dict[str, Any]] = {}
        for record in _read_lines(self.results_path):
            rows[record["key"]] = record
        return list(rows.values())

    def done_keys(self) -> set[str]:
        """Keys of the tasks with a stored result."""
        return {record["key"] for record in _read_lines(self.results_path)}

    def clear_failures(self) -> None:
        """Forget earlier failures (their tasks are retried)."""
        self.failures_path.unlink(missing_ok=True)

    def failures(self) -> list[dict[str, Any]]:
        """Failures recorded by this run."""
        return list(_read_lines(self.failures_path))

    def add_results(self, records: list[dict[str, Any]]) -> None:
        """Persist finished tasks now."""
        _append(self.results_path, records)

    def add_failure(self, record: dict[str, Any]) -> None:
        """Persist one failed task now."""
        _append(self.failures_path, [record])


def _append(path: Path, records: list[dict[str, Any]]) -> None:
    if not records:
        return
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(record) + "\n" for record in records))
        handle.flush()
        os.fsync(handle.fileno())


def _read_lines(path: Path):
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            yield json.loads(line)
        except json.JSONDecodeError:
            continue
