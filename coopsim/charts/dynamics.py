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

from coopsim.charts.theme import HEIGHT, LINE_LEGEND, WIDTH, themed, variant_label, variant_scale
from coopsim.theory.intervals import grouped_interval, interval_method

TIME_SERIES = {
    # name: (column, cumulative, measure its title states, y axis title, range the measure can take)
    "cooperation-over-time": (
        "cooperation_rate", False, "long_run_cooperation",
        "Share of choices that cooperate", (0.0, 1.0),
    ),
    "trust-over-time": (
        "mean_trust", False, "long_run_trust",
        "Mean trust (belief that the partner cooperates)", (0.0, 1.0),
    ),
    "cumulative-incidents": (
        "incidents", True, "cumulative_incidents", "Cumulative incidents (count)", (0.0, None),
    ),
    "welfare-over-time": (
        "welfare", False, "welfare", "Welfare per round (payoff units, net of public cost)",
        (None, None),
    ),
}
VARIANT_TITLE = "Policy variant"
# Measures whose chart is left out when they are zero throughout: a flat zero line of counts or
# payoffs shows nothing ("no incidents occurred" says it). A share or belief of zero is a result.
ZERO_MEANS_ABSENT = ("incidents", "welfare", "cumulative_incidents")


def drawn_time_series(rounds: pd.DataFrame, trust_used: bool = True) -> list[str]:
    """The time-series charts worth drawing for a ``rounds`` table, in order; no trust chart
    when no lab's decision rule acts on trust (``trust_used`` False)."""
    return [name for name, (column, *_) in TIME_SERIES.items()
            if (column not in ZERO_MEANS_ABSENT or rounds[column].abs().any())
            and (trust_used or column != "mean_trust")]


def intervention_windows(resolved: dict, n_rounds: int) -> pd.DataFrame:
    """One row per intervention of each resolved variant that acts within the run's rounds
    (0-based, ``start <= round < end``): its first and last active round and a label."""
    rows = []
    for name, variant in resolved.items():
        for spec in variant.interventions:
            last = n_rounds - 1 if spec.end is None else min(spec.end, n_rounds) - 1
            if spec.start > last:
                continue  # never opens in this run (the findings say so)
            window = f"from round {spec.start}" + ("" if spec.end is None else f" to {last}")
            if spec.targets is not None:
                window += f", on {spec.targets.in_words()}"
            rows.append({"variant": variant_label(name), "first round": spec.start, "last round": last,
                         "intervention": f"{spec.type.replace('_', ' ')} {window}"})
    return pd.DataFrame(rows, columns=["variant", "first round", "last round", "intervention"])


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
    rounds: pd.DataFrame, name: str, variants: list[str], subtitle: str,
    title: str | None = None, windows: pd.DataFrame | None = None,
) -> alt.TopLevelMixin:
    """One measure over rounds: a line per variant (mean), a band (95% interval) and, shaded in
    the variant's colour, each intervention window (rows of :func:`intervention_windows`)."""
    column, cumulative, _, y_title, bounds = TIME_SERIES[name]
    window = rounds_per_point(rounds)
    data = band_table(rounds, column, cumulative, bounds, window)
    data["variant"] = data["variant"].map(variant_label)
    scale = variant_scale([variant_label(v) for v in variants])
    color = alt.Color("variant:N", scale=scale, title=VARIANT_TITLE, legend=LINE_LEGEND)
    x = alt.X("round:Q", title="Round", scale=alt.Scale(nice=False))
    band = alt.Chart(data).mark_area(opacity=0.22).encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2=alt.Y2("high:Q"), color=color
    )
    line = alt.Chart(data).mark_line(strokeWidth=2).encode(
        x=x, y=alt.Y("mean:Q"), color=color,
        tooltip=[alt.Tooltip("variant:N"), alt.Tooltip("round:Q"), alt.Tooltip("mean:Q", format=".3g"),
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
    layers = [band, line]
    if windows is not None and len(windows):
        layers = window_layers(windows, color) + layers
        note += " · shaded: intervention windows"
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, title or y_title, subtitle + note)


def window_layers(windows: pd.DataFrame, color: alt.Color | dict) -> list[alt.Chart]:
    """A pale band over each window, a dashed rule where it opens, and its label above the plot."""
    x = alt.X("first round:Q", title="Round")
    tooltip = [alt.Tooltip(field) for field in ("variant:N", "intervention:N", "first round:Q", "last round:Q")]
    base = alt.Chart(windows)
    shade = base.mark_rect(opacity=0.08).encode(x=x, x2=alt.X2("last round:Q"), color=color, tooltip=tooltip)
    rule = base.mark_rule(strokeDash=[5, 3], strokeWidth=1.5).encode(x=x, color=color)
    # One label per window, stacked up from the plot's top edge so that none hides a line.
    labels = [
        alt.Chart(windows.iloc[[row]]).mark_text(align="left", baseline="bottom", dx=2, fontSize=11)
        .encode(x=x, y=alt.value(-4 - 14 * row), text=alt.Text("intervention:N"), color=color)
        for row in range(len(windows))
    ]
    return [shade, rule, *labels]


SUMMARY_MEASURES = {
    "long_run_cooperation": "Long-run cooperation (share)",
    "cumulative_incidents": "Incidents over the run (count)",
    "welfare": "Welfare over the run (payoff units)",
}


def summary_chart(
    summary: pd.DataFrame, variants: list[str], subtitle: str, title: str | None = None
) -> alt.TopLevelMixin:
    """Each variant's long-run cooperation, incidents and welfare with 95% intervals."""
    # A measure that is zero for every variant (no incidents) gets no panel: the findings say so.
    measures = {m: label for m, label in SUMMARY_MEASURES.items()
                if m not in ZERO_MEANS_ABSENT or summary[f"{m}_high"].abs().any()}
    rows = []
    for _, row in summary.iterrows():
        for measure, label in measures.items():
            rows.append({"variant": row["variant"], "measure": label, "mean": row[f"{measure}_mean"],
                         "low": row[f"{measure}_low"], "high": row[f"{measure}_high"]})
    data = pd.DataFrame(rows)
    data["variant"] = data["variant"].map(variant_label)
    labels = [variant_label(v) for v in variants]
    color = alt.Color("variant:N", scale=variant_scale(labels), title=VARIANT_TITLE, legend=None)
    y = alt.Y("variant:N", sort=labels, title=None)
    base = alt.Chart(data)
    bars = base.mark_bar(height=18).encode(
        x=alt.X("mean:Q", title=None), y=y, color=color,
        tooltip=[alt.Tooltip("variant:N"), alt.Tooltip("measure:N"), alt.Tooltip("mean:Q", format=".3g"),
                 alt.Tooltip("low:Q", format=".3g"), alt.Tooltip("high:Q", format=".3g")],
    )
    whiskers = base.mark_rule(strokeWidth=2, color="#333333").encode(x=alt.X("low:Q"), x2=alt.X2("high:Q"), y=y)
    panels = [
        alt.layer(bars, whiskers).transform_filter(alt.datum.measure == label)
        .properties(width=360, height=max(60, 30 * len(variants)), title=label)
        for label in measures.values()
    ]
    chart = panels[0] if len(panels) == 1 else alt.vconcat(*panels)  # side by side: > 700 px
    return themed(chart, title or "Each policy variant's results",
                  subtitle + " · bars: mean across replicates; whiskers: 95% interval")
