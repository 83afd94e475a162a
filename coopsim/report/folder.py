"""Writing a report folder, atomically: the one writer every command uses.

Everything is written to a hidden staging folder beside the destination and swapped into place
only when complete (see `coopsim.report.output_folder`), so a failed or interrupted run never
leaves a half-written report, a re-run replaces the old report in one step, and a folder coopsim
did not make is never replaced.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable

import yaml

from coopsim import __version__
from coopsim.analyses.oneshot_text import oneshot_markdown
from coopsim.analyses.run import RunResult
from coopsim.report import drawing
from coopsim.report.content import report_blocks
from coopsim.report.drawing import draw_charts
from coopsim.report.document import Report
from coopsim.report.formats import FORMATS
from coopsim.report.output_folder import (  # noqa: F401 - the commands' one import for folders
    atomic_directory,
    check_output_folder,
    claim_output_folder,
    manifest_marker,
)
from coopsim.scenario.loading import scenario_hash

SCENARIO_HEADER = "# The scenario as coopsim resolved it (defaults filled in).\n"

DEPENDENCIES = ("mesa", "numpy", "pandas", "nashpy", "altair", "vl-convert-python", "pydantic", "typer")
CSV_FLOAT_FORMAT = "%.10g"  # fixed, so the same scenario and seed give byte-identical files


SLUG_MAX_BYTES = 64  # leaves room for suffixes such as "-sensitivity" within any file system's limit


def slugify(name: str) -> str:
    """'Frontier lab vs newcomer!' -> 'frontier-lab-vs-newcomer'.

    A slug longer than SLUG_MAX_BYTES (UTF-8) is cut at a word boundary where possible and ends
    in 8 hex digits of the name's SHA-256, so long names that share a beginning stay apart."""
    slug = "".join(c if c.isalnum() else "-" for c in name.lower().replace("'", "").replace("’", ""))
    slug = "-".join(part for part in slug.split("-") if part) or "scenario"
    if len(slug.encode("utf-8")) <= SLUG_MAX_BYTES:
        return slug
    suffix = "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    head = slug.encode("utf-8")[: SLUG_MAX_BYTES - len(suffix)].decode("utf-8", errors="ignore")
    if "-" in head[len(head) // 2:]:
        head = head[: head.rindex("-")]
    return head.strip("-") + suffix


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


def write_json(path: Path, data: Any) -> None:
    """Pretty, stable JSON."""
    path.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n", encoding="utf-8")


def save_chart(chart, folder: Path, name: str) -> list[Path]:
    """Save one chart as offline HTML, PNG (2x), SVG and Vega-Lite JSON (as a report does)."""
    draw_charts({name: chart}, folder)
    return [drawing.chart_path(folder, name, fmt) for fmt in drawing.CHART_FORMATS]


def write_report(
    result: RunResult, destination: Path, command: str = "", progress: Callable[[int, int], None] | None = None,
    manifest: dict[str, Any] | None = None, staging: Path | None = None,
) -> Path:
    """Write the whole report folder of a run (`coopsim run`) and return its path.

    `progress(done, total)` is called after each chart is saved; `manifest` keeps an existing
    run's provenance when a report is rebuilt; `staging` as for :func:`write_folder`."""
    manifest = {**(manifest or build_manifest(result.scenario, command)), **manifest_marker()}
    files: dict[str, Any] = {}
    if result.oneshot is not None:
        files |= {"oneshot.json": result.oneshot, "oneshot.md": oneshot_markdown(result.oneshot)}
    files |= {f"{name}.json": data for name, data in result.extras.items()}
    from coopsim.analyses.findings import run_findings

    report = Report(result.scenario, report_blocks(result, manifest), result.charts, result.tables, files,
                    run_findings(result))
    return write_folder(report, destination, manifest, progress, staging=staging)


def write_folder(
    report: Report, destination: Path, manifest: dict[str, Any],
    progress: Callable[[int, int], None] | None = None, keep: tuple[str, ...] = (), staging: Path | None = None,
) -> Path:
    """Write any command's report folder, atomically, and return its path: `scenario.yaml`,
    `manifest.json`, the files, `data/NAME.csv` per table, `findings.json`, `charts/` (every
    chart in every format) and one file per entry of :data:`coopsim.report.formats.FORMATS` (`index.html`,
    `report.md`).

    `keep` lists glob patterns of what the folder already holds and must carry over (a resumable
    sweep's stored results): they are hard-linked (copied where links are impossible) into the
    new folder before it replaces the old one. `staging`: the staging folder of an
    `atomic_directory(destination)` the caller already holds (charts drawn while the run was
    built went there); the caller's block then puts it in place."""
    if staging is not None:
        _fill_folder(report, Path(destination), staging, {**manifest, **manifest_marker()}, progress, keep)
        return destination
    check_output_folder(destination)
    with atomic_directory(destination) as staging:
        _fill_folder(report, Path(destination), staging, {**manifest, **manifest_marker()}, progress, keep)
    return destination


def _fill_folder(report: Report, destination: Path, staging: Path, manifest: dict[str, Any],
                 progress: Callable[[int, int], None] | None, keep: tuple[str, ...]) -> None:
    """Write everything of `report` into the (empty) staging folder."""
    _carry_over(Path(destination), staging, keep)
    write_provenance(staging, report.scenario, manifest)
    for name, data in report.files.items():
        if isinstance(data, str):
            (staging / name).write_text(data, encoding="utf-8")
        else:
            write_json(staging / name, data)
    if report.tables:
        (staging / "data").mkdir(exist_ok=True)
        for name, table in report.tables.items():
            table.to_csv(staging / "data" / f"{name}.csv", index=False, float_format=CSV_FLOAT_FORMAT)
    if report.findings:
        write_json(staging / "findings.json", findings_record(report.findings))
    specs = draw_charts(report.charts, staging / "charts", progress)
    for name, render in FORMATS.items():
        (staging / name).write_text(render(report.title, report.blocks, specs), encoding="utf-8")


def findings_record(findings: list) -> list[dict[str, Any]]:
    """findings.json: each finding's text and every number it quotes, with the table (a file of
    `data/`), row and column it came from, so a reader (or a test) can trace each number."""
    return [{"text": f.text, "caveat": f.caveat,
             "values": [{"table": t, "row": r, "column": c, "value": v} for t, r, c, v in f.values]}
            for f in findings]


def _carry_over(old: Path, new: Path, patterns: tuple[str, ...]) -> None:
    """Hard-link (or copy) what matches `patterns` in `old` into the same place in `new`."""
    import os
    import shutil

    for pattern in patterns:
        for source in sorted(old.glob(pattern)) if old.is_dir() else []:
            if source.is_symlink():
                continue
            files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file() and not p.is_symlink()]
            for path in files:
                target = new / path.relative_to(old)
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)


def write_provenance(folder: Path, scenario, manifest: dict[str, Any]) -> None:
    """scenario.yaml (the resolved scenario) and manifest.json, in every output folder."""
    resolved = scenario.model_dump(mode="json", exclude_none=True)
    (folder / "scenario.yaml").write_text(
        SCENARIO_HEADER + yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    write_json(folder / "manifest.json", manifest)


def build_manifest(scenario, command: str, report: str = "run") -> dict[str, Any]:
    """Provenance of a report: which command's report it is, versions, scenario hash, seed, time
    and command line."""
    return {
        **manifest_marker(),
        "report": report,
        "scenario": scenario.name,
        "scenario_sha256": scenario_hash(scenario),
        "seed": scenario.seed,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": command,
        "versions": dependency_versions(),
    }
