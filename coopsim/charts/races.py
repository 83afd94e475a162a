"""Charts of the race models: DSAIR regulatory zones and the precipice's probability of disaster.

Pure builders, data in and a themed chart out:

* :func:`zone_map_chart` -- DSAIR zones over (s, p_r) or (p_fo, p_r) around a scenario's
  parameters, with the closed-form limit thresholds as dashed lines and the scenario marked;
* :func:`disaster_vs_mu_chart` -- closed-form disaster probability against mu for the three
  information conditions, with the scenario's closed-form and Monte Carlo values marked.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from coopsim.charts.theme import HEIGHT, OKABE_ITO, WIDTH, ZONE_COLOURS, themed
from coopsim.analyses.findings_races import INFORMATION_WORDS
from coopsim.games.dsair_zones import ZONE_LABELS
from coopsim.theory import dsair, precipice

AXIS_TITLES = {
    "s": "Speed of unsafe development s (× safe speed)",
    "p_fo": "Chance unsafe play is detected per round",
    "p_r": "Chance of disaster for fully unsafe play",
}
INFORMATION_LABELS = {
    "none": "no information",
    "private": "private information (own capability)",
    "public": "public information (all capabilities)",
}
ZONE_LEGEND = alt.Legend(title="Zone", orient="bottom", direction="vertical", labelLimit=420, symbolType="square")
GRID_COLUMNS = 240  # resolution along x; along p_r zones are merged into runs, so data stay small
GRID_ROWS = 400


def zone_grid(p: dsair.DsairParams, x: str) -> tuple[np.ndarray, np.ndarray]:
    """Cell edges of a zone map over (``x``, p_r): ``x`` = ``"s"`` from just above 1 to
    max(3, 1.6 s), or ``"p_fo"`` over [0, 1]; p_r over [0, 1]. Zones are computed at the
    cells' midpoints (:func:`coopsim.analyses.race_phase.dsair_phase`)."""
    if x == "s":
        top = float(max(3.0, 1.6 * float(p.s)))
        x_edges = np.linspace(1.0, top, GRID_COLUMNS + 1)
        x_edges[0] = 1.0 + 1e-6
    elif x == "p_fo":
        x_edges = np.linspace(0.0, 1.0, GRID_COLUMNS + 1)
    else:
        raise ValueError("x must be 's' or 'p_fo'")
    return x_edges, np.linspace(0.0, 1.0, GRID_ROWS + 1)


def midpoints(edges: np.ndarray) -> np.ndarray:
    """The middle of each cell between consecutive edges."""
    return (edges[:-1] + edges[1:]) / 2


def zone_runs(zones: np.ndarray, x_edges: np.ndarray, y_edges: np.ndarray) -> pd.DataFrame:
    """The zone map as rectangles: one per run of equal zone along ``p_r`` in each ``x`` column.

    ``zones[i, j]`` is the zone of the cell in x column ``i`` and p_r row ``j``. Columns ``x``,
    ``x2``, ``y``, ``y2`` and ``zone``. A rectangle reaches one cell past its own right and top
    edges (not past the map's): the renderer anti-aliases every edge against the white
    background, so cells that merely touch leave faint seams; drawn in order, each rectangle
    covers the previous one's overhang, so the map shows each cell's own zone."""
    rows = []
    for i in range(zones.shape[0]):
        start = 0
        for j in range(1, zones.shape[1] + 1):
            if j == zones.shape[1] or zones[i, j] != zones[i, start]:
                rows.append({"x": x_edges[i], "x2": x_edges[min(i + 2, zones.shape[0])], "y": y_edges[start],
                             "y2": y_edges[min(j + 1, zones.shape[1])], "zone": ZONE_LABELS[zones[i, start]]})
                start = j
    return pd.DataFrame(rows)


def _limit_lines(p: dsair.DsairParams, x: str, xs: np.ndarray, regime: str) -> pd.DataFrame:
    """Closed-form limit thresholds in p_r as functions of the x parameter."""
    grid = replace(p, **{x: xs})
    lines = []
    if regime in ("early", "intermediate"):
        lines += [
            ("early limit: safety preferred above 1 − 1/s",
             dsair.collective_preference_threshold_early(grid)),
            ("early limit: safety selected above 1 − 1/(3s)",
             dsair.risk_dominance_threshold_early(grid)),
        ]
    if regime in ("late", "intermediate"):
        lines.append(("late limit: safety preferred above 1 − π11/π22",
                      dsair.collective_preference_threshold_late(grid)))
    frames = [
        pd.DataFrame({"x": xs, "p_r": np.broadcast_to(values, xs.shape), "limit": name})
        for name, values in lines
    ]
    data = pd.concat(frames, ignore_index=True)
    return data[(data["p_r"] >= 0) & (data["p_r"] <= 1)]


def zone_map_chart(p: dsair.DsairParams, x: str, zones: np.ndarray, subtitle: str,
                   points: dict[str, dsair.DsairParams] | None = None) -> alt.TopLevelMixin:
    """Zones of the two-lab DSAIR race over (``x``, p_r), ``x`` = ``"s"`` or ``"p_fo"``;
    ``zones[i, j]`` at the midpoints of :func:`zone_grid`'s cells (x column i, p_r row j). The
    scenario is marked, or each of ``points`` (variant label -> its parameters) when given; the
    title names the zone of each marked point."""
    x_edges, y_edges = zone_grid(p, x)
    regime = _regime(p)
    runs = zone_runs(zones, x_edges, y_edges)
    domain = [float(x_edges[0]), float(x_edges[-1])]
    present = [z for z in dsair.ZONES if ZONE_LABELS[z] in set(runs["zone"])]
    zone_scale = alt.Scale(domain=[ZONE_LABELS[z] for z in present],
                           range=[ZONE_COLOURS[z] for z in present])
    x_enc = alt.X("x:Q", title=AXIS_TITLES[x], scale=alt.Scale(domain=domain, nice=False))
    y_enc = alt.Y("y:Q", title=AXIS_TITLES["p_r"], scale=alt.Scale(domain=[0, 1], nice=False))
    # No stroke: one even in the fill colour draws faint stripes (zone_runs' overhang hides the seams).
    rects = alt.Chart(runs).mark_rect(opacity=1, strokeWidth=0).encode(
        x=x_enc, x2="x2:Q", y=y_enc, y2="y2:Q",
        color=alt.Color("zone:N", scale=zone_scale, legend=ZONE_LEGEND),
        tooltip=["zone:N"],
    )
    layers = [rects]
    limits = _limit_lines(p, x, np.linspace(domain[0], domain[1], 200), regime)
    if not limits.empty:
        layers.append(
            alt.Chart(limits).mark_line(color="#222222", strokeWidth=1.5).encode(
                x=alt.X("x:Q", scale=alt.Scale(domain=domain, nice=False)),
                y=alt.Y("p_r:Q", scale=alt.Scale(domain=[0, 1], nice=False)),
                strokeDash=alt.StrokeDash(
                    "limit:N", legend=alt.Legend(title="Closed-form limit", orient="bottom", direction="vertical",
                                                 labelLimit=420, symbolStrokeWidth=1.5)),
            )
        )
    marked = points or {"this scenario": p}
    here = pd.DataFrame({"x": [float(getattr(q, x)) for q in marked.values()],
                         "y": [float(q.p_r) for q in marked.values()],
                         "label": [f"{name} ({dsair.zone(q)})" for name, q in marked.items()]})
    layers += [
        alt.Chart(here).mark_point(shape="diamond", size=220, filled=True, color="black",
                                   stroke="white", strokeWidth=1.5, opacity=1)
        .encode(x=x_enc, y=y_enc, tooltip=["label:N"]),
        alt.Chart(here).mark_text(align="left", dx=10, dy=-10, fontSize=12, fontWeight="bold",
                                  stroke="white", strokeWidth=3, strokeOpacity=0.9)
        .encode(x=x_enc, y=y_enc, text="label:N"),
        alt.Chart(here).mark_text(align="left", dx=10, dy=-10, fontSize=12, fontWeight="bold")
        .encode(x=x_enc, y=y_enc, text="label:N"),
    ]
    fixed = _fixed_parameters(p, x)
    named = [f"{name}: {str(dsair.zone(q)).replace('_', ' ')} zone" for name, q in marked.items()]
    title = "; ".join(named)
    title = title[0].upper() + title[1:]
    axes = "speed" if x == "s" else "detection"
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT + 60)
    return themed(chart, title, [subtitle, f"Zones over {axes} and disaster risk: two-lab DSAIR race, "
                                           f"{regime} regime; {fixed}."])


def _regime(p: dsair.DsairParams) -> str:
    prize_per_round = float(p.B) / float(p.W)
    if prize_per_round >= 10 * float(p.b):
        return "early"
    if prize_per_round <= float(p.b) / 10:
        return "late"
    return "intermediate"


def _fixed_parameters(p: dsair.DsairParams, x: str) -> str:
    shown = {"b": p.b, "c": p.c, "s": p.s, "B": p.B, "W": p.W, "p_fo": p.p_fo, "gamma": p.gamma}
    parts = [f"{name} = {float(value):g}" for name, value in shown.items() if name != x]
    return ", ".join(parts) + f", CS vs AU {p.cs_vs_au}"


def disaster_vs_mu_chart(result: dict[str, Any], subtitle: str) -> alt.TopLevelMixin:
    """Closed-form probability of disaster against mu for the three information conditions,
    with the scenario's point and its Monte Carlo estimate (bar: its 95% interval); the title
    ranks the conditions at the scenario's mu."""
    par = result["parameters"]
    teams, mu, enmity = par["teams"], par["mu"], par["enmity"]
    mus = np.linspace(0.02, max(3.0, 2.0 * mu), 150)
    curve = precipice.disaster_curve(mus, teams, enmity)
    curve["information"] = curve["information"].map(INFORMATION_LABELS)
    domain = [INFORMATION_LABELS[i] for i in precipice.INFORMATION]
    colour = alt.Color("information:N", scale=alt.Scale(domain=domain, range=OKABE_ITO[:3]),
                       legend=alt.Legend(title="what teams know", orient="bottom",
                                         direction="vertical", labelLimit=400))
    x = alt.X("mu:Q", title="mu: capability range (higher = skill matters more than corner-cutting)",
              scale=alt.Scale(domain=[0, float(mus[-1])], nice=False))
    y = alt.Y("p_disaster:Q", title="probability of disaster", scale=alt.Scale(domain=[0, 1]),
              axis=alt.Axis(format="%"))
    d = result["disaster_probability"]
    point = pd.DataFrame({
        "mu": [mu, mu],
        "p_disaster": [d["closed_form"], d["monte_carlo"]],
        "estimate": ["this scenario: closed form", "this scenario: simulated races (95% interval)"],
        "low": [d["closed_form"], d["monte_carlo_interval"][0]],
        "high": [d["closed_form"], d["monte_carlo_interval"][1]],
        "information": [INFORMATION_LABELS[par["information"]]] * 2,
    })
    shape = alt.Shape("estimate:N", scale=alt.Scale(domain=list(point["estimate"]),
                                                    range=["circle", "cross"]),
                      legend=alt.Legend(title=None, orient="bottom", direction="vertical",
                                        labelLimit=400))
    chart = alt.layer(
        alt.Chart(curve).mark_line(strokeWidth=2.5).encode(x=x, y=y, color=colour),
        alt.Chart(pd.DataFrame({"mu": [mu]})).mark_rule(color="#777777", strokeDash=[4, 4])
        .encode(x="mu:Q"),
        alt.Chart(point).mark_rule(color="black", strokeWidth=1.5).encode(
            x="mu:Q", y="low:Q", y2="high:Q"),
        alt.Chart(point.iloc[:1]).mark_point(size=320, filled=False, color="black", opacity=1,
                                             strokeWidth=2).encode(
            x=x, y=y, shape=shape,
            tooltip=["estimate:N", alt.Tooltip("p_disaster:Q", format=".4f")]),
        alt.Chart(point.iloc[1:]).mark_point(size=70, filled=True, color="black", opacity=1)
        .encode(x=x, y=y, shape=shape,
                tooltip=["estimate:N", alt.Tooltip("p_disaster:Q", format=".4f")]),
    ).properties(width=WIDTH, height=HEIGHT)
    agreement = "agree" if d["agree"] else "DISAGREE"
    ranked = sorted(result["by_information"].items(), key=lambda item: -item[1])
    title = (f"At mu = {mu:g}, disaster is likeliest with {INFORMATION_WORDS[ranked[0][0]]} "
             f"({ranked[0][1]:.3g}) and least likely with {INFORMATION_WORDS[ranked[-1][0]]} ({ranked[-1][1]:.3g})")
    return themed(
        chart,
        title,
        [
            subtitle,
            f"{teams} teams, enmity {enmity:g}. This scenario ({INFORMATION_LABELS[par['information']]}"
            f"): closed form {d['closed_form']:.4f}, {d['races']:,} simulated races "
            f"{d['monte_carlo']:.4f} ({agreement}: {abs(d['z_score']):.2f} standard errors apart).",
        ],
    )
