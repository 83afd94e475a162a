"""The project's rule that every module does one job and stays under 400 lines."""

from __future__ import annotations

from pathlib import Path

import coopsim

LIMIT = 400  # lines


def test_every_module_is_under_the_line_limit():
    root = Path(coopsim.__file__).parent
    long = {str(path.relative_to(root.parent)): count
            for path in sorted(root.rglob("*.py"))
            if (count := len(path.read_text(encoding="utf-8").splitlines())) >= LIMIT}
    assert not long, f"modules of {LIMIT} lines or more (split them along a seam): {long}"
