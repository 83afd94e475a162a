"""Parameter values from the command line: `path=values` with lists or evenly spaced ranges."""

from __future__ import annotations

from typing import Any

import numpy as np

from coopsim.scenario.budget import MAX_GRID_POINTS


def parse_values(text: str) -> list[Any]:
    """'0:1:11' -> 11 evenly spaced values from 0 to 1; '0.2,0.4' -> [0.2, 0.4]; '3' -> [3].

    Numbers become int or float; anything else stays a string (e.g. 'round_robin')."""
    text = text.strip()
    if not text:
        raise ValueError("no values given")
    if ":" in text:
        parts = text.split(":")
        if len(parts) != 3:
            raise ValueError(f"a range is start:stop:count, got {text!r}")
        start, stop = float(parts[0]), float(parts[1])
        count = int(parts[2])
        if count < 1:
            raise ValueError(f"a range needs at least one value, got count {count}")
        if count > MAX_GRID_POINTS:
            raise ValueError(f"a range of {count:,} values is more than the {MAX_GRID_POINTS:,} allowed")
        return [float(v) for v in np.linspace(start, stop, count)]
    return [_number(item.strip()) for item in text.split(",")]


def _number(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def parse_assignment(text: str) -> tuple[str, list[Any]]:
    """'game.trust=0:1:11' -> ('game.trust', [0.0, 0.1, ..., 1.0])."""
    path, sep, values = text.partition("=")
    if not sep or not path.strip():
        raise ValueError(f"expected PATH=VALUES (e.g. game.trust=0:1:11), got {text!r}")
    try:
        return path.strip(), parse_values(values)
    except ValueError as exc:
        raise ValueError(f"{path.strip()}: {exc}") from None
