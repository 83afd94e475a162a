"""Charts of labs on networks: cooperation by degree class, and the network drawn with each lab
coloured by its long-run cooperation (networkx spring-layout positions, drawn by Altair)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.charts.theme import HEIGHT, WIDTH, themed, variant_label, variant_scale

COOPERATION_SCALE = alt.Scale(domain=[0, 1], scheme="viridis")
LABELLED_LABS = 30


def degree_class_chart(degree_table: pd.DataFrame, variants: list[str], subtitle: str) -> alt.TopLevelMixin:
    """Bars: mean long-run cooperation of the labs in each degree class, per variant."""
    order = degree_table.sort_values("lowest_degree")["degree_class"].drop_duplicates().tolist()
    degree_table = degree_table.assign(variant=degree_table["variant"].map(variant_label))
    variants = [variant_label(v) for v in variants]
    chart = alt.Chart(degree_table).mark_bar().encode(
        x=alt.X("degree_class:N", sort=order, title="degree class (number of neighbours)",
                axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("variant:N", sort=list(variants)),
        y=alt.Y("long_run_cooperation:Q", title="long-run cooperation (share of choices)",
                scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("variant:N", scale=variant_scale(variants), title="variant"),
        tooltip=["variant:N", "degree_class:N", "labs:Q",
                 alt.Tooltip("long_run_cooperation:Q", format=".1%")],
    ).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, "Do well-connected labs cooperate more?", subtitle)


def network_drawing_chart(network_labs: pd.DataFrame, edges: pd.DataFrame, variants: list[str],
                          subtitle: str) -> alt.TopLevelMixin:
    """The network of each drawable variant: links as thin lines, labs as dots sized by degree
    and coloured by long-run cooperation."""
    panels = []
    for variant in variants:
        labs = network_labs[(network_labs["variant"] == variant) & network_labs["x"].notna()]
        if labs.empty:
            continue
        where = labs.set_index("lab")[["x", "y"]]
        links = edges[edges["variant"] == variant]
        links = links.join(where, on="source").join(where.rename(columns={"x": "x2", "y": "y2"}), on="target")
        axis = dict(axis=None)
        lines = alt.Chart(links).mark_rule(color="#bbbbbb", strokeWidth=0.7).encode(
            x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis), x2="x2:Q", y2="y2:Q"
        )
        dots = alt.Chart(labs).mark_circle(opacity=0.95, stroke="#333333", strokeWidth=0.4).encode(
            x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis),
            color=alt.Color("long_run_cooperation:Q", scale=COOPERATION_SCALE,
                            title="long-run cooperation"),
            size=alt.Size("degree:Q", title="degree", scale=alt.Scale(range=[20, 400])),
            tooltip=["lab:N", "kind:N", "degree:Q", alt.Tooltip("long_run_cooperation:Q", format=".1%")],
        )
        layers = lines + dots
        if len(labs) <= LABELLED_LABS:  # small networks: name every lab
            layers += alt.Chart(labs).mark_text(dy=-12, fontSize=11, color="#333333").encode(
                x=alt.X("x:Q", **axis), y=alt.Y("y:Q", **axis), text="lab:N"
            )
        panels.append(layers.properties(width=WIDTH, height=WIDTH, title=variant_label(variant)))
    chart = alt.vconcat(*panels) if len(panels) > 1 else panels[0]
    return themed(chart, "Who cooperates in the network?", subtitle)
