"""Charts are drawn in separate drawing processes (coopsim.report.drawing): the files are the
same from run to run, a chart vl-convert cannot draw is a clear error, a drawer that died is
replaced, and the JavaScript bundle the offline pages inline is cached per vl-convert version."""

from __future__ import annotations

import re
import subprocess
import sys

import altair as alt
import pandas as pd
import pytest
import vl_convert

from coopsim.report import bundle, drawing
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
CELLS = pd.DataFrame([{"x": x, "y": y, "v": x * y} for x in range(6) for y in range(6)])


def good_chart() -> alt.Chart:
    # a continuous colour legend: an SVG gradient, which vl-convert numbers per process
    return alt.Chart(CELLS).mark_rect().encode(x="x:O", y="y:O", color="v:Q")


def test_two_fresh_runs_write_byte_identical_chart_files(tmp_path, write_yaml):
    text = SCENARIO.read_text().replace("rounds: 150", "rounds: 30").replace("replicates: 10", "replicates: 2")
    path = write_yaml(text)
    charts = {}
    for label in ("a", "b"):
        done = subprocess.run([sys.executable, "-m", "coopsim", "run", str(path), "--out", str(tmp_path / label), "-q"],
                              capture_output=True, text=True, cwd=ROOT, timeout=600)
        assert done.returncode == 0, done.stderr
        charts[label] = {p.name: p.read_bytes() for p in sorted((tmp_path / label / "charts").iterdir())}
    assert len(charts["a"]) >= 7 * 4
    assert charts["a"] == charts["b"]


def test_fresh_drawers_number_svg_gradients_the_same_way(tmp_path):
    charts = {f"chart-{index}": good_chart() for index in range(6)}
    drawn = {}
    for label in ("a", "b"):
        drawing.close_drawers()
        drawing.draw_charts(charts, tmp_path / label)
        drawn[label] = {p.name: p.read_bytes() for p in sorted((tmp_path / label).iterdir())}
    assert b"gradient_2" in drawn["a"]["chart-4.svg"]  # the third chart its drawer drew
    assert drawn["a"] == drawn["b"]


def test_every_file_of_a_chart_is_written(tmp_path):
    specs = drawing.draw_charts({"first": good_chart(), "second": good_chart().mark_point()}, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"{name}.{suffix}" for name in ("first", "second") for suffix in ("html", "png", "svg", "vl.json"))
    # the second chart went to the second drawer, and is what vl-convert draws from its spec
    svg = (tmp_path / "second.svg").read_text()
    ids = re.compile(r"gradient_\d+")  # numbered per process
    assert ids.sub("gradient", svg) == ids.sub("gradient", vl_convert.vegalite_to_svg(specs["second"]))
    assert (tmp_path / "second.png").read_bytes() == vl_convert.svg_to_png(svg, scale=2, ppi=72)


def test_a_chart_vl_convert_cannot_draw_is_a_clear_error_and_drawing_goes_on(tmp_path):
    broken = alt.Chart(CELLS).mark_point().encode(x="x:Q", y="y:Q").transform_calculate(z="datum.x +* 2")
    with pytest.raises(drawing.DrawingError, match="vl-convert could not draw a chart"):
        drawing.draw_charts({"fine": good_chart(), "broken": broken}, tmp_path / "bad")
    drawing.draw_charts({"fine": good_chart()}, tmp_path / "good")
    assert (tmp_path / "good" / "fine.png").stat().st_size > 0


def test_a_drawer_that_died_is_replaced_and_a_dead_one_is_reported(tmp_path):
    drawers = drawing.start_drawers()
    drawers[1]._process.kill()
    drawers[1]._process.wait()
    drawing.draw_charts({"a": good_chart(), "b": good_chart()}, tmp_path)
    assert (tmp_path / "b.svg").is_file() and all(d.alive for d in drawing.start_drawers())
    dead = drawing.Drawer()
    dead._process.kill()
    dead._process.wait()
    dead.submit({"spec": good_chart().to_dict()})
    with pytest.raises(drawing.DrawingError, match="a chart-drawing process stopped"):
        dead.result()
    dead.close()


def test_the_bundle_is_cached_per_version_and_a_damaged_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("COOPSIM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(bundle, "_loaded", [])
    expected = vl_convert.javascript_bundle()
    assert bundle.javascript_bundle() == expected
    path = bundle.cache_path()
    assert path.parent == tmp_path / "cache" and "vl-convert" in path.name
    assert bundle.read_cached(path) == expected
    path.write_text(path.read_text()[:-1000])  # a truncated file fails its checksum
    assert bundle.read_cached(path) is None
    monkeypatch.setattr(bundle, "_loaded", [])
    assert bundle.javascript_bundle() == expected and bundle.read_cached(path) == expected


def test_an_unwritable_cache_folder_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("COOPSIM_CACHE_DIR", str(blocker / "cache"))
    monkeypatch.setattr(bundle, "_loaded", [])
    assert bundle.javascript_bundle() == vl_convert.javascript_bundle()
    assert blocker.read_text() == "not a folder"


def test_charts_drawn_as_they_are_built_are_the_charts_drawn_afterwards(tmp_path):
    charts = {"first": good_chart(), "second": good_chart().mark_point(), "third": good_chart().mark_circle()}
    drawing.close_drawers()
    later = drawing.draw_charts(charts, tmp_path / "later")
    drawing.close_drawers()
    with drawing.ChartDrawing(tmp_path / "ahead" / "charts") as ahead:
        built = drawing.DrawnCharts(ahead)
        built["first"] = charts["first"]
        built.update({"second": charts["second"], "third": charts["third"]})
        assert list(built) == list(charts) and len(ahead.specs) == 3  # handed out before waiting
        assert drawing.draw_charts(built, tmp_path / "ahead" / "charts") == later
    files = {p.name: p.read_bytes() for p in sorted((tmp_path / "later").iterdir())}
    assert files == {p.name: p.read_bytes() for p in sorted((tmp_path / "ahead" / "charts").iterdir())}
    twice = drawing.DrawnCharts(drawing.ChartDrawing(tmp_path / "again"))
    twice["first"] = charts["first"]
    with pytest.raises(ValueError, match="added twice"):
        twice["first"] = charts["second"]
    twice.drawing.finish()


def test_a_failed_block_stops_the_drawers_before_its_folder_goes(tmp_path):
    with pytest.raises(RuntimeError, match="the run failed"):
        with drawing.ChartDrawing(tmp_path / "charts") as ahead:
            ahead.add("first", good_chart())
            raise RuntimeError("the run failed")
    assert drawing._drawers == []  # killed and waited for: nothing writes into the folder now
    drawing.draw_charts({"next": good_chart()}, tmp_path / "next")  # fresh drawers take over
    assert (tmp_path / "next" / "next.png").is_file()

