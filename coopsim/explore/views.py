"""What the page shows, as JSON: the one-shot verdict and the live model's charts.

The verdict is :func:`coopsim.analyses.oneshot.analyse_with_policies` of the chosen variant, in
the words of `coopsim solve` (:func:`coopsim.analyses.oneshot_text.oneshot_markdown`) and with
the report's expected-payoff chart (:func:`coopsim.charts.oneshot.expected_value_chart`). The
live chart plots, for every round played so far, each lab's share of cooperative choices, its
mean belief that a partner cooperates and the incidents it caused (cumulative), beside the same
measures for all labs together (cooperation_rate, mean_trust and incidents of
:class:`coopsim.abm.LabModel`).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
from markdown_it import MarkdownIt

from coopsim.analyses.oneshot import analyse_with_policies
from coopsim.analyses.headlines import percent
from coopsim.analyses.oneshot_text import class_title, fmt, oneshot_markdown
from coopsim.charts.oneshot import expected_value_chart
from coopsim.charts.theme import LINE_LEGEND, OKABE_ITO, caption, themed
from coopsim.explore.session import Explorer

ALL_LABS = "all labs"
MAX_LAB_LINES = 12  # more labs than this: only the all-labs line (a thousand lines say nothing)
MEASURES = {
    # key in the history: (panel title, y axis title, cumulative)
    "cooperation": ("Cooperation", "share of choices cooperating", False),
    "trust": ("Trust", "belief a partner cooperates", False),
    "incidents": ("Incidents", "incidents caused (cumulative)", True),
}


def verdict(explorer: Explorer) -> dict[str, Any]:
    """The one-shot game of the chosen variant: class, best responses, critical trust, the
    Markdown of `coopsim solve` as HTML, and the expected-payoff-vs-trust chart."""
    scenario = explorer.variant_scenario()
    analysis = analyse_with_policies(scenario)
    labs = [
        {
            "name": lab["name"],
            "trust": lab["trust"],
            "critical_trust": lab["trust_threshold"],
            "best_response": "cooperate" if lab["cooperate_is_best_response"]
            else ("either (indifferent)" if lab["indifferent"] else "defect"),
            "text": f"{lab['name']}: at trust {fmt(lab['trust'])}, "
            + ("cooperating" if lab["cooperate_is_best_response"]
               else "neither action" if lab["indifferent"] else "defecting")
            + " is the best response; critical trust "
            + (fmt(lab["trust_threshold"]) if lab["trust_threshold"] is not None
               else f"none in [0, 1] (cooperation region: {lab['cooperation_region']})"),
        }
        for lab in analysis["labs"]
    ]
    chart = expected_value_chart(analysis, caption(scenario.name, scenario.seed))
    return {
        "game_class": analysis["game_class"],
        "game_class_title": class_title(analysis["game_class_detail"]),
        "equilibria": [e["label"] for e in analysis["equilibria"]],
        "labs": labs,
        "html": MarkdownIt("commonmark", {"html": False}).enable("table").render(oneshot_markdown(analysis, heading_level=3)),
        "chart": chart.to_dict(),
    }


def history_table(explorer: Explorer) -> pd.DataFrame:
    """One row per round x (lab or all labs) x measure; incidents summed over rounds."""
    rows = []
    totals: dict[str, int] = {}
    for record in explorer.history:
        series = {ALL_LABS: record, **record["labs"]}
        for who, values in series.items():
            for measure, (title, _, cumulative) in MEASURES.items():
                value = values[measure]
                if cumulative:
                    totals[who] = value = totals.get(who, 0) + value
                rows.append({"round": record["round"], "who": who, "measure": title, "value": value})
    return pd.DataFrame(rows, columns=["round", "who", "measure", "value"])


def live_chart(explorer: Explorer) -> dict[str, Any]:
    """The three measures over the rounds played so far, a line per lab (up to
    :data:`MAX_LAB_LINES` labs) and a thick black line for all labs, as a Vega-Lite spec."""
    drawn = explorer.labs if len(explorer.labs) <= MAX_LAB_LINES else []
    who = [ALL_LABS, *drawn]
    data = history_table(explorer)
    data = data[data["who"].isin(who)]
    palette = ["#000000", *[OKABE_ITO[i % 7] for i in range(len(drawn))]]
    color = alt.Color("who:N", scale=alt.Scale(domain=who, range=palette), title=None, legend=LINE_LEGEND)
    x = alt.X("round:Q", title="round (counted from 0)", scale=alt.Scale(domain=[0, max(explorer.rounds - 1, 1)], nice=False))
    panels = []
    most_incidents = data.loc[data["measure"] == MEASURES["incidents"][0], "value"].max()
    for title, y_title, cumulative in MEASURES.values():
        # fixed domains: the panels do not jump as rounds arrive, and an empty chart is drawable
        domain = [0, max(1, 0 if pd.isna(most_incidents) else most_incidents)] if cumulative else [0, 1]
        base = alt.Chart(data).transform_filter(alt.datum.measure == title).encode(
            x=x, y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=domain)), color=color,
            tooltip=["who:N", "round:Q", alt.Tooltip("value:Q", format=".3g")],
        )
        # each lab thin, all labs thick and on top
        labs = base.transform_filter(alt.datum.who != ALL_LABS).mark_line(interpolate="step-after", strokeWidth=1.5)
        overall = base.transform_filter(alt.datum.who == ALL_LABS).mark_line(interpolate="step-after", strokeWidth=3)
        panels.append(alt.layer(labs, overall).properties(
            width=215, height=200, title=alt.TitleParams(title, anchor="start", fontSize=13)))
    scenario = explorer.variant_scenario()
    note = f"variant {explorer.variant} · replicate 0, as `coopsim run` seeds it"
    if len(drawn) < len(explorer.labs):
        note += f" · {len(explorer.labs):,} labs: all labs only"
    chart = themed(alt.hconcat(*panels), live_title(explorer), caption(scenario.name, scenario.seed) + " · " + note)
    return chart.to_dict()


def live_title(explorer: Explorer) -> str:
    """What the rounds played so far show, for all labs: the last round's share of cooperating
    choices and mean trust, and the incidents summed over the rounds played."""
    played, total = explorer.round, explorer.rounds
    if not played:
        return f"No rounds played yet (of {total:,})"
    last = explorer.history[-1]
    incidents = sum(record["incidents"] for record in explorer.history)
    share = last["cooperation"]
    cooperation = "no choices" if share != share else f"cooperation {percent(share)}"
    return (f"After {played:,} of {total:,} rounds: {cooperation}, mean trust {fmt(last['trust'], 2)}, "
            f"{incidents:,} incident{'' if incidents == 1 else 's'} so far")


def run_state(explorer: Explorer) -> dict[str, Any]:
    """The live model: rounds played, the scenario's rounds, and the chart."""
    last = explorer.history[-1] if explorer.history else None
    return {
        "round": explorer.round,
        "rounds": explorer.rounds,
        "finished": explorer.finished,
        "variant": explorer.variant,
        "latest": None if last is None else {k: last[k] for k in ("cooperation", "trust", "incidents")},
        "chart": live_chart(explorer),
    }
