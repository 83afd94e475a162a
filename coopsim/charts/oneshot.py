"""Charts of the one-shot game: the payoff matrix and expected payoffs against trust."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from coopsim.analyses.headlines import crossing, short_verdict
from coopsim.charts.theme import HEIGHT, OKABE_ITO, WIDTH, themed, variant_label


def payoff_matrix_chart(analysis: dict[str, Any], subtitle: str, title: str | None = None) -> alt.TopLevelMixin:
    """The bimatrix as a grid: each cell shows (row payoff, column payoff), shaded by welfare."""
    A, B = analysis["payoff_matrices"]["row"], analysis["payoff_matrices"]["column"]
    row_lab, col_lab = analysis["row_lab"], analysis["column_lab"]
    actions = ["cooperate", "defect"]
    cells = pd.DataFrame(
        [
            {
                f"{row_lab} action": actions[i],
                f"{col_lab} action": actions[j],
                "payoffs": f"{A[i][j]:.3g}, {B[i][j]:.3g}",
                "welfare (payoff units per round)": A[i][j] + B[i][j],
            }
            for i in range(2)
            for j in range(2)
        ]
    )
    x = alt.X(f"{col_lab} action:N", sort=actions, axis=alt.Axis(orient="top", labelAngle=0))
    y = alt.Y(f"{row_lab} action:N", sort=actions)
    base = alt.Chart(cells).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "welfare (payoff units per round):Q",
            scale=alt.Scale(scheme="blueorange", reverse=True, domainMid=0),
            legend=alt.Legend(title="Welfare: both labs' payoffs per round", titleLimit=400),
        )
    )
    text = base.mark_text(fontSize=18, fontWeight="bold", stroke="white", strokeWidth=0.6).encode(
        text=alt.Text("payoffs:N")
    )
    chart = (rect + text).properties(width=360, height=240)
    return themed(chart, title or "Payoffs per round", f"{subtitle} · cells: payoffs per round ({row_lab}, {col_lab})")


def expected_value_chart(analysis: dict[str, Any], subtitle: str, title: str | None = None) -> alt.TopLevelMixin:
    """EV(cooperate) and EV(defect) against trust, one panel per kind of lab, on the payoffs the
    lab decides on (its perceived payoffs); the lines cross at the critical trust (red rule) and
    the dashed rule marks the lab's own trust."""
    panels = [_expected_value_panel(lab, len(analysis["labs"])) for lab in analysis["labs"]]
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels)
    crosses = any(crossing(lab) is not None for lab in analysis["labs"])
    note = " · lines cross at the critical trust (red)" if crosses else " · the lines never cross for trust in [0, 1]"
    return themed(chart, title or "Expected payoff of each action against trust",
                  subtitle + note + "; dashed: the lab's own trust")


def _expected_value_panel(lab: dict[str, Any], n_panels: int, width: int | None = None,
                          height: int = HEIGHT, title: str | None = None) -> alt.LayerChart:
    """EV(cooperate) and EV(defect) of one kind of lab against trust on the payoffs it decides
    on, its own trust (dashed) and, only where the lines cross inside [0, 1], the critical trust."""
    trust = np.linspace(0.0, 1.0, 101)
    p = lab["decision_payoffs"]
    lines_data = pd.concat(
        [
            pd.DataFrame({"action": action, "trust": trust,
                          "expected payoff per round": trust * high + (1 - trust) * low})
            for action, high, low in (("cooperate", p["R"], p["S"]), ("defect", p["T"], p["P"]))
        ],
        ignore_index=True,
    )
    color = alt.Color("action:N", scale=alt.Scale(domain=["cooperate", "defect"], range=OKABE_ITO[:2]),
                      legend=alt.Legend(title="Lab's action"))
    x = alt.X("trust:Q", title="Trust (belief that the other lab cooperates)",
              scale=alt.Scale(domain=[0, 1]))
    layers = [
        alt.Chart(lines_data).mark_line(strokeWidth=2.5).encode(
            x=x, y=alt.Y("expected payoff per round:Q", title="Expected payoff per round"),
            color=color,
        ),
        alt.Chart(pd.DataFrame({"trust": [lab["trust"]]})).mark_rule(
            strokeDash=[4, 4], color="#555555").encode(x=alt.X("trust:Q")),
    ]
    if (critical := crossing(lab)) is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"critical trust": [critical]}))
            .mark_rule(color=OKABE_ITO[5], strokeWidth=2)
            .encode(x=alt.X("critical trust:Q"))
        )
    if width is None:
        width = WIDTH if n_panels == 1 else 320
    if title is None:
        perceived = lab["decides_on"] == "perceived payoffs"
        title = (lab["name"] if n_panels > 1 else "") + (" (payoffs as it perceives them)" if perceived else "")
    return alt.layer(*layers).properties(width=width, height=height, title=title.strip())


def policy_changes_the_game(analysis: dict[str, Any]) -> bool:
    """Whether some variant's expected game (policy and incidents in force) differs from the
    stage game for some kind of lab: only then is a chart per variant worth drawing."""
    base = [lab["decision_payoffs"] for lab in analysis["labs"]]
    return any([lab["decision_payoffs"] for lab in game["labs"]] != base
               for game in analysis.get("policy", {}).values())


def policy_expected_value_chart(analysis: dict[str, Any], subtitle: str, title: str) -> alt.TopLevelMixin:
    """The expected-payoff chart of every variant's expected game (one row per variant, one
    column per kind of lab; with one kind, the variants side by side, three to a row): where a policy moves the critical trust, the lines cross elsewhere;
    a panel whose lines do not cross inside [0, 1] has no critical-trust rule and says so."""
    rows = []
    for name, game in analysis["policy"].items():
        panels = []
        for lab in game["labs"]:
            head = variant_label(name) + (f" · {lab['name']}" if len(game["labs"]) > 1 else "")
            critical = crossing(lab)
            words = short_verdict(lab) + ("" if critical is not None else " (the lines do not cross)")
            panel_title = alt.TitleParams(head, subtitle=words,
                                          anchor="start", fontSize=13, subtitleFontSize=11)
            panels.append(_expected_value_panel(lab, 2, width=260, height=170, title="")
                          .properties(title=panel_title))
        rows.append(panels)
    if all(len(panels) == 1 for panels in rows):  # one kind of lab: the variants side by side
        chart = alt.concat(*[panels[0] for panels in rows], columns=3)
    else:  # a row per variant, a column per kind of lab
        chart = alt.vconcat(*[panels[0] if len(panels) == 1 else alt.hconcat(*panels) for panels in rows])
    chart = chart.resolve_scale(y="shared")  # payoffs compare across variants at a glance
    return themed(chart, title, subtitle + " · each variant's expected game while its interventions are in "
                  "force · red: critical trust; dashed: the lab's own trust")
