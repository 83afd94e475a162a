"""Text from a scenario placed in Markdown so it reads as written: never markup, never HTML.

Names, questions and descriptions are the user's text, not formatting: an `<img onerror=...>` or a
`![](http://...)` in a name must show as those characters in report.md and index.html alike.
"""

from __future__ import annotations

import re
from typing import Any

_MARKUP = re.compile(r"([\\`*_\[\]<>!|~&#{}])")
_LINE_START = re.compile(r"^(?:([-+=])|(\d+)([.)]))", re.M)


def plain(text: Any, one_line: bool = True) -> str:
    """`text` as literal Markdown: every character that could start markup (emphasis, links,
    images, raw HTML, entities, table cells, headings, lists) is backslash-escaped. `one_line`
    folds line breaks into spaces (headings, table cells); otherwise lines keep their breaks but
    lose their indentation (which would make a code block)."""
    text = _MARKUP.sub(r"\\\1", str(text))
    if one_line:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.strip() for line in text.strip().splitlines())
    return _LINE_START.sub(lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), text)


def code(text: str) -> str:
    """`text` as an inline code span, whatever backticks it holds."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}"


_INERT = re.compile(r"([\\<>&*_`~]|!(?=\[))")


def inert(text: str) -> str:
    """Generated prose that quotes names (no markup of its own): no raw HTML, entity, image or
    emphasis can come from a name. Lighter than `plain`, so figures such as `[97.2, 98.6]` read
    the same in report.md as in the terminal."""
    return _INERT.sub(r"\\\1", text)
