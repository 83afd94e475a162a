"""Charts of the iterated model: measures over rounds per variant with 95% replicate bands, and
the per-variant summary with intervals.

A chart plots at most MAX_POINTS points (all variants together), so long runs keep a small page
and stay under Altair's row limit: with more rounds than that, each point summarises a window of
k consecutive rounds. For a per-round measure it is the window's mean within each replicate (the
band is then the interval of those window means across replicates); for a cumulative measure it
is the running total at the window's last round, so no information is averaged away. The
subtitle says when this happens.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from coopsim.charts.theme import HEIGHT, LINE_LEGEND, WIDTH, themed, variant_scale
from coopsim.theory.intervals import grouped_interval, interval_method

TIME_SERIES = {
    # name: (column, cumulative, title, y axis title, range the measure can take)
    "cooperation-over-time": (
        "cooperation_rate", False,
        "Do labs keep developing responsibly?", "share of choices that cooperate", (0.0, 1.0),
    ),
    "trust-over-time": (
        "mean_trust", False,
        "Do labs learn to trust each other?", "mean belief that a partner cooperates", (0.0, 1.0),
    ),
    "cumulative-incidents": (
        "incidents", True,
        "How many safety incidents happen?", "cumulative incidents (count)", (0.0, None),
    ),
    "welfare-over-time": (
        "welfare", False,
        "What is cooperation worth to society?", "welfare per round (payoff units, net of public cost)",
        (None, None),
    ),
}


MAX_POINTS = 2000


def rounds_per_point(rounds: pd.DataFrame) -> int:
    """k, the rounds each plotted point stands for: 1 unless variants x rounds > MAX_POINTS."""
    cells = rounds["variant"].nunique() * rounds["round"].nunique()
    return max(1, math.ceil(cells / MAX_POINTS))


def band_table(rounds: pd.DataFrame, column: str, cumulative: bool, bounds, window: int = 1) -> pd.DataFrame:
    """Mean and 95% interval across replicates of `column` for every variant x round (or every
    window of `window` rounds, see the module docstring), by the method for a measure with range
    ``bounds`` (a bootstrap band never leaves that range)."""
    keys = ["variant", "replicate"]
    data = rounds[[*keys, "round", column]].sort_values([*keys, "round"], kind="stable")
    if cumulative:
        data = data.assign(**{column: data.groupby(keys, sort=False)[column].cumsum()})
    if window > 1:
        data = data.assign(window=(data["round"] - data["round"].min()) // window)
        how = "last" if cumulative else "mean"
        data = (data.groupby([*keys, "window"], sort=False)
                .agg(round=("round", "max" if cumulative else "mean"), **{column: (column, how)})
                .reset_index())
    return grouped_interval(data, ["variant", "round"], column, bounds)


def time_series_chart(
    rounds: pd.DataFrame, name: str, variants: list[str], subtitle: str
) -> alt.TopLevelMixin:
    """One measure over rounds: a line per variant (mean) and a band (95% interval)."""
    column, cumulative, title, y_title, bounds = TIME_SERIES[name]
    window = rounds_per_point(rounds)
    data = band_table(rounds, column, cumulative, bounds, window)
    color = alt.Color("variant:N", scale=variant_scale(variants), title="variant", legend=LINE_LEGEND)
    x = alt.X("round:Q", title="round", scale=alt.Scale(nice=False))
    band = alt.Chart(data).mark_area(opacity=0.22).encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=color
    )
    line = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=x, y="mean:Q", color=color,
        tooltip=["variant:N", "round:Q", alt.Tooltip("mean:Q", format=".3g"),
                 alt.Tooltip("low:Q", format=".3g"), alt.Tooltip("high:Q", format=".3g")],
    )
    replicates = rounds.groupby("variant")["replicate"].nunique()
    if replicates.max() == 1:
        note = " · lines: one run per variant"
    else:
        some = "" if replicates.min() == replicates.max() else "up to "
        note = (f" · lines: mean of {some}{replicates.max()} replicates; "
                f"bands: 95% {interval_method(bounds)} interval")
    if window > 1:
        note += (f" · one point every {window} rounds" if cumulative
                 else f" · each point averages {window} rounds")
    return themed(alt.layer(band, line).properties(width=WIDTH, height=HEIGHT), title, subtitle + note)


SUMMARY_MEASURES = {
    "long_run_cooperation": "long-run cooperation (share)",
    "cumulative_incidents": "incidents over the run (count)",
    "welfare": "welfare over the run (payoff units)",
}


def summary_chart(summary: pd.DataFrame, variants: list[str], subtitle: str) -> alt.TopLevelMixin:
    """Each variant's long-run cooperation, incidents and welfare with 95% intervals."""
    rows = []
    for _, row in summary.iterrows():
        for measure, label in SUMMARY_MEASURES.items():
            rows.append({"variant": row["variant"], "measure": label, "mean": row[f"{measure}_mean"],
                         "low": row[f"{measure}_low"], "high": row[f"{measure}_high"]})
    data = pd.DataFrame(rows)
    color = alt.Color("variant:N", scale=variant_scale(variants), title="variant", legend=None)
    y = alt.Y("variant:N", sort=variants, title=None)
    base = alt.Chart(data)
    bars = base.mark_bar(height=18).encode(
        x=alt.X("mean:Q", title=None), y=y, color=color,
        tooltip=["variant:N", "measure:N", alt.Tooltip("mean:Q", format=".3g"),
                 alt.Tooltip("low:Q", format=".3g"), alt.Tooltip("high:Q", format=".3g")],
    )
    whiskers = base.mark_rule(strokeWidth=2, color="#333333").encode(x="low:Q", x2="high:Q", y=y)
    panels = [
        alt.layer(bars, whiskers).transform_filter(alt.datum.measure == label)
        .properties(width=220, height=max(60, 30 * len(variants)), title=label)
        for label in SUMMARY_MEASURES.values()
    ]
    return themed(alt.hconcat(*panels), "How does each policy variant compare?",
                  subtitle + " · bars: mean across replicates; whiskers: 95% interval")
