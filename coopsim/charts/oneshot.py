"""Charts of the one-shot game: the payoff matrix and expected payoffs against trust."""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from coopsim.charts.theme import HEIGHT, OKABE_ITO, WIDTH, themed


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
        text="payoffs:N"
    )
    chart = (rect + text).properties(width=360, height=240)
    return themed(chart, title or "Payoffs per round", f"{subtitle} · cells: payoffs per round ({row_lab}, {col_lab})")


def expected_value_chart(analysis: dict[str, Any], subtitle: str, title: str | None = None) -> alt.TopLevelMixin:
    """EV(cooperate) and EV(defect) against trust, one panel per kind of lab, on the payoffs the
    lab decides on (its perceived payoffs); the lines cross at the critical trust (red rule) and
    the dashed rule marks the lab's own trust."""
    panels = [_expected_value_panel(lab, len(analysis["labs"])) for lab in analysis["labs"]]
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels)
    crossing = any(lab["trust_threshold"] is not None for lab in analysis["labs"])
    note = " · lines cross at the critical trust (red)" if crossing else " · the lines never cross"
    return themed(chart, title or "Expected payoff of each action against trust",
                  subtitle + note + "; dashed: the lab's own trust")


def _expected_value_panel(lab: dict[str, Any], n_panels: int) -> alt.LayerChart:
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
            strokeDash=[4, 4], color="#555555").encode(x="trust:Q"),
    ]
    if lab["trust_threshold"] is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"critical trust": [lab["trust_threshold"]]}))
            .mark_rule(color=OKABE_ITO[5], strokeWidth=2)
            .encode(x="critical trust:Q")
        )
    width = WIDTH if n_panels == 1 else 320
    perceived = lab["decides_on"] == "perceived payoffs"
    title = (lab["name"] if n_panels > 1 else "") + (" (payoffs as it perceives them)" if perceived else "")
    return alt.layer(*layers).properties(width=width, height=HEIGHT, title=title.strip())
