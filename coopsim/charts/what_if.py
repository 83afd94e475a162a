"""The "what if" panel: the one-shot game with sliders, evaluated by Vega in the page.

Five Vega-Lite parameters bound to sliders (trust tau and the four payoff factors, starting from
the row lab's values) drive closed-form expressions, so the chart updates with no server:

    S = -exposure, P = -shared_downside
    EV(C) = tau R + (1 - tau) S          EV(D) = tau T + (1 - tau) P
    K = (R - T) - (S - P);  critical trust tau* = (P - S) / K  (drawn when 0 <= tau* <= 1)

and the game class from the payoff order, as in :func:`coopsim.theory.stage_game.classify`:
prisoner's dilemma T > R > P > S, stag hunt R > T and P > S, chicken T > R and S > P, harmony
R > T and S > P, deadlock T > R, P > S, P > R; a tie that decides the class is a boundary case.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from coopsim.analyses.oneshot_text import CLASS_TITLES, fmt
from coopsim.charts.theme import OKABE_ITO, WIDTH, themed
from coopsim.theory.stage_game import Payoffs, classify_payoffs, expected_values, trust_verdict

# (parameter, slider label, factor key in lab["factors"])
SLIDERS = (
    ("tau", "trust ", "trust"),
    ("R", "shared upside R ", "shared_upside"),
    ("T", "advantage T ", "advantage"),
    ("exposure", "exposure (S = -exposure) ", "exposure"),
    ("downside", "shared downside (P = -downside) ", "shared_downside"),
)
# Vega reserves some capitals as constants (E is Euler's number), hence the lower-case names.
S_EXPR, P_EXPR = "(-exposure)", "(-downside)"
K_EXPR = f"((R - T) - ({S_EXPR} - {P_EXPR}))"
CRITICAL_EXPR = f"({K_EXPR} != 0 ? ({P_EXPR} - {S_EXPR}) / {K_EXPR} : NaN)"


def _class_expression() -> str:
    """A Vega expression naming the game class (the readable titles of oneshot_text)."""
    S, P = S_EXPR, P_EXPR
    cases = [
        (f"R == T || {S} == {P} || (T > R && {P} > {S} && R == {P})", "boundary case (payoffs tie)"),
        (f"T > R && {P} > {S} && R > {P}", CLASS_TITLES["prisoners_dilemma"]),
        (f"T > R && {P} > {S} && {P} > R", CLASS_TITLES["deadlock"]),
        (f"R > T && {P} > {S}", CLASS_TITLES["stag_hunt"]),
        (f"T > R && {S} > {P}", CLASS_TITLES["chicken"]),
    ]
    expression = repr(CLASS_TITLES["harmony"])
    for condition, title in reversed(cases):
        expression = f"({condition}) ? {title!r} : {expression}"
    return expression


def _slider_range(factor: str, value: float) -> tuple[float, float, float]:
    if factor == "trust":
        return 0.0, 1.0, 0.01
    span = max(10.0, 2.0 * abs(value))
    low = 0.0 if factor in ("exposure", "shared_downside") or value >= 0 else -span
    return low, float(np.ceil(span)), 0.1


def verdict_title(factors: dict[str, float], trust: float) -> str:
    """What the panel shows at its starting values (the scenario's): which action pays more at
    the lab's trust, by how much, where the critical trust lies, and the game class, e.g.
    'Defecting pays more at trust 0.8 (3.8 against 2 for cooperating); no level of trust changes
    that in this prisoner's dilemma'."""
    payoffs = Payoffs.from_factors(**{key: factors[key] for _, _, key in SLIDERS if key != "trust"})
    ev_c, ev_d = (float(v) for v in expected_values(payoffs.R, payoffs.S, payoffs.T, payoffs.P, trust))
    verdict = trust_verdict(payoffs, trust)
    if verdict.indifferent:
        head = f"Cooperating and defecting pay the same at trust {fmt(trust)} ({fmt(ev_c)})"
    else:
        better, worse = ("Cooperating", "defecting") if ev_c > ev_d else ("Defecting", "cooperating")
        head = (f"{better} pays more at trust {fmt(trust)} ({fmt(max(ev_c, ev_d))} against "
                f"{fmt(min(ev_c, ev_d))} for {worse})")
    if verdict.threshold is not None:
        where = f"the critical trust is {fmt(verdict.threshold, 3)}"
    elif verdict.region == "indifferent":
        where = "trust makes no difference"
    else:
        where = "no level of trust changes that"
    return f"{head}; {where} in this {classify_payoffs(payoffs).words}"


def what_if_chart(analysis: dict[str, Any], subtitle: str) -> alt.TopLevelMixin | None:
    """EV(C) and EV(D) against trust, the critical trust and the game class, all recomputed in
    the page from five sliders; None when the game has no five-factor form (a bimatrix)."""
    lab = analysis["labs"][0]
    factors = {**lab["factors"], "trust": lab["trust"]}
    if any(factors.get(key) is None for _, _, key in SLIDERS):
        return None
    params = []
    for name, label, key in SLIDERS:
        low, high, step = _slider_range(key, float(factors[key]))
        params.append(alt.param(name=name, value=float(factors[key]),
                                bind=alt.binding_range(min=low, max=high, step=step, name=label)))
    trust = pd.DataFrame({"t": np.linspace(0.0, 1.0, 101)})
    x = alt.X("t:Q", title="trust: believed probability the other lab cooperates", scale=alt.Scale(domain=[0, 1]))
    color = alt.Color("action:N", scale=alt.Scale(domain=["cooperate", "defect"], range=OKABE_ITO[:2]),
                      legend=alt.Legend(title="lab's action"))
    lines = (
        alt.Chart(trust)
        .transform_calculate(cooperate=f"datum.t * R + (1 - datum.t) * {S_EXPR}",
                             defect=f"datum.t * T + (1 - datum.t) * {P_EXPR}")
        .transform_fold(["cooperate", "defect"], as_=["action", "ev"])
        .mark_line(strokeWidth=2.5)
        .encode(x=x, y=alt.Y("ev:Q", title="expected payoff (per round)"), color=color)
    )
    one = pd.DataFrame({"one": [0]})
    own_trust = alt.Chart(one).transform_calculate(t="tau").mark_rule(
        strokeDash=[4, 4], color="#555555").encode(x=alt.X("t:Q"))
    critical = (
        alt.Chart(one).transform_calculate(t=CRITICAL_EXPR)
        .transform_filter("isFinite(datum.t) && datum.t >= 0 && datum.t <= 1")
        .mark_rule(color=OKABE_ITO[5], strokeWidth=2).encode(x=alt.X("t:Q"))
    )
    verdict = (
        f"'at trust ' + format(tau, '.2f') + ': ' + "
        f"(tau * R + (1 - tau) * {S_EXPR} > tau * T + (1 - tau) * {P_EXPR} ? 'cooperating pays more' : "
        f"tau * R + (1 - tau) * {S_EXPR} < tau * T + (1 - tau) * {P_EXPR} ? 'defecting pays more' : 'indifferent')"
    )
    critical_text = (
        f"'critical trust: ' + (isFinite({CRITICAL_EXPR}) && {CRITICAL_EXPR} >= 0 && {CRITICAL_EXPR} <= 1 "
        f"? format({CRITICAL_EXPR}, '.3f') : 'none in [0, 1]: trust alone does not change the choice')"
    )
    texts = (
        alt.Chart(pd.DataFrame({"line": [0, 1, 2]}))
        .transform_calculate(
            label=f"datum.line == 0 ? 'game class: ' + ({_class_expression()}) : "
                  f"datum.line == 1 ? {critical_text} : {verdict}"
        )
        .mark_text(align="left", baseline="top", fontSize=13, dx=2)
        .encode(x=alt.value(0), y=alt.Y("line:O", axis=None), text=alt.Text("label:N"),
                color=alt.condition("datum.line == 0", alt.value("#222222"), alt.value("#444444")))
        .properties(width=WIDTH, height=60)
    )
    chart = alt.vconcat(
        texts,
        alt.layer(lines, own_trust, critical).properties(width=WIDTH, height=260),
    ).add_params(*params)
    whose = (f" · the game if both labs had {lab['name']}'s payoffs" if len(analysis["labs"]) > 1 else "")
    return themed(
        chart,
        verdict_title(factors, float(lab["trust"])),
        subtitle + whose + "\nwhat if the factors were different? Sliders (in index.html and "
        "charts/what-if.html) recompute it in the page"
        " · lines cross at the critical trust (red); dashed: trust",
    )
