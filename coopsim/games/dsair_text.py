"""The DSAIR race in words (Markdown): `coopsim solve`, the zone lines of `coopsim evolve`, and
the race played by agents beside Eq. 2."""

from __future__ import annotations

from typing import Any

from coopsim.analyses.oneshot_text import fmt, markdown_table

THRESHOLD_NAMES = {
    "collective_preference": "safety collectively preferred (all SAFE beats all UNSAFE)",
    "as_risk_dominance": "AS risk-dominates AU",
    "cs_risk_dominance": "CS risk-dominates AU",
}
FORM_NAMES = {"exact": "exact (finite W)", "early": "early limit (B/W >> b)", "late": "late limit (W -> inf)"}


def threshold_lines(result: dict[str, Any]) -> list[str]:
    """The thresholds in ``p_r`` as a table."""
    forms = sorted({form for t in result["thresholds"].values() for form in t})
    order = [f for f in ("exact", "early", "late") if f in forms]
    rows = [
        [THRESHOLD_NAMES[name], *[values.get(form) for form in order]]
        for name, values in result["thresholds"].items()
    ]
    lines = [
        f"Thresholds in p_r (each condition holds when p_r is above its threshold; the "
        f"scenario has p_r = {fmt(result['p_r'])}):",
        "",
    ]
    return lines + markdown_table(["condition", *[FORM_NAMES[f] for f in order]], rows) + [""]


def _zone_sentence(result: dict[str, Any]) -> str:
    return (f"**Zone (AS vs AU): {result['zone']}** — {result['zone_meaning']}. "
            f"{result['zone_refers_to']}.")


def zone_lines(result: dict[str, Any]) -> list[str]:
    """Zone, regime and thresholds for an evolve result, with the most abundant strategy beside
    the zone (the zone is about AS and AU only, the stationary distribution about every strategy)."""
    top = result["most_abundant"]
    return ["", _zone_sentence(result) + f" Most abundant strategy in the stationary distribution: "
            f"**{top}** ({100 * result['stationary'][top]:.3g}% of the time). Regime: {result['regime']} "
            f"(prize per round B/W = {fmt(result['prize_per_round'])}); CS-vs-AU entry: "
            f"{result['cs_vs_au']}.", ""] + threshold_lines(result)


def solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
    """`coopsim solve` for a DSAIR race, in words."""
    h = "#" * heading_level
    lines = [f"{h} DSAIR race: {solution['scenario']}", ""]
    pi = solution["per_round_payoffs"]
    lines += [
        "Per-round payoffs (Eq. 1): " + ", ".join(f"{k} = {fmt(v)}" for k, v in pi.items()) + ".",
        "",
    ]
    if "payoff_matrix" in solution:
        names = solution["strategies"]
        lines += ["Average payoff per round over a race (Eq. 2), row against column:", ""]
        if solution.get("notes"):
            lines[-2] = ("Average payoff per round over a race (Eq. 2 plus the interventions' "
                         "expected payments per round; " + "; ".join(solution["notes"])
                         + "), row against column:")
        lines += markdown_table(["row \\ column", *names],
                                [[a, *row] for a, row in zip(names, solution["payoff_matrix"])])
        lines += ["", f"{h}# Nash equilibria of the symmetric race game", ""]
        lines += markdown_table(
            ["equilibrium", "payoffs", "symmetric", "Pareto efficient"],
            [[e["label"], f"{fmt(e['payoffs'][0])}, {fmt(e['payoffs'][1])}", e["symmetric"],
              e["pareto_efficient"]] for e in solution["equilibria"]],
        )
        if solution["degenerate"]:
            lines += ["", "The game is degenerate (AS and CS earn the same against AS and CS): "
                      "equilibria may form continua; listed are those found by "
                      + " and ".join(solution["solvers"]) + "."]
    else:
        lines += [f"Races of {solution['parameters']['N']} labs (Appendix B): average payoff per "
                  "round by number of SAFE labs in the group:", ""]
        lines += markdown_table(["SAFE labs", "AS", "AU"],
                                [[g["safe_labs"], g["AS"], g["AU"]] for g in solution["group_payoffs"]])
        lines += ["", "Pure equilibria (no lab gains by switching): "
                  + ", ".join(f"{e['safe_labs']} SAFE / {e['unsafe_labs']} UNSAFE"
                              for e in solution["equilibria"]) + "."]
    lines += ["", _zone_sentence(solution) + f" Regime: {solution['regime']} "
              f"(B/W = {fmt(solution['prize_per_round'])}).", ""]
    lines += threshold_lines(solution)
    return "\n".join(lines).rstrip() + "\n"


def dynamics_markdown(result: dict[str, Any], heading_level: int = 2) -> str:
    """The race played by agents: measured payoff per round of the row lab beside Eq. 2 (or, on
    a network, the long-run strategy shares: :mod:`coopsim.games.dsair_network`)."""
    if result.get("network"):
        from coopsim.games.dsair_network import network_race_markdown

        return network_race_markdown(result)
    lines = [
        f"Each pair of strategies raced {result['rounds']:,} rounds (whole races, the last one "
        f"may run over) in each of {result['replicates']} replicates; a race lasts W rounds when "
        "both labs play SAFE and W/s otherwise. Measured: the row lab's payoff per round averaged "
        f"over its races, mean across replicates with a 95% {result['interval']} interval. Eq. 2: "
        "the race-averaged payoff the theory gives"
        + (", plus the interventions' expected payments per round (settled each round, not lost "
           "in a disaster)." if result.get("payments") else "."),
        "",
    ]
    expected = "Eq. 2 + expected payments" if result.get("payments") else "Eq. 2"
    for name, rows in result["variants"].items():
        if len(result["variants"]) > 1:
            lines += [f"Variant **{name}**:", ""]
        lines += markdown_table(
            ["row", "column", "races per replicate", "measured payoff per round", expected,
             f"{expected} inside the interval"],
            [[r["row"], r["column"], fmt(r["races_per_replicate"]),
              f"{fmt(r['mean'])} [{fmt(r['low'])}, {fmt(r['high'])}]", r["eq2"],
              "yes" if r["eq2_in_interval"] else "no"] for r in rows],
        )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
