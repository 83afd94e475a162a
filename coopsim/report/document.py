"""What every command's report holds, before it is written: a :class:`Report`.

`run`, `evolve`, `sweep`, `phase` and `sensitivity` each build one Report (blocks of text and
charts in reading order, the charts, the tables behind them and any analysis files) and hand it
to :func:`coopsim.report.folder.write_folder`, which writes the same folder shape for all of them:
`index.html`, `report.md`, `charts/`, `data/`, `manifest.json` (and `scenario.yaml`).

The blocks of a command's report always open the same way (:func:`command_blocks`): the scenario's
name and question, then the findings that answer it (generated from the results), then the
command's own sections, then provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopsim.report.content import Block, _heading, chart, md, provenance


@dataclass
class Report:
    """One output folder's content.

    ``tables`` become ``data/NAME.csv``; ``files`` are written at the top of the folder as JSON
    (a dict or list) or text (a str), e.g. ``evolution.json``; ``findings`` are the statements at
    the top (also printed in the terminal)."""

    scenario: Any
    blocks: list[Block]
    charts: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)
    findings: list[Any] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.scenario.name


def command_blocks(scenario, what: str, findings: list, body: list[Block], manifest: dict[str, Any]) -> list[Block]:
    """The blocks of a command's report: heading with the question, `what` the command did, the
    findings, the command's sections, provenance."""
    from coopsim.analyses.findings import findings_markdown

    return [md(_heading(scenario)), md(f"*{what}*"), md(findings_markdown(scenario, findings)),
            *body, md(provenance(manifest))]


def section(title: str, text: str, *charts: str) -> list[Block]:
    """A `## title` section: its text, then its charts."""
    return [md(f"## {title}\n\n{text}"), *(chart(name) for name in charts)]
