"""Writing a run's report folder, atomically.

Everything is written to a hidden temporary folder beside the destination and moved into place
only when complete, so a failed or interrupted run never leaves a half-written report, and a
re-run replaces the old report in one step.
"""

from __future__ import annotations

import json
import platform
import shutil
import tempfile
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterator

import yaml

from coopsim import __version__
from coopsim.analyses.oneshot_text import oneshot_markdown
from coopsim.analyses.run import RunResult
from coopsim.report.html import render_page
from coopsim.report.content import chart_title, report_blocks
from coopsim.scenario.loading import scenario_hash

SCENARIO_HEADER = "# The scenario as coopsim resolved it (defaults filled in).\n"

DEPENDENCIES = ("mesa", "numpy", "pandas", "nashpy", "altair", "vl-convert-python", "pydantic", "typer")
CHART_FORMATS = ("html", "png", "svg", "json")
CSV_FLOAT_FORMAT = "%.10g"  # fixed, so the same scenario and seed give byte-identical files


def slugify(name: str) -> str:
    """'Frontier lab vs newcomer!' -> 'frontier-lab-vs-newcomer'."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower().replace("'", "").replace("’", ""))
    return "-".join(part for part in slug.split("-") if part) or "scenario"


def default_report_dir(scenario) -> Path:
    """reports/<scenario-slug>/ under the current folder."""
    return Path("reports") / slugify(scenario.name)


def dependency_versions() -> dict[str, str]:
    """Installed versions of coopsim's main dependencies."""
    versions = {"python": platform.python_version(), "coopsim": __version__}
    for name in DEPENDENCIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@contextmanager
def atomic_directory(destination: Path) -> Iterator[Path]:
    """Yield a temporary folder that replaces `destination` only if the block succeeds."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", suffix=".tmp", dir=destination.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    retired = destination.with_name(f".{destination.name}.old")
    shutil.rmtree(retired, ignore_errors=True)
    if destination.exists():
        destination.rename(retired)
    staging.rename(destination)
    shutil.rmtree(retired, ignore_errors=True)


def write_json(path: Path, data: Any) -> None:
    """Pretty, stable JSON."""
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def save_chart(chart, folder: Path, name: str) -> list[Path]:
    """Save one chart as offline HTML, PNG (2x), SVG and Vega-Lite JSON."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in CHART_FORMATS:
        path = folder / (f"{name}.vl.json" if fmt == "json" else f"{name}.{fmt}")
        if fmt == "html":
            chart.save(str(path), inline=True)
        elif fmt == "png":
            chart.save(str(path), scale_factor=2)
        else:
            chart.save(str(path))
        paths.append(path)
    return paths


def write_report(
    result: RunResult, destination: Path, command: str = "", progress: Callable[[int, int], None] | None = None,
    manifest: dict[str, Any] | None = None,
) -> Path:
    """Write the whole report folder for `result` and return its path.

    `progress(done, total)` is called after each chart is saved; `manifest` keeps an existing
    run's provenance when a report is rebuilt."""
    scenario = result.scenario
    manifest = manifest or build_manifest(scenario, command)
    with atomic_directory(destination) as staging:
        write_provenance(staging, scenario, manifest)
        if result.oneshot is not None:
            write_json(staging / "oneshot.json", result.oneshot)
            (staging / "oneshot.md").write_text(oneshot_markdown(result.oneshot), encoding="utf-8")
        for name, data in result.extras.items():
            write_json(staging / f"{name}.json", data)
        if result.tables:
            (staging / "data").mkdir()
            for name, table in result.tables.items():
                table.to_csv(staging / "data" / f"{name}.csv", index=False, float_format=CSV_FLOAT_FORMAT)
        specs = {}
        for done, (name, chart) in enumerate(result.charts.items(), start=1):
            save_chart(chart, staging / "charts", name)
            specs[name] = chart.to_dict()
            if progress:
                progress(done, len(result.charts))
        blocks = report_blocks(result, manifest)
        (staging / "report.md").write_text(report_markdown(blocks), encoding="utf-8")
        (staging / "index.html").write_text(render_page(scenario.name, blocks, specs), encoding="utf-8")
    return destination


def write_provenance(folder: Path, scenario, manifest: dict[str, Any]) -> None:
    """scenario.yaml (the resolved scenario) and manifest.json, in every output folder."""
    resolved = scenario.model_dump(mode="json", exclude_none=True)
    (folder / "scenario.yaml").write_text(
        SCENARIO_HEADER + yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    write_json(folder / "manifest.json", manifest)


def build_manifest(scenario, command: str) -> dict[str, Any]:
    """Provenance of a run: versions, scenario hash, seed, time and command."""
    return {
        "scenario": scenario.name,
        "scenario_sha256": scenario_hash(scenario),
        "seed": scenario.seed,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "versions": dependency_versions(),
    }


def report_markdown(blocks) -> str:
    """report.md: the blocks with charts as their PNG files."""
    parts = []
    for block in blocks:
        if block.kind == "markdown":
            parts.append(block.content)
        else:
            parts.append(f"![{chart_title(block.content)}](charts/{block.content}.png)\n")
    return "\n".join(parts)
