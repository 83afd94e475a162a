"""Phase-diagram charts: a categorical map over two factors."""

from __future__ import annotations

from typing import Any, Callable

import altair as alt
import numpy as np
import pandas as pd

from coopsim.charts.theme import CATEGORY_COLOURS, MAX_CHART_WIDTH, OKABE_ITO, themed

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


ORDERED_SCHEME = "yelloworangered"  # light to dark: higher bands of a probability read as worse


def phase_map(
    table: pd.DataFrame, x: str, y: str, field: str, title: str, legend: str, subtitle: str,
    x_title: str | None = None, y_title: str | None = None, here: tuple[float, float] | None = None,
    words: Callable[[Any], str] | None = None, ordered: bool = False,
) -> alt.TopLevelMixin:
    """Cells of the (x, y) grid coloured by the categories of `field` (named by `words`; a
    category in :data:`CATEGORY_COLOURS` takes its colour there, the others the next Okabe-Ito
    colour not taken; `ordered` categories, bands of one number, shades of one ramp in the order
    of their names), with the scenario's own point (`here`) marked."""
    # Vega-Lite reads dots in field names as nesting: chart columns get plain names.
    data = thin(table[[x, y, field]].set_axis(["x", "y", "category"], axis=1), "x", "y")
    data["category"] = data["category"].map(words) if words else data["category"].astype(str)
    categories = sorted(data["category"].unique())
    colours = {c: CATEGORY_COLOURS[c] for c in categories if c in CATEGORY_COLOURS}
    spare = iter(c for c in OKABE_ITO if c not in colours.values())
    palette = [colours.get(c) or next(spare, "#999999") for c in categories]
    x_title, y_title = x_title or x, y_title or y
    scale = alt.Scale(domain=categories, scheme=ORDERED_SCHEME) if ordered else alt.Scale(domain=categories, range=palette)
    key = alt.Legend(columns=1, labelLimit=MAX_CHART_WIDTH - 40, titleLimit=MAX_CHART_WIDTH - 40)
    cells = alt.Chart(data).mark_rect(strokeWidth=0.5).encode(
        x=alt.X("x from:Q", title=x_title, scale=alt.Scale(nice=False, zero=False)),
        x2="x to:Q",
        y=alt.Y("y from:Q", title=y_title, scale=alt.Scale(nice=False, zero=False)),
        y2="y to:Q",
        color=alt.Color("category:N", title=legend, scale=scale, legend=key),
        stroke=alt.Stroke("category:N", title=legend, scale=scale, legend=key),  # no seams between cells
        tooltip=[alt.Tooltip("x:Q", title=x_title), alt.Tooltip("y:Q", title=y_title),
                 alt.Tooltip("category:N", title=legend)],
    )
    layers = [cells]
    if here is not None:
        point = pd.DataFrame({"x": [here[0]], "y": [here[1]], "label": ["this scenario"]})
        marker = alt.Chart(point).encode(x="x:Q", y="y:Q")
        layers += [marker.mark_point(shape="diamond", size=160, filled=True, color="black",
                                     stroke="white", strokeWidth=1.5),
                   marker.mark_text(align="left", dx=10, dy=-8, fontSize=12, fontWeight="bold",
                                    color="black", stroke="white", strokeWidth=3, strokeOpacity=0.8)
                   .encode(text="label:N"),
                   marker.mark_text(align="left", dx=10, dy=-8, fontSize=12, fontWeight="bold",
                                    color="black").encode(text="label:N")]
    chart = alt.layer(*layers).properties(width=460, height=380)
    return themed(chart, title, subtitle)
