"""Sensitivity charts: tornado (one-at-a-time) and Sobol indices with their 95% intervals.

Parameters are named by their labels in words (the table's `parameter label` column, from
:mod:`coopsim.labels`); panels stay within a journal's two-column width."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.charts.theme import OKABE_ITO, themed, variant_label

LABEL = "parameter label"
PLOT_WIDTH = 320  # px; the parameter names take up to LABEL_WIDTH more
LABEL_WIDTH = 300
BREAK = "|"  # where a parameter's name goes on to a second line: before its explanation in brackets
TWO_LINES = alt.Axis(labelExpr=f"split(datum.label, '{BREAK}')", labelLimit=LABEL_WIDTH)


def two_lines(label: str) -> str:
    """'Advantage (payoff ...)' -> 'Advantage|(payoff ...)': drawn as two lines by TWO_LINES."""
    head, sep, tail = label.partition(" (")
    return f"{head}{BREAK}({tail}" if sep else label


def _panels(chart, data: pd.DataFrame):
    """One row of panels per variant, in the scenario's order, when there are several."""
    if data["variant"].nunique() < 2:
        return chart
    order = list(dict.fromkeys(data["variant"]))
    return chart.facet(row=alt.Row("variant:N", title=None, sort=order,
                                   header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=13,
                                                     labelFontWeight="bold", labelOrient="top")))


def tornado_chart(table: pd.DataFrame, metric: str, subtitle: str, title: str, x_title: str) -> alt.TopLevelMixin:
    """A bar per parameter from its low-value to its high-value result, sorted by effect size,
    with a rule at the base result; one row of panels per variant."""
    rows = []
    for _, row in table.iterrows():
        for end in ("low", "high"):
            rows.append({"variant": variant_label(row["variant"]), "parameter": two_lines(row[LABEL]),
                         "name": row[LABEL], "end": f"{end} value",
                         "value": row[f"{end}_value"], "result": row[f"{metric}_at_{end}"],
                         "base": row[f"{metric}_base"]})
    data = pd.DataFrame(rows)
    order = (table.assign(size=table[f"{metric}_effect"].abs()).groupby(LABEL)["size"].max()
             .sort_values(ascending=False, kind="stable").index.map(two_lines).tolist())
    y = alt.Y("parameter:N", sort=order, title=None, axis=TWO_LINES)
    bars = alt.Chart().mark_bar(height=14).encode(
        x=alt.X("base:Q", title=x_title), x2="result:Q", y=y,
        color=alt.Color("end:N", scale=alt.Scale(domain=["low value", "high value"], range=OKABE_ITO[:2]),
                        title="Parameter at its"),
        tooltip=[alt.Tooltip("variant:N", title="Variant"), alt.Tooltip("name:N", title="Parameter"),
                 alt.Tooltip("end:N", title="At its"), alt.Tooltip("value:Q", format=".3g", title="Value"),
                 alt.Tooltip("result:Q", format=".3g", title="Result")],
    )
    base = alt.Chart().mark_rule(color="#333333").encode(x="base:Q")
    chart = alt.layer(bars, base, data=data).properties(width=PLOT_WIDTH, height=max(80, 36 * len(order)))
    return themed(_panels(chart, data), title,
                  subtitle + " · each bar: one parameter moved from low to high, others at base; rule: base")


def sobol_chart(table: pd.DataFrame, metric: str, subtitle: str, title: str, samples: int) -> alt.TopLevelMixin:
    """First-order and total Sobol indices per parameter: a dot at the estimate, a bar across its
    95% confidence interval, the estimate written beside it. Estimates from few samples can fall
    outside [0, 1]; the axis shows them as computed."""
    part = table[table["metric"] == metric]
    long = pd.concat([
        part.assign(index="alone (first order S1)", value=part["S1"], conf=part["S1_conf"]),
        part.assign(index="with interactions (total ST)", value=part["ST"], conf=part["ST_conf"]),
    ])
    long = long.assign(low=long["value"] - long["conf"], high=long["value"] + long["conf"],
                       variant=long["variant"].map(variant_label), parameter=long[LABEL].map(two_lines),
                       name=long[LABEL])
    order = part.groupby(LABEL)["ST"].max().sort_values(ascending=False, kind="stable").index.map(two_lines).tolist()
    y = alt.Y("parameter:N", title=None, sort=order, axis=TWO_LINES)
    color = alt.Color("index:N", scale=alt.Scale(range=OKABE_ITO[:2]), title="Sobol index")
    x = alt.X("value:Q", title="Share of the output's variance")
    interval = alt.Chart().mark_rule(strokeWidth=3, opacity=0.55).encode(
        x=alt.X("low:Q", title="Share of the output's variance"), x2="high:Q", y=y, yOffset="index:N", color=color)
    dot = alt.Chart().mark_point(filled=True, size=70, opacity=1).encode(
        x=x, y=y, yOffset="index:N", color=color,
        tooltip=[alt.Tooltip("name:N", title="Parameter"), alt.Tooltip("index:N", title="Index"),
                 alt.Tooltip("value:Q", format=".3f", title="Estimate"),
                 alt.Tooltip("low:Q", format=".3f", title="95% low"),
                 alt.Tooltip("high:Q", format=".3f", title="95% high")])
    text = alt.Chart().mark_text(align="left", dx=6, dy=-7, fontSize=10).encode(
        x="high:Q", y=y, yOffset="index:N", text=alt.Text("value:Q", format=".2f"), color=color)
    zero = alt.Chart().mark_rule(color="#333333").encode(x=alt.datum(0))
    chart = alt.layer(zero, interval, dot, text, data=long).properties(
        width=PLOT_WIDTH, height=max(90, 48 * part[LABEL].nunique()))
    return themed(_panels(chart, long), title,
                  subtitle + f" · dots: estimates from {samples} base samples; bars: 95% confidence")
