"""`coopsim run scenarios/prisoners-dilemma-race.yaml`: the whole command, then split into parts.

1. The whole command in fresh processes (best of --repeats), wall and CPU seconds (CPU of the
   command and of its drawing processes). With --before DIR also another checkout's `coopsim run`
   interleaved with this one's (e.g. the main branch: ``git worktree add /tmp/coopsim-main main``),
   so before and after share the machine's load. The JavaScript bundle the offline pages inline
   is cached per vl-convert version; "first run" gives each run an empty cache folder.
2. In this process: importing what `coopsim run` needs; `coopsim.run` (the one-shot analysis,
   the simulations and the Altair chart objects); then writing the report's charts in all four
   formats both ways, interleaved, best of --repeats each:

   - baseline: one Altair ``chart.save`` per format (`save_chart_per_format` below, the code
     coopsim used before), which compiles the spec for each format and draws PNG and SVG
     separately, in this process;
   - coopsim: ``coopsim.report.drawing.draw_charts``, one compile per chart here and one SVG
     drawing in a drawing process, the PNG rasterised from that SVG there; the drawers are
     started afresh for each repeat, so their start-up is included.

   Both write the same PNG, SVG and JSON files (checked: identical bytes, SVG gradient ids aside);
   the HTML pages differ by design (coopsim's carry its escaping and Content-Security-Policy).
   ratio = baseline / coopsim.

    python benchmarks/run_report.py [--repeats 3] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
FORMATS = ("html", "png", "svg", "json")


def save_chart_per_format(chart, folder: Path, name: str) -> None:
    """The baseline: coopsim's chart saving before charts were drawn once."""
    folder.mkdir(parents=True, exist_ok=True)
    for fmt in FORMATS:
        path = folder / (f"{name}.vl.json" if fmt == "json" else f"{name}.{fmt}")
        if fmt == "html":
            chart.save(str(path), inline=True)
        elif fmt == "png":
            chart.save(str(path), scale_factor=2)
        else:
            chart.save(str(path))
    chart.to_dict()  # the report then compiled each chart once more for index.html


def timed(work) -> tuple[float, float]:
    """Wall and CPU seconds of `work()` in this process (CPU of all its threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def same_files(a: Path, b: Path) -> bool:
    """Same file names, and the same bytes in every file but the HTML pages, up to vl-convert's
    per-process SVG gradient numbering."""
    names = sorted(p.name for p in a.iterdir())
    if names != sorted(p.name for p in b.iterdir()):
        return False
    for name in (n for n in names if not n.endswith(".html")):
        x, y = (a / name).read_bytes(), (b / name).read_bytes()
        if name.endswith(".svg"):
            x, y = (re.sub(rb"gradient_\d+", b"gradient", s) for s in (x, y))
        if x != y:
            return False
    return True


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def command_time(checkout: Path, out: Path, cache: Path | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of `coopsim run` in a fresh process, in `checkout` with it first on
    the path (`cache`: the cache folder to use, default the user's)."""
    env = dict(os.environ, PYTHONPATH=str(checkout), **({"COOPSIM_CACHE_DIR": str(cache)} if cache else {}))
    argv = [sys.executable, "-m", "coopsim", "run", str(SCENARIO), "--out", str(out), "--quiet"]
    wall, cpu = time.perf_counter(), child_cpu()
    subprocess.run(argv, check=True, env=env, cwd=checkout)
    return time.perf_counter() - wall, child_cpu() - cpu


def line(label: str, wall: float, cpu: float) -> None:
    print(f"  {label:<62} {wall:7.2f} s {cpu:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="another coopsim checkout to time beside this one")
    args = parser.parse_args()

    checkouts = {"this checkout": ROOT}
    if args.before:
        checkouts = {f"before ({args.before})": args.before.resolve(), **checkouts}
    times: dict[str, list[tuple[float, float]]] = {label: [] for label in checkouts}
    first: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        command_time(ROOT, Path(tmp) / "warm-up")  # fills the user's bundle cache if empty
        for i in range(args.repeats):
            for j, (label, checkout) in enumerate(checkouts.items()):
                times[label].append(command_time(checkout, Path(tmp) / f"report-{i}-{j}"))
            first.append(command_time(ROOT, Path(tmp) / f"first-{i}", cache=Path(tmp) / f"cache-{i}"))
    print(f"{SCENARIO.relative_to(ROOT)}; python {sys.version.split()[0]}; {os.cpu_count()} cores")
    print(f"  {'':<62} {'wall':>9} {'CPU':>9}")
    for label, values in times.items():
        line(f"`coopsim run`, fresh process, {label} (best of {args.repeats})",
             min(w for w, _ in values), min(c for _, c in values))
    line(f"`coopsim run`, first run (empty bundle cache, best of {args.repeats})",
         min(w for w, _ in first), min(c for _, c in first))

    wall, cpu = time.perf_counter(), time.process_time()
    from coopsim.cli import app  # noqa: F401  (what the command imports before it runs)
    from coopsim.analyses.run import run
    from coopsim.report.drawing import close_drawers, draw_charts
    from coopsim.scenario.loading import load_scenario

    imported = time.perf_counter() - wall, time.process_time() - cpu

    scenario = load_scenario(SCENARIO)
    wall, cpu = time.perf_counter(), time.process_time()
    charts = run(scenario).charts
    simulated = time.perf_counter() - wall, time.process_time() - cpu

    def drawn_once(folder: Path) -> None:
        draw_charts(charts, folder)
        close_drawers()  # waits for the drawers, so their CPU counts

    baseline, ours = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeats):
            old, new = Path(tmp) / f"old{i}", Path(tmp) / f"new{i}"
            baseline.append(timed(lambda: [save_chart_per_format(c, old, n) for n, c in charts.items()]))
            before_children = child_cpu()
            wall_cpu = timed(lambda: drawn_once(new))
            ours.append((wall_cpu[0], wall_cpu[1] + child_cpu() - before_children))
            assert same_files(old, new), "the two paths wrote different files"
    best_old = min(w for w, _ in baseline), min(c for _, c in baseline)
    best_new = min(w for w, _ in ours), min(c for _, c in ours)

    print(f"  in one process: {len(charts)} charts x {len(FORMATS)} formats")
    line("import (coopsim.cli, analyses.run, report.drawing)", *imported)
    line("simulate (coopsim.run: analysis, simulations, chart objects)", *simulated)
    line(f"charts, baseline: chart.save per format (best of {args.repeats})", *best_old)
    line(f"charts, coopsim: drawn once, in drawing processes (best of {args.repeats})", *best_new)
    print(f"  {'ratio baseline / coopsim':<62} {best_old[0] / best_new[0]:7.2f}   {best_old[1] / best_new[1]:7.2f}")


if __name__ == "__main__":
    main()
