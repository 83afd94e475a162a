"""Sensitivity charts: tornado (one-at-a-time) and Sobol indices."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.charts.theme import OKABE_ITO, themed

TITLES = {
    "long_run_cooperation": ("Which lever moves long-run cooperation most?", "long-run cooperation (share)"),
    "welfare": ("Which lever moves welfare most?", "welfare over the run (payoff units)"),
}


def tornado_chart(table: pd.DataFrame, metric: str, subtitle: str,
                  titles: tuple[str, str] | None = None) -> alt.TopLevelMixin:
    """A bar per parameter from its low-value to its high-value result, sorted by effect size,
    with a rule at the base result; one row of panels per variant. ``titles`` (question, axis
    title) come from the model's measure."""
    title, x_title = titles or TITLES[metric]
    rows = []
    for _, row in table.iterrows():
        for end in ("low", "high"):
            rows.append({"variant": row["variant"], "parameter": row["parameter"], "end": f"{end} value",
                         "value": row[f"{end}_value"], "result": row[f"{metric}_at_{end}"],
                         "base": row[f"{metric}_base"], "size": abs(row[f"{metric}_effect"])})
    data = pd.DataFrame(rows)
    order = (table.assign(size=table[f"{metric}_effect"].abs()).groupby("parameter")["size"].max()
             .sort_values(ascending=False).index.tolist())
    y = alt.Y("parameter:N", sort=order, title=None)
    bars = alt.Chart().mark_bar(height=14).encode(
        x=alt.X("base:Q", title=x_title), x2="result:Q", y=y,
        color=alt.Color("end:N", scale=alt.Scale(domain=["low value", "high value"], range=OKABE_ITO[:2]),
                        title="parameter at its"),
        tooltip=["variant:N", "parameter:N", "end:N", alt.Tooltip("value:Q", format=".3g"),
                 alt.Tooltip("result:Q", format=".3g")],
    )
    base = alt.Chart().mark_rule(color="#333333").encode(x="base:Q")
    chart = alt.layer(bars, base, data=data).properties(width=460, height=max(80, 26 * len(order)))
    if data["variant"].nunique() > 1:
        chart = chart.facet(row=alt.Row("variant:N", title=None))
    return themed(chart, title, subtitle + " · each bar: one parameter moved from low to high, others at base")


def sobol_chart(table: pd.DataFrame, metric: str, subtitle: str,
                titles: tuple[str, str] | None = None) -> alt.TopLevelMixin:
    """First-order and total Sobol indices with 95% confidence per parameter."""
    title, _ = titles or TITLES[metric]
    part = table[table["metric"] == metric]
    long = pd.concat([
        part.assign(index="first order (S1)", value=part["S1"], conf=part["S1_conf"]),
        part.assign(index="total (ST)", value=part["ST"], conf=part["ST_conf"]),
    ])
    long = long.assign(low=long["value"] - long["conf"], high=long["value"] + long["conf"])
    y = alt.Y("parameter:N", title=None)
    color = alt.Color("index:N", scale=alt.Scale(range=OKABE_ITO[:2]), title="Sobol index")
    bars = alt.Chart().mark_bar(height=10).encode(
        x=alt.X("value:Q", title="share of output variance"), y=y, yOffset="index:N", color=color)
    whiskers = alt.Chart().mark_rule().encode(x="low:Q", x2="high:Q", y=y, yOffset="index:N")
    chart = alt.layer(bars, whiskers, data=long).properties(
        width=420, height=max(80, 34 * part["parameter"].nunique()))
    if part["variant"].nunique() > 1:
        chart = chart.facet(row=alt.Row("variant:N", title=None))
    return themed(chart, title + " (global)", subtitle + " · whiskers: 95% confidence")
