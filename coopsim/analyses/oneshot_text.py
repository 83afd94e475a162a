"""The one-shot analysis in words: a Markdown summary readable in a terminal and in reports."""

from __future__ import annotations

from typing import Any

from coopsim.report.markdown_text import plain

CLASS_TITLES = {
    "prisoners_dilemma": "prisoner's dilemma",
    "stag_hunt": "stag hunt (assurance game)",
    "chicken": "chicken (snowdrift)",
    "harmony": "harmony",
    "deadlock": "deadlock",
}

CLASS_MEANINGS = {
    "prisoners_dilemma": "cutting corners pays whatever the other lab does, although both would "
    "be better off developing responsibly; no level of trust alone makes cooperation rational",
    "stag_hunt": "responsible development pays if the other lab is trusted to do the same: "
    "trust decides which equilibrium labs reach",
    "chicken": "each lab prefers to cut corners if the other is responsible, and to be "
    "responsible if the other cuts corners",
    "harmony": "responsible development pays whatever the other lab does",
    "deadlock": "both labs prefer mutual corner-cutting to mutual responsibility",
}

FACTOR_TITLES = {
    "trust": "trust",
    "shared_upside": "shared upside (R)",
    "advantage": "advantage (T)",
    "exposure": "exposure (-S)",
    "shared_downside": "shared downside (-P)",
}


def class_title(name: str) -> str:
    """Readable name of a game class, including boundary and asymmetric cases."""
    if name.startswith("boundary:"):
        sides = " / ".join(CLASS_TITLES.get(n, n) for n in name.removeprefix("boundary:").split("|"))
        return f"boundary case between {sides} (payoffs tie)"
    if name.startswith("asymmetric:"):
        row, col = name.removeprefix("asymmetric:").split("|")
        return f"asymmetric: {class_title(row)} for the row lab, {class_title(col)} for the column lab"
    return CLASS_TITLES.get(name, name)


def fmt(value: Any, digits: int = 4) -> str:
    """Numbers with `digits` significant figures; None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    return str(value)


def markdown_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table; cells formatted with `fmt`."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c) for c in row) + " |" for row in rows]
    return lines


def oneshot_markdown(analysis: dict[str, Any], heading_level: int = 2) -> str:
    """The one-shot analysis as Markdown."""
    h = "#" * heading_level
    row_lab, col_lab = plain(analysis["row_lab"]), plain(analysis["column_lab"])
    A, B = analysis["payoff_matrices"]["row"], analysis["payoff_matrices"]["column"]
    lines = [f"{h} One-shot game: {row_lab} (row) vs {col_lab} (column)", ""]
    game_class = analysis["game_class"]
    meaning = CLASS_MEANINGS.get(game_class)
    lines += [f"**Game class:** {class_title(game_class)}" + (f": {meaning}." if meaning else "."), ""]
    lines += [f"Payoffs per round ({row_lab}, {col_lab}), relative to the status quo:", ""]
    lines += markdown_table(
        [f"{row_lab} \\ {col_lab}", "cooperate", "defect"],
        [
            [action, f"{fmt(A[i][0])}, {fmt(B[i][0])}", f"{fmt(A[i][1])}, {fmt(B[i][1])}"]
            for i, action in enumerate(("cooperate", "defect"))
        ],
    )
    lines += ["", f"{h}# Nash equilibria", ""]
    lines += markdown_table(
        ["equilibrium", f"{row_lab} P(cooperate)", f"{col_lab} P(cooperate)", "payoffs", "welfare",
         "Pareto efficient"],
        [
            [e["label"], e["row"][0], e["col"][0], f"{fmt(e['payoffs'][0])}, {fmt(e['payoffs'][1])}",
             e["welfare"], e["pareto_efficient"]]
            for e in analysis["equilibria"]
        ],
    )
    if analysis["degenerate"]:
        lines += ["", "The game is degenerate (payoff ties): the equilibrium set may contain a "
                  "continuum; listed are the equilibria found by "
                  + " and ".join(analysis["solvers"])
                  + (" (which agree)." if analysis["solvers_agree"] else " (which disagree).")]
    optimum = analysis["social_optimum"]
    lines += [
        "",
        f"Social optimum: ({', '.join(optimum['actions'])}) with welfare {fmt(optimum['welfare'])}; "
        f"the worst equilibrium falls short of it by {fmt(analysis['welfare_gap'])}"
        + (f" (price of anarchy {fmt(analysis['price_of_anarchy'])})." if analysis["price_of_anarchy"] else "."),
    ]
    risk = analysis["risk_dominant"]
    if risk is not None:
        lines += ["", f"Risk dominance: ({risk}, {risk}) risk-dominates." if risk != "tie"
                  else "Risk dominance: tie between (cooperate, cooperate) and (defect, defect)."]
    lines += ["", f"{h}# Trust and the five factors, lab by lab", ""]
    for lab in analysis["labs"]:
        lines += _lab_section(lab)
    lines += [
        "'Change needed' is how far a factor must move, the others held fixed, before "
        "cooperating is the best response (empty when it already is or cannot be).",
        "",
    ]
    if "policy" in analysis:
        lines += _policy_section(analysis["policy"], h, row_lab)
    return "\n".join(lines).rstrip() + "\n"


def _policy_section(policy: dict[str, Any], h: str, row_lab: str) -> list[str]:
    lines = [
        f"{h}# The game labs effectively play, by variant",
        "",
        "Expected payoffs per match with incidents and every intervention of the variant that "
        "can act in force (fines, subsidies, joint research, incident costs), computed from the "
        "same rules the simulation plays. With shared incident costs a lab also pays for "
        "defections in matches it is not in (last column).",
        "",
    ]
    lines += markdown_table(
        ["variant", f"{row_lab}: R, S, T, P", "game class", "equilibria",
         f"{row_lab} critical trust", f"{row_lab} cooperates",
         "incident cost per defection elsewhere"],
        [
            [plain(name), ", ".join(fmt(v) for row in p["payoff_matrices"]["row"] for v in row),
             class_title(p["game_class"]), "; ".join(e["label"] for e in p["equilibria"]),
             p["trust_threshold"], p["cooperate_is_best_response"],
             p["external_incident_cost_per_defection"]]
            for name, p in policy.items()
        ],
    )
    return lines + [""]


def _lab_section(lab: dict[str, Any]) -> list[str]:
    ev = lab["expected_values"]
    verdict = "cooperating is the best response" if lab["cooperate_is_best_response"] else (
        "the lab is indifferent" if lab["indifferent"] else "defecting is the best response")
    lines = [
        f"**{plain(lab['name'])}** (trust {fmt(lab['trust'])}): EV(cooperate) = {fmt(ev['cooperate'])}, "
        f"EV(defect) = {fmt(ev['defect'])}, so {verdict}. {_trust_sentence(lab)}",
        "",
    ]
    lines += markdown_table(
        ["factor", "now", "cooperation boundary", "change needed", "class changes below",
         "class changes above"],
        [
            [
                FACTOR_TITLES[d["factor"]],
                d["value"],
                d["cooperation_boundary"],
                d["change_for_cooperation"],
                _change_text(d["class_change_below"]),
                _change_text(d["class_change_above"]),
            ]
            for d in lab["factor_distances"]
        ],
    )
    return lines + [""]


def _trust_sentence(lab: dict[str, Any]) -> str:
    region = lab["cooperation_region"]
    if region == "never":
        return "No level of trust makes cooperating the best response."
    if region == "always":
        return "Cooperating is the best response at any level of trust."
    if region == "indifferent":
        return "The lab is indifferent at every level of trust."
    return f"Critical trust: {fmt(lab['trust_threshold'])}; cooperation is rational when {region}."


def _change_text(change: dict[str, Any] | None) -> str:
    return "—" if change is None else f"at {fmt(change['at'])} → {class_title(change['becomes'])}"
