"""The DSAIR zone map is drawn without seams: every rectangle overhangs its right and upper
neighbours (cells that merely touch leave anti-aliased light lines in the browser), and painting
the rectangles in their order still shows each cell's own zone, as :func:`dsair.zone_map`
computes it at the cell's centre."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.charts import races
from coopsim.theory import dsair

EARLY = dsair.DsairParams(b=4, c=1, s=1.5, B=10_000, W=100, p_r=0.6, p_fo=0.0)
LATE = dsair.DsairParams(b=4, c=1, s=1.5, B=1, W=100, p_r=0.6, p_fo=0.3)


@pytest.mark.parametrize("p, x, edges", [
    (EARLY, "s", np.linspace(1.0 + 1e-6, 3.0, 61)),
    (EARLY, "p_fo", np.linspace(0.0, 1.0, 61)),
    (LATE, "s", np.linspace(1.0 + 1e-6, 3.0, 61)),
])
def test_rectangles_overhang_and_paint_the_zone_map(monkeypatch, p, x, edges):
    monkeypatch.setattr(races, "GRID_ROWS", 80)
    runs = races.zone_runs(p, x, edges)
    y_edges = np.linspace(0.0, 1.0, 81)
    x_mid, y_mid = (edges[:-1] + edges[1:]) / 2, (y_edges[:-1] + y_edges[1:]) / 2
    truth = dsair.zone_map(p, x, x_mid, "p_r", y_mid)["zone"].map(races.ZONE_LABELS).to_numpy()
    truth = truth.reshape(len(x_mid), len(y_mid))
    painted = np.full(truth.shape, None, dtype=object)
    for row in runs.itertuples():  # in order, as the renderer draws them
        columns = (x_mid > row.x) & (x_mid < row.x2)
        rows = (y_mid > row.y) & (y_mid < row.y2)
        painted[np.ix_(columns, rows)] = row.zone
    assert (painted == truth).all()
    assert len(set(truth.ravel())) > 1  # the check above compares real boundaries
    # No rectangle merely touches the next column or the next run: it reaches into them,
    # except at the map's own right and top edges.
    width = edges[1] - edges[0]
    inner = runs[runs["x2"] < edges[-1]]
    assert ((inner["x2"] - inner["x"]) > 1.5 * width).all()
    assert runs["x2"].max() == edges[-1] and runs["y2"].max() == 1.0
    below_top = runs[runs["y2"] < 1.0]
    assert len(below_top) and all(
        ((runs["x"] == r.x) & (runs["y"] < r.y2) & (runs["y"] >= r.y2 - 1 / 80 - 1e-12) & (runs["y"] > r.y)).any()
        for r in below_top.itertuples())
