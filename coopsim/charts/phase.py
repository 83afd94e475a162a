"""Phase-diagram charts: a categorical map over two factors."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from coopsim.charts.theme import OKABE_ITO, themed

MAX_CELLS_PER_AXIS = 120


def _cell_edges(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edge of each grid cell (midpoints between neighbouring values)."""
    if len(values) == 1:
        return values - 0.5, values + 0.5
    mids = (values[1:] + values[:-1]) / 2
    lower = np.concatenate([[values[0] - (mids[0] - values[0])], mids])
    upper = np.concatenate([mids, [values[-1] + (values[-1] - mids[-1])]])
    return lower, upper


def thin(table: pd.DataFrame, x: str, y: str) -> pd.DataFrame:
    """Every k-th grid value per axis, so a chart holds at most MAX_CELLS_PER_AXIS^2 cells."""
    keep = []
    for axis in (x, y):
        values = np.sort(table[axis].unique())
        step = int(np.ceil(len(values) / MAX_CELLS_PER_AXIS))
        keep.append(set(values[::step]))
    small = table[table[x].isin(keep[0]) & table[y].isin(keep[1])].copy()
    for axis in (x, y):
        values = np.sort(small[axis].unique())
        lower, upper = _cell_edges(values)
        small[f"{axis} from"] = small[axis].map(dict(zip(values, lower)))
        small[f"{axis} to"] = small[axis].map(dict(zip(values, upper)))
    return small


def phase_map(
    table: pd.DataFrame, x: str, y: str, field: str, title: str, legend: str, subtitle: str,
    x_title: str | None = None, y_title: str | None = None,
) -> alt.TopLevelMixin:
    """Cells of the (x, y) grid coloured by the categories of `field`."""
    # Vega-Lite reads dots in field names as nesting: chart columns get plain names.
    data = thin(table[[x, y, field]].set_axis(["x", "y", "category"], axis=1), "x", "y")
    if data["category"].dtype == bool:
        data["category"] = data["category"].map({True: "yes", False: "no"})
    data["category"] = data["category"].astype(str)
    categories = sorted(data["category"].unique())
    chart = (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("x from:Q", title=x_title or x, scale=alt.Scale(nice=False, zero=False)),
            x2="x to:Q",
            y=alt.Y("y from:Q", title=y_title or y, scale=alt.Scale(nice=False, zero=False)),
            y2="y to:Q",
            color=alt.Color(
                "category:N",
                title=legend,
                scale=alt.Scale(domain=categories,
                                range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(categories))]),
                legend=alt.Legend(columns=2, labelLimit=320, titleLimit=400),
            ),
            tooltip=[alt.Tooltip("x:Q", title=x), alt.Tooltip("y:Q", title=y),
                     alt.Tooltip("category:N", title=legend)],
        )
        .properties(width=460, height=380)
    )
    return themed(chart, title, subtitle)
