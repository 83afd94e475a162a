"""The formats a report is written in: one entry per file, each a function of the same blocks.

A report is an ordered list of :class:`~coopsim.report.content.Block` (Markdown text or a named
chart). Every format renders those blocks, so `index.html` and `report.md` say the same thing in
the same order whatever command made them. Adding a format is one function and one line here.
"""

from __future__ import annotations

from typing import Any, Callable

from coopsim.report.content import CHART_TITLES, Block, chart_title

# render(title, blocks, chart specs by name) -> the file's text
Format = Callable[[str, list[Block], dict[str, dict[str, Any]]], str]


def figure_caption(name: str, spec: dict[str, Any] | None) -> str:
    """A chart's caption and alt text: the run report's name for it, else the title the chart
    states (its finding), else its file name in words."""
    if name in CHART_TITLES or not spec:
        return chart_title(name)
    title = spec.get("title", {})
    text = title.get("text", "") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text or chart_title(name))


def markdown_format(title: str, blocks: list[Block], specs: dict[str, dict[str, Any]]) -> str:
    """report.md: the blocks with charts as their PNG files (for pasting into documents)."""
    parts = []
    for block in blocks:
        if block.kind == "markdown":
            parts.append(block.content)
        else:
            caption = figure_caption(block.content, specs.get(block.content)).replace("]", ")").replace("[", "(")
            parts.append(f"![{caption}](charts/{block.content}.png)\n")
    return "\n".join(parts)


def html_format(title: str, blocks: list[Block], specs: dict[str, dict[str, Any]]) -> str:
    """index.html: one self-contained page, charts drawn live (see coopsim.report.html)."""
    from coopsim.report.html import render_page

    return render_page(title, blocks, specs)


FORMATS: dict[str, Format] = {
    "report.md": markdown_format,
    "index.html": html_format,
}
