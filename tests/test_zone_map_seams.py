"""The DSAIR zone maps of the bundled race scenarios are drawn without seams: every rectangle
overhangs its right and upper neighbours (cells that merely touch leave anti-aliased light lines
in the browser), and painting the rectangles in their order still shows each cell's own zone, as
:func:`coopsim.theory.dsair.zone_map` computes it at the cell's centre. Read from the charts'
own data, so the test does not depend on how the rectangles are computed."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from coopsim.analyses.run import run
from coopsim.charts import races
from coopsim.games.dsair import dsair_params
from coopsim.scenario.loading import load_scenario
from coopsim.theory import dsair
from tests.conftest import ROOT


def _rectangles(chart) -> pd.DataFrame:
    spec = chart.to_dict()
    return next(pd.DataFrame(rows) for rows in spec["datasets"].values() if rows and "x2" in rows[0])


@pytest.mark.parametrize("stem", ["dsair-early-race", "dsair-late-race"])
@pytest.mark.parametrize("x", ["s", "p_fo"])
def test_zone_rectangles_overhang_and_paint_the_zone_map(stem, x):
    scenario = load_scenario(ROOT / "scenarios" / f"{stem}.yaml")
    runs = _rectangles(run(scenario).charts[f"dsair-zones-{x}-p_r"])
    x_edges = np.append(np.sort(runs["x"].unique()), runs["x2"].max())
    y_edges = np.linspace(0.0, 1.0, races.GRID_ROWS + 1)
    x_mid, y_mid = (x_edges[:-1] + x_edges[1:]) / 2, (y_edges[:-1] + y_edges[1:]) / 2
    xs, ys = np.meshgrid(x_mid, y_mid, indexing="ij")  # cell centres, x column i and p_r row j
    zones = dsair.zone(replace(dsair_params(scenario), **{x: xs, "p_r": ys}))
    truth = np.vectorize(races.ZONE_LABELS.get, otypes=[object])(zones)
    painted = np.full(truth.shape, None, dtype=object)
    for row in runs.itertuples():  # in order, as the renderer draws them
        painted[np.ix_((x_mid > row.x) & (x_mid < row.x2), (y_mid > row.y) & (y_mid < row.y2))] = row.zone
    assert (painted == truth).all()
    # No rectangle merely touches the next column or the next run of its column: it reaches
    # into them (except at the map's right and top edges).
    width = x_edges[1] - x_edges[0]
    inner = runs[runs["x2"] < x_edges[-1]]
    assert len(inner) and ((inner["x2"] - inner["x"]) > 1.5 * width).all()
    for column, part in runs.groupby("x"):
        starts = part["y"].to_numpy()
        assert (part["y2"].to_numpy()[:-1] > starts[1:]).all() and part["y2"].iloc[-1] == 1.0, column


def test_cells_have_no_stroke():
    """A stroke around each cell, even in the fill colour, draws faint stripes in Chromium (seen
    in screenshots): the cells are drawn without one."""
    spec = run(load_scenario(ROOT / "scenarios" / "dsair-early-race.yaml")).charts["dsair-zones-s-p_r"].to_dict()
    marks = [layer["mark"] for layer in spec["layer"] if isinstance(layer.get("mark"), dict)
             and layer["mark"].get("type") == "rect"]
    assert marks and all(mark.get("strokeWidth", 0) == 0 for mark in marks)


def test_the_bundled_maps_have_boundaries():
    """The painting check above compares real zone boundaries, not a one-colour map."""
    scenario = load_scenario(ROOT / "scenarios" / "dsair-early-race.yaml")
    assert _rectangles(run(scenario).charts["dsair-zones-s-p_r"])["zone"].nunique() == 3
