"""The one-shot analysis in words: a Markdown summary readable in a terminal and in reports."""

from __future__ import annotations

from typing import Any

from coopsim.markdown_text import plain
from coopsim.theory.stage_game import CLASS_TITLES as SHORT_CLASS_TITLES

ALSO_KNOWN_AS = {"stag_hunt": "assurance game", "chicken": "snowdrift"}
CLASS_TITLES = {  # the short titles with the other common name, e.g. "stag hunt (assurance game)"
    name: f"{title} ({ALSO_KNOWN_AS[name]})" if name in ALSO_KNOWN_AS else title
    for name, title in SHORT_CLASS_TITLES.items()
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


def class_title(detail: dict[str, Any]) -> str:
    """Readable name of a game class from its structured form (GameClass.to_dict)."""
    return detail["words"]


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


def class_sentence(detail: dict[str, Any]) -> str:
    """'stag hunt (assurance game): <what it means>.' for a strict class, the words otherwise."""
    if detail["kind"] != "strict":
        return detail["words"] + "."
    name = detail["classes"][0]
    return f"{CLASS_TITLES[name]}: {CLASS_MEANINGS[name]}."


def side_words(low: float, high: float) -> str:
    """What one lab does across an equilibrium set, from its range of P(cooperate)."""
    if low == high:
        if low in (0.0, 1.0):
            return "cooperates" if low == 1.0 else "defects"
        return f"cooperates with probability {fmt(low, 3)}"
    if (low, high) == (0.0, 1.0):
        return "plays any mix of cooperating and defecting"
    return f"cooperates with any probability from {fmt(low, 3)} to {fmt(high, 3)}"


def equilibrium_set_sentence(item: dict[str, Any], row: str, column: str) -> str:
    """One equilibrium set in words: both labs' ranges and its extreme equilibria (numbered)."""
    corners = ", ".join(f"#{k + 1}" for k in item["extreme_equilibria"])
    return (f"{row} {side_words(*item['row_cooperates'])} while {column} "
            f"{side_words(*item['column_cooperates'])}: every such mix is an equilibrium "
            f"(extreme points {corners}).")


def oneshot_markdown(analysis: dict[str, Any], heading_level: int = 2) -> str:
    """The one-shot analysis as Markdown."""
    h = "#" * heading_level
    row_lab, col_lab = plain(analysis["row_lab"]), plain(analysis["column_lab"])
    lines = [f"{h} One-shot game: {row_lab} (row) vs {col_lab} (column)", ""]
    lines += [f"**Game class:** {class_sentence(analysis['game_class_detail'])}", ""]
    lines += [f"Payoffs per round ({row_lab}, {col_lab}), relative to the status quo:", ""]
    lines += _payoff_table(analysis["payoff_matrices"], row_lab, col_lab)
    lines += ["", f"{h}# Nash equilibria", ""]
    lines += _equilibria_lines(analysis, row_lab, col_lab)
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
    decision = analysis.get("decision_game")
    if decision is not None:
        lines += ["", f"{h}# The game as the labs perceive it (what they act on)", "",
                  "Each lab decides on its own perceived payoffs, not the true ones above. "
                  f"Perceived game: {class_sentence(decision['game_class_detail'])}", ""]
        lines += _payoff_table(decision["payoff_matrices"], row_lab, col_lab)
        lines += [""] + _equilibria_lines(decision, row_lab, col_lab)
    if len(analysis.get("pairs", [])) > 1:
        lines += ["", f"{h}# Every pair of lab kinds", ""]
        lines += _pairs_table(analysis["pairs"])
    lines += ["", f"{h}# Trust and the five factors, lab by lab", ""]
    for lab in analysis["labs"]:
        lines += _lab_section(lab)
    lines += [
        "'Change needed' is how far a factor must move, the others held fixed, before "
        "cooperating is the best response (empty when it already is or cannot be). A lab whose "
        "expected payoffs tie cooperates, as the simulated labs do.",
        "",
    ]
    if "policy" in analysis:
        lines += _policy_section(analysis["policy"], h, row_lab)
    return "\n".join(lines).rstrip() + "\n"


def _payoff_table(matrices: dict[str, Any], row_lab: str, col_lab: str) -> list[str]:
    A, B = matrices["row"], matrices["column"]
    return markdown_table(
        [f"{row_lab} \\ {col_lab}", "cooperate", "defect"],
        [
            [action, f"{fmt(A[i][0])}, {fmt(B[i][0])}", f"{fmt(A[i][1])}, {fmt(B[i][1])}"]
            for i, action in enumerate(("cooperate", "defect"))
        ],
    )


def _equilibria_lines(game: dict[str, Any], row_lab: str, col_lab: str) -> list[str]:
    lines = markdown_table(
        ["#", "equilibrium", f"{row_lab} P(cooperate)", f"{col_lab} P(cooperate)", "payoffs",
         "welfare", "Pareto efficient"],
        [
            [k + 1, e["label"], e["row"][0], e["col"][0],
             f"{fmt(e['payoffs'][0])}, {fmt(e['payoffs'][1])}", e["welfare"], e["pareto_efficient"]]
            for k, e in enumerate(game["equilibria"])
        ],
    )
    sets = [s for s in game["equilibrium_sets"] if not s["isolated"]]
    if sets:
        lines += ["", "Beyond these extreme points the equilibria form continua (payoff ties):", ""]
        lines += [f"- {equilibrium_set_sentence(s, row_lab, col_lab)}" for s in sets]
    n = game["components"]
    lines += ["", f"This is every Nash equilibrium ({n} connected component{'s' if n != 1 else ''}"
              f"; {' and '.join(game['solvers'])}, in exact rational arithmetic)."]
    return lines


def _pair_equilibria_words(pair: dict[str, Any]) -> str:
    parts = []
    for s in pair["equilibrium_sets"]:
        if s["isolated"]:
            parts.append(pair["equilibria"][s["extreme_equilibria"][0]]["label"])
        else:
            parts.append(f"{pair['row']} {side_words(*s['row_cooperates'])}, "
                         f"{pair['column']} {side_words(*s['column_cooperates'])}")
    return "; ".join(parts)


def _pairs_table(pairs: list[dict[str, Any]]) -> list[str]:
    def acts(cooperates: bool) -> str:
        return "cooperates" if cooperates else "defects"

    return markdown_table(
        ["row kind", "column kind", "game class", "equilibria", "row kind's choice",
         "column kind's choice", "perceived game"],
        [
            [p["row"], p["column"], p["game_class_detail"]["words"], _pair_equilibria_words(p),
             acts(p["row_cooperates"]), acts(p["column_cooperates"]),
             "as true" if p["decision_game"] is None else p["decision_game"]["game_class_detail"]["words"]]
            for p in pairs
        ],
    ) + ["", "Choices are each kind's best response at its own trust, on the payoffs it "
         "perceives."]


def _policy_section(policy: dict[str, Any], h: str, row_lab: str) -> list[str]:
    lines = [
        f"{h}# The game labs effectively play, by variant",
        "",
        "Expected payoffs per match with incidents and every intervention of the variant that "
        "can act in force (fines, subsidies, joint research, incident costs), computed from the "
        "same rules the simulation plays. With shared incident costs a lab also pays for "
        f"defections in matches it is not in (last column). {row_lab}'s critical trust and "
        "choice are on the payoffs it decides on (its perceived payoffs, same adjustments).",
        "",
    ]
    lines += markdown_table(
        ["variant", f"{row_lab}: R, S, T, P", "game class", "equilibria",
         f"{row_lab} critical trust", f"{row_lab} cooperates",
         "incident cost per defection elsewhere"],
        [
            [plain(name), ", ".join(fmt(v) for row in p["payoff_matrices"]["row"] for v in row),
             p["game_class_detail"]["words"], "; ".join(e["label"] for e in p["equilibria"]),
             p["trust_threshold"], p["cooperate_is_best_response"],
             p["external_incident_cost_per_defection"]]
            for name, p in policy.items()
        ],
    )
    return lines + [""]


def _lab_section(lab: dict[str, Any]) -> list[str]:
    ev = lab["expected_values"]
    if lab["indifferent"]:
        verdict = "the lab is indifferent and, as ties go to cooperation, cooperates"
    elif lab["cooperate_is_best_response"]:
        verdict = "cooperating is the best response"
    else:
        verdict = "defecting is the best response"
    perceived = lab["decides_on"] == "perceived payoffs"
    basis = "on the payoffs it perceives" if perceived else "on its payoffs"
    lines = [
        f"**{plain(lab['name'])}** (trust {fmt(lab['trust'])}; decides {basis}): "
        f"EV(cooperate) = {fmt(ev['cooperate'])}, EV(defect) = {fmt(ev['defect'])}, so {verdict}. "
        f"{_trust_sentence(lab)}",
        "",
    ]
    if perceived:
        true_game = lab["true_game"]
        same = true_game["cooperate_is_best_response"] == lab["cooperate_is_best_response"]
        lines += [
            "It perceives " + ", ".join(
                f"{FACTOR_TITLES[k]} {fmt(v)} (truly {fmt(lab['factors'][k])})"
                for k, v in lab["decision_factors"].items() if v != lab["factors"][k])
            + f". On its true payoffs it would "
            + ("cooperate" if true_game["cooperate_is_best_response"] else "defect")
            + (" too" if same else " instead") + f" ({_region_words(true_game['cooperation_region'], true_game['trust_threshold'])}).",
            "",
            "Factor distances below are for the payoffs it perceives.",
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


def _region_words(region: str, threshold: float | None) -> str:
    if region == "never":
        return "no level of trust makes cooperating the best response"
    if region == "always":
        return "cooperating is the best response at any level of trust"
    if region == "indifferent":
        return "indifferent at every level of trust"
    return f"critical trust {fmt(threshold)}; cooperation is rational when {region}"


def _trust_sentence(lab: dict[str, Any]) -> str:
    region = lab["cooperation_region"]
    if region in ("never", "always", "indifferent"):
        text = _region_words(region, None)
        return text[0].upper() + text[1:] + "." if region != "indifferent" else "The lab is indifferent at every level of trust."
    return f"Critical trust: {fmt(lab['trust_threshold'])}; cooperation is rational when {region}."


def _change_text(change: dict[str, Any] | None) -> str:
    return "—" if change is None else f"at {fmt(change['at'])} → {change['becomes_detail']['words']}"
