"""Charts of evolutionary dynamics: where a population spends its time and how it moves there.

Pure builders: an ``evolve`` result (see :func:`coopsim.analyses.evolution.evolve`) in, a themed chart out.

* :func:`stationary_invasion_chart` -- stationary distribution as bars, beside the invasion
  diagram: strategies as nodes, one arrow per pair pointing the way selection favours, labelled
  with the fixation probability in units of 1/Z (1 = neutral drift);
* :func:`replicator_chart` -- infinite-population replicator dynamics from equal shares;
* :func:`variant_stationary_chart` -- the stationary distribution of every variant.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from coopsim.charts.theme import HEIGHT, OKABE_ITO, WIDTH, themed, variant_label

DIAGRAM_SIZE = 340  # px, square so that arrowhead angles match the drawn lines
DIAGRAM_EXTENT = 1.7  # data units either side of the centre
NODE_SIZE = 3400  # px^2 (radius ~33 px)
NEUTRAL_TOLERANCE = 1e-9  # |log10 difference| below which a pair counts as neutral


def strategy_scale(strategies: list[str]) -> alt.Scale:
    """The same colour for the same strategy in every chart: the strategy's own ``colour``
    (:func:`coopsim.abm.race.population_strategies`), else an unused Okabe-Ito colour."""
    from coopsim.abm.race import population_strategies

    known = {name: cls.colour for name, cls in population_strategies().items()}
    taken = {known[s] for s in strategies if s in known}
    extra = iter(c for c in OKABE_ITO if c not in taken)
    return alt.Scale(domain=list(strategies), range=[known.get(s) or next(extra) for s in strategies])


def rho_label(log10_units: float) -> str:
    """'65.3' or '5.4e-87': rho times Z, from its log10 (exact even when rho underflows)."""
    if -2 < log10_units < 4:
        return f"{10 ** log10_units:.3g}"
    exponent = math.floor(log10_units)
    mantissa = 10 ** (log10_units - exponent)
    if round(mantissa, 1) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    return f"{mantissa:.2g}e{exponent}"


def _settings_line(result: dict[str, Any]) -> str:
    return (
        f"Z = {result['population']} labs, selection intensity β = "
        f"{result['selection_intensity']:g}, small-mutation limit"
    )


def _node_positions(n: int) -> np.ndarray:
    if n == 2:
        return np.array([[-1.0, 0.0], [1.0, 0.0]])
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n  # first at the top, then clockwise
    return np.column_stack([np.cos(angles), np.sin(angles)])


def invasion_edges(result: dict[str, Any]) -> pd.DataFrame:
    """One row per pair: the favoured direction, its rho*Z (log10) and how to draw it."""
    names = result["strategies"]
    logs = result["log10_fixation_neutral_units"]
    rows = []
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            forward, backward = logs[f"{a}->{b}"], logs[f"{b}->{a}"]
            neutral = abs(forward - backward) < NEUTRAL_TOLERANCE
            source, target = (a, b) if forward >= backward else (b, a)
            value = max(forward, backward)
            if neutral:
                kind = "neutral (no direction favoured)"
            elif value > 0:
                kind = "favoured: faster than neutral drift"
            else:
                kind = "favoured direction, but slower than neutral drift"
            rows.append({
                "source": source, "target": target, "log10": value, "kind": kind,
                "label": ("ρ = 1/Z both ways" if neutral and abs(value) < 1e-9
                          else f"ρ = {rho_label(value)}/Z"),
                "detail": f"{a}→{b}: {rho_label(forward)}/Z · {b}→{a}: {rho_label(backward)}/Z",
            })
    return pd.DataFrame(rows)


def invasion_diagram(result: dict[str, Any]) -> alt.LayerChart:
    """Strategies as nodes on a circle (a line for two); for each pair an arrow from the resident
    to the invader that selection favours, labelled with its fixation probability in units of
    1/Z. Node colour: the stationary share."""
    names = result["strategies"]
    position = dict(zip(names, _node_positions(len(names))))
    edges = invasion_edges(result)
    node_gap = 0.36  # data units between a node's centre and an arrow's end
    lines, heads, labels = [], [], []
    for edge in edges.itertuples():
        start, end = position[edge.source], position[edge.target]
        direction = (end - start) / np.linalg.norm(end - start)
        tail, tip = start + direction * node_gap, end - direction * node_gap
        lines.append({"x": tail[0], "y": tail[1], "x2": tip[0], "y2": tip[1],
                      "kind": edge.kind, "detail": edge.detail})
        if not edge.kind.startswith("neutral"):
            head = tip - direction * 0.06
            angle = (90 - math.degrees(math.atan2(direction[1], direction[0]))) % 360
            heads.append({"x": head[0], "y": head[1], "angle": angle, "kind": edge.kind,
                          "detail": edge.detail})
        middle = (start + end) / 2
        normal = np.array([-direction[1], direction[0]])
        outward = middle if np.linalg.norm(middle) > 1e-9 else np.array([0.0, 1.0])
        if normal @ outward < 0:
            normal = -normal
        spot = middle + normal * 0.17
        labels.append({"x": spot[0], "y": spot[1], "label": edge.label, "detail": edge.detail,
                       "angle": _text_angle(direction)})
    kinds = [
        "favoured: faster than neutral drift",
        "favoured direction, but slower than neutral drift",
        "neutral (no direction favoured)",
    ]
    kind_scale = alt.Scale(domain=kinds, range=["#222222", "#999999", "#999999"])
    kind_colour = alt.Color(
        "kind:N",
        scale=kind_scale,
        legend=alt.Legend(title="Arrow", orient="bottom", direction="vertical", titleOrient="left"),
    )
    dash = alt.StrokeDash(
        "kind:N", scale=alt.Scale(domain=kinds, range=[[1, 0], [6, 3], [2, 3]]), legend=None
    )
    extent = [-DIAGRAM_EXTENT, DIAGRAM_EXTENT]
    x = alt.X("x:Q", scale=alt.Scale(domain=extent, nice=False), axis=None)
    nodes = pd.DataFrame({
        "x": [position[s][0] for s in names],
        "y": [position[s][1] for s in names],
        "strategy": names,
        "share": [result["stationary"][s] for s in names],
        "share_text": [f"{result['stationary'][s]:.0%} of time" for s in names],
        "meaning": [result["strategy_meanings"][s] for s in names],
    })
    nodes["share_y"] = np.where(nodes["y"] > 0.1, nodes["y"] + 0.5, nodes["y"] - 0.5)
    # Equal data units per pixel on both axes, so arrowheads point along their lines.
    y_extent = [float(nodes["y"].min()) - 0.75, float(nodes["y"].max()) + 0.7]
    if len(names) == 2:
        y_extent = [-0.85, 0.45]
    height = round(DIAGRAM_SIZE * (y_extent[1] - y_extent[0]) / (2 * DIAGRAM_EXTENT))
    y = alt.Y("y:Q", scale=alt.Scale(domain=y_extent, nice=False), axis=None)
    layers = [
        alt.Chart(pd.DataFrame(lines)).mark_rule(strokeWidth=2.5).encode(
            x=x, y=y, x2="x2:Q", y2="y2:Q", color=kind_colour, strokeDash=dash,
            tooltip=alt.Tooltip("detail:N", title="fixation"),
        ),
    ]
    if heads:
        layers.append(
            alt.Chart(pd.DataFrame(heads)).mark_point(
                shape="triangle", filled=True, size=260, opacity=1
            ).encode(x=x, y=y, angle=alt.Angle("angle:Q", scale=None),
                     color=alt.Color("kind:N", scale=kind_scale, legend=None),
                     tooltip=alt.Tooltip("detail:N", title="fixation"))
        )
    layers += [
        alt.Chart(pd.DataFrame(labels)).mark_text(fontSize=12, fontWeight="bold").encode(
            x=x, y=y, text="label:N", angle=alt.Angle("angle:Q", scale=None),
            tooltip=alt.Tooltip("detail:N", title="fixation"),
        ),
        alt.Chart(nodes).mark_circle(size=NODE_SIZE, opacity=1, stroke="#333333", strokeWidth=1.5)
        .encode(
            x=x, y=y,
            color=alt.Color("strategy:N", scale=strategy_scale(names), legend=None),
            tooltip=["strategy:N", "meaning:N", alt.Tooltip("share:Q", format=".1%")],
        ),
        alt.Chart(nodes).mark_text(fontSize=15, fontWeight="bold", color="white").encode(
            x=x, y=y, text="strategy:N"
        ),
        alt.Chart(nodes).mark_text(fontSize=12, color="#333333").encode(
            x=x, y=alt.Y("share_y:Q", scale=alt.Scale(domain=y_extent, nice=False), axis=None),
            text="share_text:N",
        ),
    ]
    return alt.layer(*layers).resolve_scale(color="independent").properties(
        width=DIAGRAM_SIZE, height=height,
        title=alt.TitleParams("How selection moves the population", fontSize=13,
                              anchor="middle"),
    )


def _text_angle(direction: np.ndarray) -> float:
    """Rotation (clockwise degrees) that lays text along a line, never upside down."""
    degrees = -math.degrees(math.atan2(direction[1], direction[0]))
    if degrees > 90:
        degrees -= 180
    elif degrees < -90:
        degrees += 180
    return degrees % 360


def stationary_bars(result: dict[str, Any]) -> alt.LayerChart:
    """The stationary distribution: share of time the population spends in each strategy."""
    names = result["strategies"]
    data = pd.DataFrame({
        "strategy": names,
        "share": [result["stationary"][s] for s in names],
        "meaning": [result["strategy_meanings"][s] for s in names],
    })
    data["text"] = [f"{v:.1%}" if v >= 0.001 else f"{v:.1e}".replace("e-0", "e-") for v in data["share"]]
    y = alt.Y("strategy:N", sort=names, title=None, axis=alt.Axis(labelFontSize=14))
    x = alt.X("share:Q", title="Share of time spent in the strategy",
              scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", tickCount=5))
    bars = alt.Chart(data).mark_bar(height=26).encode(
        x=x, y=y, color=alt.Color("strategy:N", scale=strategy_scale(names), legend=None),
        tooltip=["strategy:N", "meaning:N", alt.Tooltip("share:Q", format=".2%")],
    )
    text = alt.Chart(data).mark_text(align="left", dx=4, fontSize=12).encode(
        x=x, y=y, text="text:N"
    )
    return (bars + text).properties(
        width=230, height=max(90, 48 * len(names)),
        title=alt.TitleParams("Share of time in each strategy", fontSize=13, anchor="middle"),
    )


def stationary_invasion_chart(result: dict[str, Any], subtitle: str, title: str) -> alt.TopLevelMixin:
    """Stationary distribution bars beside the invasion diagram."""
    chart = alt.hconcat(stationary_bars(result), invasion_diagram(result), spacing=30)
    return themed(
        chart,
        title,
        [
            subtitle,
            _settings_line(result) + ".",
            "Arrows point from the resident strategy to the invader that selection favours;",
            "ρ = probability that one invader takes over (1/Z = neutral drift).",
        ],
    ).configure_legend(labelLimit=400)


def replicator_chart(result: dict[str, Any], subtitle: str, title: str) -> alt.TopLevelMixin:
    """Strategy shares over time under the replicator dynamics (infinite population)."""
    rep = result["replicator"]
    names = result["strategies"]
    data = pd.concat(
        [pd.DataFrame({"time": rep["time"], "share": rep["shares"][s], "strategy": s})
         for s in names],
        ignore_index=True,
    )
    chart = alt.Chart(data).mark_line(strokeWidth=2.5).encode(
        x=alt.X("time:Q", title="Time (arbitrary units; payoff differences set the pace)",
                scale=alt.Scale(nice=False)),
        y=alt.Y("share:Q", title="Share of the population", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("strategy:N", scale=strategy_scale(names),
                        legend=alt.Legend(title="Strategy")),
        strokeDash=alt.StrokeDash("strategy:N", legend=None),
    ).properties(width=WIDTH, height=HEIGHT)
    return themed(
        chart,
        title,
        [subtitle, "Starting from equal shares; no mutation, selection only. Strategies that "
         "earn the same against everyone present (e.g. AS and CS) move together."],
    )


def variant_stationary_chart(result: dict[str, Any], subtitle: str, title: str) -> alt.TopLevelMixin:
    """Each variant's stationary distribution as one stacked bar."""
    names = result["strategies"]
    labels = {
        v: f"{variant_label(v)} ({r['zone']})" if r.get("zone") else variant_label(v)
        for v, r in result["variants"].items()
    }
    variants = list(labels.values())
    rows = [
        {"variant": labels[v], "strategy": s, "share": r["stationary"].get(s, 0.0),
         "order": names.index(s)}
        for v, r in result["variants"].items() for s in names
    ]
    data = pd.DataFrame(rows)
    data["text"] = [f"{x:.0%}" if x >= 0.06 else "" for x in data["share"]]
    base = alt.Chart(data).encode(
        y=alt.Y("variant:N", sort=variants, title=None, axis=alt.Axis(labelFontSize=13)),
        x=alt.X("share:Q", stack="zero", title="Share of time spent in the strategy",
                scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        order=alt.Order("order:Q"),
    )
    bars = base.mark_bar(height=28).encode(
        color=alt.Color("strategy:N", scale=strategy_scale(names), sort=names,
                        legend=alt.Legend(title="Strategy")),
        tooltip=[alt.Tooltip("variant:N", title="Variant"), alt.Tooltip("strategy:N", title="Strategy"),
                 alt.Tooltip("share:Q", format=".2%", title="Share of time")],
    )
    text = base.mark_text(color="white", fontWeight="bold", dx=-4, align="right").encode(
        text="text:N"
    )
    chart = (bars + text).properties(width=WIDTH, height=max(80, 44 * len(variants)))
    return themed(
        chart,
        title,
        [subtitle, _settings_line(result) + "."],
    )
