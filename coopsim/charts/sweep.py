"""Sweep charts: lines with 95% bands for one parameter, heat maps for two.

Titles, axis and legend titles come from the caller in words (see
:mod:`coopsim.labels`); variants are named with spaces and keep their colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.charts.theme import HEIGHT, LINE_LEGEND, WIDTH, themed, variant_label, variant_scale
from coopsim.theory.intervals import interval_method

PANEL_WIDTH, PANEL_HEIGHT, PANEL_COLUMNS = 250, 220, 2  # two heat-map panels fit 700 px


def _plain(name: str) -> str:
    """Vega-Lite reads dots and brackets in field names as nesting."""
    return name.replace(".", "_").replace("[", "_").replace("]", "")


def _lines(title: str) -> list[str] | str:
    """A long vertical axis title on two lines: its head, then its explanation in brackets."""
    head, sep, tail = title.partition(" (")
    return [head, sep.strip() + tail] if sep and len(title) > 30 else title


def line_chart(aggregates: pd.DataFrame, parameter: str, metric: str, variants: list[str], subtitle: str,
               title: str, x_title: str, y_title: str, bounds: tuple,
               exact: bool = False) -> alt.TopLevelMixin:
    """Metric against one parameter, a line per variant with its 95% band (none when the metric
    is ``exact``: computed once per point). ``bounds`` is the measure's range."""
    field = _plain(parameter)
    data = aggregates.rename(columns={parameter: field}).assign(variant=lambda d: d["variant"].map(variant_label))
    names = [variant_label(v) for v in variants]
    color = alt.Color("variant:N", scale=variant_scale(names), title="Variant", legend=LINE_LEGEND)
    x = alt.X(f"{field}:Q", title=x_title, scale=alt.Scale(nice=False, zero=False))
    band = alt.Chart(data).mark_area(opacity=0.22).encode(
        x=x, y=alt.Y(f"{metric}_low:Q", title=y_title), y2=f"{metric}_high:Q", color=color)
    line = alt.Chart(data).mark_line(point=True, strokeWidth=2).encode(
        x=x, y=alt.Y(f"{metric}_mean:Q", title=y_title), color=color,
        tooltip=[alt.Tooltip("variant:N", title="Variant"), alt.Tooltip(f"{field}:Q", title=x_title),
                 alt.Tooltip(f"{metric}_mean:Q", format=".3g", title="Mean"),
                 alt.Tooltip("replicates:Q", title="Replicates")])
    layers = [line] if exact else [band, line]
    if tuple(bounds) == (0.0, 1.0):  # a share: mark where it crosses one half
        layers.append(alt.Chart(pd.DataFrame({"half": [0.5]})).mark_rule(
            color="#777777", strokeDash=[4, 4]).encode(y="half:Q"))
    how = (" · exact values, computed once per point" if exact else
           " · lines: mean across replicates; bands: 95% " + f"{interval_method(bounds)} interval")
    return themed(alt.layer(*layers).properties(width=WIDTH, height=HEIGHT), title, subtitle + how)


def heat_map(aggregates: pd.DataFrame, x: str, y: str, metric: str, subtitle: str, title: str,
             x_title: str, y_title: str, legend: str, bounds: tuple,
             exact: bool = False) -> alt.TopLevelMixin:
    """Mean metric over two parameters, one panel per variant (two panels a row)."""
    fx, fy = _plain(x), _plain(y)
    data = aggregates.rename(columns={x: fx, y: fy}).assign(variant=lambda d: d["variant"].map(variant_label))
    scheme = "viridis" if metric != "cumulative_incidents" else "orangered"
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X(f"{fx}:O", title=x_title, axis=alt.Axis(format=".3~g", labelAngle=0, titleLimit=2 * PANEL_WIDTH)),
        y=alt.Y(f"{fy}:O", title=_lines(y_title), sort="descending", axis=alt.Axis(format=".3~g")),
        color=alt.Color(f"{metric}_mean:Q", title=legend,
                        scale=alt.Scale(scheme=scheme, domain=[0, 1]) if tuple(bounds) == (0.0, 1.0)
                        else alt.Scale(scheme=scheme),
                        legend=alt.Legend(titleLimit=600, gradientLength=300)),
        tooltip=[alt.Tooltip(f"{fx}:Q", title=x_title), alt.Tooltip(f"{fy}:Q", title=y_title),
                 alt.Tooltip("variant:N", title="Variant"),
                 alt.Tooltip(f"{metric}_mean:Q", format=".3g", title="Mean"),
                 alt.Tooltip(f"{metric}_low:Q", format=".3g", title="95% low"),
                 alt.Tooltip(f"{metric}_high:Q", format=".3g", title="95% high")],
    ).properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
    if data["variant"].nunique() > 1:
        order = [variant_label(v) for v in aggregates["variant"].unique()]
        chart = chart.facet(facet=alt.Facet("variant:N", title=None, sort=order,
                                            header=alt.Header(labelFontSize=13, labelFontWeight="bold")),
                            columns=PANEL_COLUMNS)
    return themed(chart, title, subtitle + (" · colour: exact value" if exact else " · colour: mean across replicates"))
