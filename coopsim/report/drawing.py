"""Drawing a report's charts to files: each chart compiled to a Vega-Lite spec once and drawn
to SVG once; its PNG is rasterised from that SVG at 2x (as vl-convert's own PNG export does),
its offline HTML page and its JSON come from the same spec.

vl-convert holds the GIL and its JavaScript runtime takes a few tenths of a second to start, so
the SVGs and PNGs are drawn in DRAWERS separate processes (:mod:`coopsim.report.drawer_process`).
A command that will draw starts them first thing (:func:`start_drawers`), so their runtimes
start while this process imports and simulates; then this process compiles each chart's spec,
writes its page and JSON and hands it to a drawer, and the cores work side by side.

Chart k goes to drawer k mod DRAWERS, and each drawer draws its charts in order. vl-convert
numbers SVG gradients per process, so this fixed assignment, not the machine's core count,
keeps the files identical from run to run and from machine to machine.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable

import coopsim

CHART_FORMATS = ("html", "png", "svg", "json")
DRAWERS = 2


class DrawingError(RuntimeError):
    """A drawer could not draw a chart, or stopped."""


class Drawer:
    """One drawing process: requests go in through a sending thread (so a busy drawer never
    holds up the caller), answers come back in order."""

    def __init__(self, bundle: bool = False) -> None:
        package_parent = str(Path(coopsim.__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            part for part in (package_parent, os.environ.get("PYTHONPATH")) if part)}
        self._stderr = tempfile.TemporaryFile()
        requests, self._request_end = os.pipe()
        self._answer_end, answers = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", "coopsim.report.drawer_process", str(requests), str(answers),
             *(["--bundle"] if bundle else [])],
            pass_fds=(requests, answers), stdin=subprocess.DEVNULL, stdout=self._stderr, stderr=self._stderr,
            env=env,
        )
        os.close(requests)
        os.close(answers)
        self._requests = os.fdopen(self._request_end, "w", encoding="utf-8")
        self._answers = os.fdopen(self._answer_end, "r", encoding="utf-8")
        self._outbox: queue.Queue = queue.Queue()
        self._sender = threading.Thread(target=self._send, daemon=True)
        self._sender.start()
        self.pending = 0

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def submit(self, request: dict) -> None:
        """Queue one request; its answer is read by :meth:`result`, in submission order."""
        self._outbox.put(json.dumps(request) + "\n")
        self.pending += 1

    def result(self) -> dict:
        """The answer to the oldest request not yet answered."""
        line = self._answers.readline()
        self.pending -= 1
        if not line:
            raise DrawingError(f"a chart-drawing process stopped: {self._error_text()}")
        answer = json.loads(line)
        if "error" in answer:
            raise DrawingError(f"vl-convert could not draw a chart: {answer['error']}")
        return answer

    def _send(self) -> None:
        while (line := self._outbox.get()) is not None:
            try:
                self._requests.write(line)
                self._requests.flush()
            except (OSError, ValueError):  # the drawer ended; result() reports why
                return

    def _error_text(self) -> str:
        self._process.wait()
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", errors="replace").strip()
        return text.splitlines()[-1] if text else f"exit code {self._process.returncode}"

    def close(self, kill: bool = False) -> None:
        """End the drawer: close its input (it then exits) and wait briefly, else kill it."""
        self._outbox.put(None)
        if kill:
            self._process.kill()
        self._sender.join(timeout=5)
        try:
            self._requests.close()
            self._process.wait(timeout=5)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()
        self._answers.close()
        self._stderr.close()


_drawers: list[Drawer] = []


def start_drawers() -> list[Drawer]:
    """This process's drawers, started now if they are not running (the first also loads the
    JavaScript bundle the offline pages inline)."""
    if len(_drawers) == DRAWERS and all(drawer.alive and not drawer.pending for drawer in _drawers):
        return _drawers
    close_drawers(kill=True)
    _drawers.extend(Drawer(bundle=index == 0) for index in range(DRAWERS))
    return _drawers


def close_drawers(kill: bool = False) -> None:
    """End every drawer of this process."""
    while _drawers:
        _drawers.pop().close(kill)


atexit.register(close_drawers)


def chart_spec(chart) -> dict:
    """The chart compiled to its Vega-Lite spec, with its data inlined (as `chart.save` does:
    a report's data is small enough whatever its row count). Not validated against the schema
    here, which would cost about as much as compiling; the tests validate every chart."""
    import altair as alt

    with alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=False, context={"pre_transform": False})


def chart_path(folder: Path, name: str, fmt: str) -> Path:
    """Where a chart's file of format `fmt` goes."""
    return folder / (f"{name}.vl.json" if fmt == "json" else f"{name}.{fmt}")


class ChartDrawing:
    """Charts drawn into `folder` as they are added: each is compiled at once, its page and JSON
    written and its SVG and PNG handed to a drawer, so the drawing overlaps whatever the caller
    does next (`coopsim run` builds its next chart). :meth:`finish` waits for the drawers.

    As a context manager it stops the drawers if the block fails, so that nothing is still being
    written into `folder` when the caller removes it."""

    def __init__(self, folder: Path, formats: tuple[str, ...] | None = None) -> None:
        self.folder = folder
        self.formats = CHART_FORMATS if formats is None else formats
        self.specs: dict[str, dict] = {}
        self._drawn = [fmt for fmt in ("svg", "png") if fmt in self.formats]
        self._waiting: list[Drawer] = []  # the drawer of each chart handed out, in order
        folder.mkdir(parents=True, exist_ok=True)

    def __enter__(self) -> ChartDrawing:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if error is not None:
            close_drawers(kill=True)

    def add(self, name: str, chart) -> None:
        """Compile `chart`, write the files made from its spec and hand it to a drawer."""
        if name in self.specs:
            raise ValueError(f"the chart {name!r} was added twice")
        try:
            if not self.specs:
                self._drawers = start_drawers() if self._drawn else []
                if "html" in self.formats:
                    _load_bundle(self._drawers)
            spec = self.specs[name] = chart_spec(chart)
            if self._drawers:
                self._waiting.append(self._drawers[(len(self.specs) - 1) % DRAWERS])
                self._waiting[-1].submit({"spec": spec, **{fmt: str(chart_path(self.folder, name, fmt))
                                                            for fmt in self._drawn}})
            write_spec_files(self.folder, name, spec, self.formats)
        except BaseException:
            close_drawers(kill=True)  # answers may still be on their way: these drawers are out of step
            raise

    def finish(self, progress: Callable[[int, int], None] | None = None) -> dict[str, dict]:
        """Wait until every chart's files are written; return each chart's spec.
        `progress(done, total)` is called after each chart."""
        try:
            for done in range(1, len(self.specs) + 1):
                if self._waiting:
                    self._waiting[done - 1].result()
                if progress:
                    progress(done, len(self.specs))
        except BaseException:
            close_drawers(kill=True)
            raise
        return self.specs


class DrawnCharts(dict):
    """A dict of charts that hands each chart put in it to a :class:`ChartDrawing`, so a run's
    charts are drawn while the next ones are built (see `coopsim run`)."""

    def __init__(self, drawing: ChartDrawing) -> None:
        super().__init__()
        self.drawing = drawing

    def __setitem__(self, name: str, chart) -> None:
        self.drawing.add(name, chart)
        super().__setitem__(name, chart)

    def update(self, other=(), **more) -> None:
        for name, chart in dict(other, **more).items():
            self[name] = chart


def draw_charts(
    charts: dict[str, Any], folder: Path, progress: Callable[[int, int], None] | None = None,
    formats: tuple[str, ...] | None = None,
) -> dict[str, dict]:
    """Write every chart's files (`formats`; default CHART_FORMATS) into `folder` and return
    each one's spec; `progress(done, total)` is called after each chart. Charts that were drawn
    as they were built (:class:`DrawnCharts` into this folder) are only waited for."""
    if isinstance(charts, DrawnCharts) and charts.drawing.folder == folder:
        return charts.drawing.finish(progress)
    drawing = ChartDrawing(folder, formats)
    for name, chart in charts.items():
        drawing.add(name, chart)
    return drawing.finish(progress)


def _load_bundle(drawers: list[Drawer]) -> None:
    """Have the JavaScript bundle in memory before the pages need it: from the cache, else from
    the first drawer, which built it while this process was busy (rather than build it twice)."""
    from coopsim.report import bundle

    if drawers and bundle.known_bundle() is None:
        drawers[0].submit({"bundle": True})
        bundle.remember(drawers[0].result()["bundle"])


def write_spec_files(folder: Path, name: str, spec: dict, formats: tuple[str, ...]) -> None:
    """The chart's files made from its spec alone: its offline page and its JSON."""
    from coopsim.report.html import chart_page

    if "html" in formats:
        chart_path(folder, name, "html").write_text(chart_page(name, spec), encoding="utf-8")
    if "json" in formats:
        chart_path(folder, name, "json").write_text(json.dumps(spec), encoding="utf-8")
