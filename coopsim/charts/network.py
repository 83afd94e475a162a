"""Charts of labs on networks: cooperation by degree class, and the network drawn with each lab
coloured by its long-run cooperation (networkx spring-layout positions, drawn by Altair). Titles
state the finding (:func:`coopsim.analyses.networks.degree_headline` and ``structure_headline``);
the subtitle keeps the question, scenario and seed."""

from __future__ import annotations

import altair as alt
import pandas as pd

from coopsim.charts.dynamics import VARIANT_TITLE
from coopsim.charts.theme import HEIGHT, WIDTH, themed, variant_label, variant_scale

COOPERATION_SCALE = alt.Scale(domain=[0, 1], scheme="viridis")
COOPERATION_TITLE = "Long-run cooperation (share of choices)"
DEGREE_TITLE = "Degree (number of neighbours)"
LABELLED_LABS = 30
PANEL = 300  # side of one network panel when several variants are drawn (two per row)


def degree_class_chart(degree_table: pd.DataFrame, variants: list[str], subtitle: str,
                       title: str) -> alt.TopLevelMixin:
    """Bars: mean long-run cooperation of the labs in each degree class, per variant."""
    order = degree_table.sort_values("lowest_degree")["degree_class"].drop_duplicates().tolist()
    data = degree_table.assign(variant=degree_table["variant"].map(variant_label)).rename(
        columns={"degree_class": "neighbours", "long_run_cooperation": "cooperation"})
    variants = [variant_label(v) for v in variants]
    x = alt.X("neighbours:N", sort=order, title="Number of neighbours", axis=alt.Axis(labelAngle=0))
    offset = alt.XOffset("variant:N", sort=list(variants))
    y = alt.Y("cooperation:Q", title=COOPERATION_TITLE, scale=alt.Scale(domain=[0, 1]))
    bars = alt.Chart(data).mark_bar().encode(
        x=x, xOffset=offset, y=y,
        color=alt.Color("variant:N", scale=variant_scale(variants), title=VARIANT_TITLE),
        tooltip=[alt.Tooltip("variant:N", title=VARIANT_TITLE),
                 alt.Tooltip("neighbours:N", title="Neighbours"), alt.Tooltip("labs:Q", title="Labs"),
                 alt.Tooltip("cooperation:Q", format=".1%", title="Long-run cooperation")],
    )
    # Each bar's value above it: a share of 0 is a result, and without its label it would not show.
    values = alt.Chart(data).mark_text(dy=-6, fontSize=10, color="#333333").encode(
        x=x, xOffset=offset, y=y, text=alt.Text("cooperation:Q", format=".0%"))
    chart = alt.layer(bars, values).properties(width=WIDTH, height=HEIGHT)
    return themed(chart, title, subtitle + " · bars: mean over the class's labs and the replicates")


def network_drawing_chart(network_labs: pd.DataFrame, edges: pd.DataFrame, variants: list[str],
                          subtitle: str, title: str) -> alt.TopLevelMixin:
    """The network of each drawable variant: links as thin lines, labs as dots sized by degree
    and coloured by long-run cooperation; several variants two panels to a row."""
    labs_all = network_labs.rename(columns={"long_run_cooperation": "cooperation"})
    drawn = [v for v in variants if labs_all[(labs_all["variant"] == v) & labs_all["x"].notna()].size]
    side = WIDTH if len(drawn) == 1 else PANEL
    panels = []
    for variant in drawn:
        labs = labs_all[(labs_all["variant"] == variant) & labs_all["x"].notna()]
        where = labs.set_index("lab")[["x", "y"]]
        links = edges[edges["variant"] == variant]
        links = links.join(where, on="source").join(where.rename(columns={"x": "x2", "y": "y2"}), on="target")
        x, y = alt.X("x:Q", axis=None), alt.Y("y:Q", axis=None)
        lines = alt.Chart(links).mark_rule(color="#bbbbbb", strokeWidth=0.7).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
        dots = alt.Chart(labs).mark_circle(opacity=0.95, stroke="#333333", strokeWidth=0.4).encode(
            x=x, y=y,
            color=alt.Color("cooperation:Q", scale=COOPERATION_SCALE, title=COOPERATION_TITLE,
                            legend=alt.Legend(titleLimit=400)),
            size=alt.Size("degree:Q", title=DEGREE_TITLE, scale=alt.Scale(range=[20, 400 * side / WIDTH])),
            tooltip=[alt.Tooltip("lab:N", title="Lab"), alt.Tooltip("kind:N", title="Kind of lab"),
                     alt.Tooltip("degree:Q", title="Neighbours"),
                     alt.Tooltip("cooperation:Q", format=".1%", title="Long-run cooperation")],
        )
        layers = lines + dots
        if len(labs) <= LABELLED_LABS:  # small networks: name every lab
            layers += alt.Chart(labs).mark_text(dy=-12, fontSize=11, color="#333333").encode(x=x, y=y, text="lab:N")
        panels.append(layers.properties(width=side, height=side, title=variant_label(variant)))
    chart = panels[0] if len(panels) == 1 else alt.concat(*panels, columns=2)
    return themed(chart, title, subtitle + "\ncolour: each lab's long-run cooperation (mean over replicates)"
                                           " · size: its number of neighbours")


RACE_PANEL = 150  # width of one variant's panel of the race on a network (three to a row)
ALL_LABS = "all labs"


def race_degree_chart(result: dict, subtitle: str, title: str) -> alt.TopLevelMixin:
    """The DSAIR race on a network (:func:`coopsim.games.dsair_network.network_race_dynamics`):
    per variant, stacked bars of each strategy's long-run share of the labs in each degree class
    (and of all labs), with a dashed rule where a well-mixed population from half AS ends (Eq. 2;
    AS is the bottom of the stack, so the rule reads against its bar)."""
    from coopsim.charts.evolution import strategy_scale

    strategies = result["strategies"]
    rows, references = [], []
    for name, v in result["variants"].items():
        classes = [(ALL_LABS, None, {s: v["long_run"][s]["mean"] for s in strategies})]
        classes += [(c["degree_class"], c["labs"], c["shares"]) for c in v["by_degree"]["classes"]]
        rows += [{"variant": variant_label(name), "neighbours": label, "labs": labs, "strategy": s,
                  "order": k, "share": shares[s]}
                 for label, labs, shares in classes for k, s in enumerate(strategies)]
        if (w := v["well_mixed"]) is not None and w["end"] is not None:
            references.append({"variant": variant_label(name), "share": w["end"],
                               "text": f"well mixed (Eq. 2): {w['end']:.0%} {strategies[0]}"})
    data = pd.DataFrame(rows)
    order = [ALL_LABS] + [c for c in data["neighbours"].drop_duplicates() if c != ALL_LABS]
    x = alt.X("neighbours:N", sort=order, title="Number of neighbours",
              axis=alt.Axis(labelAngle=-45))
    y = {"title": "Long-run share of labs", "scale": alt.Scale(domain=[0, 1]), "axis": alt.Axis(format="%")}
    panels = []
    for index, variant in enumerate(dict.fromkeys(data["variant"])):
        own = data[data["variant"] == variant]
        if index % 3:  # the row's first panel names the axis
            y = {**y, "title": None}
        else:
            y = {**y, "title": "Long-run share of labs"}
        layers = [alt.Chart(own).mark_bar().encode(
            x=x, y=alt.Y("share:Q", stack="zero", **y),
            color=alt.Color("strategy:N", scale=strategy_scale(strategies), sort=strategies,
                            legend=alt.Legend(title="Strategy")),
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("neighbours:N", title="Neighbours"), alt.Tooltip("labs:Q", title="Labs"),
                     alt.Tooltip("strategy:N", title="Strategy"),
                     alt.Tooltip("share:Q", format=".1%", title="Long-run share")])]
        reference = pd.DataFrame([r for r in references if r["variant"] == variant])
        if not reference.empty:
            layers.append(alt.Chart(reference).mark_rule(strokeDash=[5, 4], color="#222222", strokeWidth=1.5)
                          .encode(y=alt.Y("share:Q", **y)))
            layers.append(alt.Chart(reference).mark_text(align="left", x=2, dy=-7, fontSize=10, color="#222222")
                          .encode(y=alt.Y("share:Q", **y), text="text:N"))
        panels.append(alt.layer(*layers).properties(width=RACE_PANEL, height=HEIGHT - 60, title=variant))
    chart = alt.concat(*panels, columns=3) if len(panels) > 1 else panels[0]
    return themed(chart, title, subtitle + "\nbars: each strategy's share of long-run generations, mean over the"
                                           " class's labs and the replicates · dashed: where a well-mixed"
                                           " population from half AS ends")
