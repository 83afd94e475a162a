"""An evolve result in words (Markdown); the model adds its own lines (DSAIR: the zone)."""

from __future__ import annotations

import math
from typing import Any

from coopsim.analyses.oneshot_text import fmt, markdown_table
from coopsim.games import GAMES
from coopsim.labels import words


def leaders_text(stationary: dict[str, float]) -> str:
    """The most abundant strategy, or the tied ones (within 1% of the largest share)."""
    top = max(stationary.values())
    leaders = [name for name, share in stationary.items() if share >= 0.99 * top]
    return leaders[0] if len(leaders) == 1 else " and ".join(leaders) + " (tied)"


def neutral_units_text(log10_value: float) -> str:
    """``rho Z`` from its log10, readable at any size (``3.2e-87`` stays exact)."""
    if log10_value > -3 and log10_value < 4:
        return f"{10 ** log10_value:.3g}"
    exponent = math.floor(log10_value)
    return f"{10 ** (log10_value - exponent):.2g}e{exponent:+d}"


def evolve_markdown(result: dict[str, Any], heading_level: int = 2) -> str:
    """The evolve result in words (Markdown)."""
    h = "#" * heading_level
    names = result["strategies"]
    lines = [
        f"{h} Evolution: {result['scenario']}",
        "",
        f"Population Z = {result['population']}, selection intensity beta = "
        f"{fmt(result['selection_intensity'])}, fitness {result['fitness'].replace('_', ' ')}, "
        "small-mutation limit.",
        "",
        "Strategies: " + "; ".join(f"{s} = {result['strategy_meanings'][s]}" for s in names) + ".",
        "",
        f"**Long-run share of time** (stationary distribution); most abundant: "
        f"**{leaders_text(result['stationary'])}**",
        "",
    ]
    lines += markdown_table(["strategy", "share of time"], [[s, result["stationary"][s]] for s in names])
    if result.get("stationary_safe_play") is not None:
        lines += ["", f"Safe (cooperative) moves make up {result['stationary_safe_play']:.1%} of play, "
                  "averaged over the stationary distribution."]
    lines += [
        "",
        "**Fixation** of a single mutant (X->Y: one Y among X), in units of the neutral 1/Z "
        "(above 1: selection favours the invasion):",
        "",
    ]
    lines += markdown_table(
        ["resident \\ mutant", *names],
        [
            [a, *[
                "" if a == b else neutral_units_text(result["log10_fixation_neutral_units"][f"{a}->{b}"])
                for b in names
            ]]
            for a in names
        ],
    )
    if result.get("payoff_matrix") is not None:
        lines += ["", "Payoff matrix (average payoff per round, row against column):", ""]
        lines += markdown_table(
            ["row \\ column", *names],
            [[a, *row] for a, row in zip(names, result["payoff_matrix"])],
        )
    lines += ["", "Risk dominance: " + "; ".join(
        f"{pair}: {winner}" for pair, winner in result["risk_dominance"].items()
    ) + "."]
    if result.get("replicator"):
        final = result["replicator"]["final"]
        lines += ["", "Replicator dynamics (infinite population, from equal shares) end at "
                  + ", ".join(f"{s} {final[s]:.3f}" for s in names)
                  + ("." if result["replicator"]["settled"] else " (still moving).")]
    lines += GAMES[result["model"]].evolution_lines(result)
    for note in result["notes"]:
        lines += ["", f"Note: {note}."]
    if result.get("variants"):
        zones = all("zone" in v for v in result["variants"].values())
        lines += ["", f"{h}# Variants", ""]
        lines += markdown_table(
            ["variant", *names, "most abundant", *(["zone (AS vs AU)"] if zones else [])],
            [
                [words(name), *[v["stationary"].get(s) for s in names], leaders_text(v["stationary"]),
                 *([v["zone"]] if zones else [])]
                for name, v in result["variants"].items()
            ],
        )
    return "\n".join(lines).rstrip() + "\n"
