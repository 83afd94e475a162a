"""Charts of the labs kind by kind (a *kind* is a scenario lab entry; see
:mod:`coopsim.analyses.labs`): long-run cooperation, payoff and trust per kind and variant with
95% intervals, and each kind's cooperation over rounds in every variant."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from coopsim.charts.dynamics import MAX_POINTS, VARIANT_TITLE, window_layers
from coopsim.charts.theme import HEIGHT, OKABE_ITO, WIDTH, themed, variant_label, variant_scale

LAB_PANELS = {
    "cooperation": "Long-run cooperation (share of its choices)",
    "payoff": "Payoff per round (payoff units)",
    "trust": "Long-run trust (belief that a partner cooperates)",
}
KIND_TITLE = "Lab"


def kind_scale(kinds: list[str]) -> alt.Scale:
    """The same colour for the same kind of lab in every lab chart (scenario order)."""
    return alt.Scale(domain=kinds, range=[OKABE_ITO[(i + 2) % len(OKABE_ITO)] for i in range(len(kinds))])


def lab_summary_chart(table: pd.DataFrame, variants: list[str], subtitle: str, title: str) -> alt.TopLevelMixin:
    """Per kind of lab (rows) and variant (colour): long-run cooperation, payoff per round and
    trust, bars at the mean across replicates and whiskers over the 95% interval."""
    rows = [{"variant": variant_label(row["variant"]), "lab": row["kind"], "measure": label,
             "mean": row[f"{m}_mean"], "low": row[f"{m}_low"], "high": row[f"{m}_high"]}
            for _, row in table.iterrows() for m, label in LAB_PANELS.items()]
    data = pd.DataFrame(rows)
    labels = [variant_label(v) for v in variants]
    kinds = list(dict.fromkeys(table["kind"]))
    color = alt.Color("variant:N", scale=variant_scale(labels), title=VARIANT_TITLE)
    y = alt.Y("lab:N", sort=kinds, title=None)
    offset = alt.YOffset("variant:N", sort=labels)
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        x=alt.X("mean:Q", title=None), y=y, yOffset=offset, color=color,
        tooltip=["lab:N", "variant:N", "measure:N", alt.Tooltip("mean:Q", format=".3g"),
                 alt.Tooltip("low:Q", format=".3g"), alt.Tooltip("high:Q", format=".3g")])
    whiskers = base.mark_rule(strokeWidth=2, color="#333333").encode(x="low:Q", x2="high:Q", y=y, yOffset=offset)
    height = max(60, 18 * len(kinds) * len(variants))
    panels = [alt.layer(bars, whiskers).transform_filter(alt.datum.measure == label)
              .properties(width=200, height=height, title=label) for label in LAB_PANELS.values()]
    replicates = int(table["replicates"].max())
    note = (" · bars: mean over the long run and the kind's labs"
            + (f", across {replicates} replicates; whiskers: 95% interval" if replicates > 1 else " (one run)"))
    return themed(alt.hconcat(*panels), title, subtitle + note)


def lab_time_series_chart(labs: pd.DataFrame, variants: list[str], subtitle: str, title: str,
                          windows: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """Each kind's share of cooperative choices over rounds (mean over its labs and the
    replicates), one panel per variant with that variant's intervention windows shaded."""
    kinds = list(dict.fromkeys(labs["kind"]))
    n_rounds = labs["round"].nunique()
    window = max(1, math.ceil(len(kinds) * len(variants) * n_rounds / MAX_POINTS))
    data = labs.assign(round=labs["round"] - labs["round"] % window if window > 1 else labs["round"])
    data = (data.groupby(["variant", "kind", "round"], sort=False)["cooperation"].mean().reset_index()
            .rename(columns={"kind": "lab", "cooperation": "share cooperating"}))
    color = alt.Color("lab:N", scale=kind_scale(kinds), title=KIND_TITLE)
    x = alt.X("round:Q", title="Round", scale=alt.Scale(nice=False))
    panels = []
    for variant in variants:
        part = data[data["variant"] == variant]
        line = alt.Chart(part).mark_line(strokeWidth=2, interpolate="step-after").encode(
            x=x, y=alt.Y("share cooperating:Q", title="Share of choices that cooperate",
                         scale=alt.Scale(domain=[0, 1])),
            color=color, tooltip=["lab:N", "round:Q", alt.Tooltip("share cooperating:Q", format=".3g")])
        layers = [line]
        own = windows[windows["variant"] == variant_label(variant)] if windows is not None else None
        if own is not None and len(own):
            layers = window_layers(own.reset_index(drop=True), alt.value("#777777")) + layers
        size = {"width": 300, "height": 180} if len(variants) > 1 else {"width": WIDTH, "height": HEIGHT}
        panels.append(alt.layer(*layers).properties(**size, title=variant_label(variant)))
    chart = panels[0] if len(panels) == 1 else alt.concat(*panels, columns=2)
    note = " · lines: mean over the kind's labs and the replicates"
    if window > 1:
        note += f" · each point averages {window} rounds"
    if windows is not None and len(windows):
        note += " · shaded: intervention windows"
    return themed(chart, title, subtitle + note)
