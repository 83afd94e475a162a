"""Sweep charts: lines with 95% bands for one parameter, heat maps for two."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.abm.runner import MEASURE_RANGES
from coopsim.charts.theme import HEIGHT, LINE_LEGEND, WIDTH, themed, variant_scale
from coopsim.theory.intervals import interval_method

METRIC_TITLES = {
    "long_run_cooperation": ("Where does cooperation hold?", "long-run cooperation (share of choices)"),
    "cumulative_incidents": ("Where do incidents pile up?", "incidents over the run (count)"),
    "welfare": ("Where is welfare highest?", "welfare over the run (payoff units)"),
}


def _plain(name: str) -> str:
    """Vega-Lite reads dots and brackets in field names as nesting."""
    return name.replace(".", "_").replace("[", "_").replace("]", "")


def line_chart(aggregates: pd.DataFrame, parameter: str, metric: str, variants: list[str],
               subtitle: str, titles: tuple[str, str] | None = None,
               bounds: tuple | None = None, exact: bool = False) -> alt.TopLevelMixin:
    """Metric against one parameter, a line per variant with its 95% band (none when the
    metric is ``exact``: computed once per point). ``titles`` (question, axis title) and
    ``bounds`` come from the model's measure; the lab model's are the defaults."""
    title, y_title = titles or METRIC_TITLES[metric]
    bounds = bounds if bounds is not None else MEASURE_RANGES.get(metric, (None, None))
    field = _plain(parameter)
    data = aggregates.rename(columns={parameter: field})
    color = alt.Color("variant:N", scale=variant_scale(variants), title="variant", legend=LINE_LEGEND)
    x = alt.X(f"{field}:Q", title=parameter, scale=alt.Scale(nice=False, zero=False))
    band = alt.Chart(data).mark_area(opacity=0.22).encode(
        x=x, y=alt.Y(f"{metric}_low:Q", title=y_title), y2=f"{metric}_high:Q", color=color)
    line = alt.Chart(data).mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y(f"{metric}_mean:Q", title=y_title), color=color,
        tooltip=["variant:N", alt.Tooltip(f"{field}:Q", title=parameter),
                 alt.Tooltip(f"{metric}_mean:Q", format=".3g", title="mean"), "replicates:Q"])
    if exact:
        return themed(line.properties(width=WIDTH, height=HEIGHT), title,
                      subtitle + " · exact values, computed once per point")
    return themed(alt.layer(band, line).properties(width=WIDTH, height=HEIGHT), title,
                  subtitle + " · lines: mean across replicates; bands: 95% "
                  + f"{interval_method(bounds)} interval")


def heat_map(aggregates: pd.DataFrame, x: str, y: str, metric: str, subtitle: str,
             titles: tuple[str, str] | None = None, exact: bool = False) -> alt.TopLevelMixin:
    """Mean metric over two parameters, one panel per variant."""
    title, legend = titles or METRIC_TITLES[metric]
    fx, fy = _plain(x), _plain(y)
    data = aggregates.rename(columns={x: fx, y: fy})
    scheme = "viridis" if metric != "cumulative_incidents" else "orangered"
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X(f"{fx}:O", title=x, axis=alt.Axis(format=".3~g", labelAngle=0)),
        y=alt.Y(f"{fy}:O", title=y, sort="descending", axis=alt.Axis(format=".3~g")),
        color=alt.Color(f"{metric}_mean:Q", title=legend, scale=alt.Scale(scheme=scheme),
                        legend=alt.Legend(orient="right", titleLimit=300)),
        tooltip=[alt.Tooltip(f"{fx}:Q", title=x), alt.Tooltip(f"{fy}:Q", title=y), "variant:N",
                 alt.Tooltip(f"{metric}_mean:Q", format=".3g", title="mean"),
                 alt.Tooltip(f"{metric}_low:Q", format=".3g", title="95% low"),
                 alt.Tooltip(f"{metric}_high:Q", format=".3g", title="95% high")],
    ).properties(width=300, height=260)
    if data["variant"].nunique() > 1:
        chart = chart.facet(column=alt.Column("variant:N", title=None))
    return themed(chart, title, subtitle + (" · colour: exact value" if exact else " · colour: mean across replicates"))
