"""Altair chart builders: pure functions, data in and a themed chart out.

Every chart carries the project theme: readable fonts, the Okabe-Ito colour-blind-safe palette, a
title that states the question, axis titles with units, and a caption naming scenario and seed.
Variants keep the same colour in every chart (`variant_scale`).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 520, 300


def caption(scenario_name: str, seed: int) -> str:
    """The provenance line under every chart title."""
    return f"Scenario: {scenario_name} · seed {seed} · coopsim"


def themed(chart: alt.TopLevelMixin, title: str, subtitle: str) -> alt.TopLevelMixin:
    """Apply the project theme and a title/caption to a top-level chart."""
    return (
        chart.properties(title=alt.TitleParams(text=title, subtitle=subtitle, anchor="start"))
        .configure(font=FONT, background="white")
        .configure_title(fontSize=16, subtitleFontSize=11, subtitleColor="#555555", offset=10)
        .configure_axis(labelFontSize=12, titleFontSize=13, gridColor="#e6e6e6")
        .configure_legend(labelFontSize=12, titleFontSize=12, orient="bottom")
        .configure_range(category=OKABE_ITO)
        .configure_view(strokeWidth=0)
    )


def variant_scale(variants: list[str]) -> alt.Scale:
    """The same colour for the same variant in every chart (order of the scenario)."""
    return alt.Scale(domain=list(variants), range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(variants))])


# --------------------------------------------------------------------------- one-shot charts


def payoff_matrix_chart(analysis: dict[str, Any], subtitle: str) -> alt.TopLevelMixin:
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
            legend=alt.Legend(title="welfare: both labs' payoffs per round", titleLimit=400),
        )
    )
    text = base.mark_text(fontSize=18, fontWeight="bold", stroke="white", strokeWidth=0.6).encode(
        text="payoffs:N"
    )
    chart = (rect + text).properties(width=360, height=240)
    return themed(chart, f"What does each lab earn per round? ({row_lab}, {col_lab})", subtitle)


def expected_value_chart(analysis: dict[str, Any], subtitle: str) -> alt.TopLevelMixin:
    """EV(cooperate) and EV(defect) against trust, one panel per kind of lab; the lines cross at
    the critical trust (red rule) and the dashed rule marks the lab's own trust."""
    panels = [_expected_value_panel(lab, len(analysis["labs"])) for lab in analysis["labs"]]
    chart = panels[0] if len(panels) == 1 else alt.hconcat(*panels)
    return themed(
        chart,
        "How much trust makes responsible development pay?",
        subtitle + " · lines cross at the critical trust (red); dashed: the lab's own trust",
    )


def _expected_value_panel(lab: dict[str, Any], n_panels: int) -> alt.LayerChart:
    trust = np.linspace(0.0, 1.0, 101)
    p = lab["payoffs"]
    lines_data = pd.concat(
        [
            pd.DataFrame({"action": action, "trust": trust,
                          "expected payoff per round": trust * high + (1 - trust) * low})
            for action, high, low in (("cooperate", p["R"], p["S"]), ("defect", p["T"], p["P"]))
        ],
        ignore_index=True,
    )
    color = alt.Color("action:N", scale=alt.Scale(domain=["cooperate", "defect"], range=OKABE_ITO[:2]),
                      legend=alt.Legend(title="lab's action"))
    x = alt.X("trust:Q", title="trust: believed probability the other lab cooperates",
              scale=alt.Scale(domain=[0, 1]))
    layers = [
        alt.Chart(lines_data).mark_line(strokeWidth=2.5).encode(
            x=x, y=alt.Y("expected payoff per round:Q", title="expected payoff (per round)"),
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
    return alt.layer(*layers).properties(width=width, height=HEIGHT, title=lab["name"] if n_panels > 1 else "")
