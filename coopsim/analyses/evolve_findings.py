"""What `coopsim evolve` says, in sentences generated from its result.

The stationary distribution (small-mutation limit) says where a finite population of labs spends
its time: the findings name the most abundant strategy and its share, the DSAIR zone where the
model has one, each variant's leader, and where the replicator dynamics (infinite population)
end. Shares are quoted from ``data/stationary.csv`` (one row per variant and strategy; the
scenario itself is variant ``scenario``), as (table, row, column, value).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.analyses.evolution_text import leaders_text
from coopsim.analyses.findings import Finding, percent
from coopsim.labels import words

BASE = "scenario"  # the variant name of the scenario itself in data/stationary.csv


def stationary_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per (variant, strategy): its meaning and share of time; the scenario first."""
    rows = [{"variant": BASE, "strategy": s, "meaning": result["strategy_meanings"][s],
             "share": result["stationary"][s]} for s in result["strategies"]]
    for name, variant in (result.get("variants") or {}).items():
        rows += [{"variant": name, "strategy": s, "meaning": variant["strategy_meanings"][s],
                  "share": variant["stationary"][s]} for s in variant["strategies"]]
    return pd.DataFrame(rows)


def fixation_table(result: dict[str, Any]) -> pd.DataFrame:
    """One row per (variant, resident, mutant): the probability that one mutant takes over, and
    the same in units of neutral drift (rho x Z)."""
    rows = []
    for name, part in [(BASE, result), *(result.get("variants") or {}).items()]:
        for key, rho in part["fixation"].items():
            resident, mutant = key.split("->")
            rows.append({"variant": name, "resident": resident, "mutant": mutant, "fixation": rho,
                         "fixation_neutral_units": part["fixation_neutral_units"][key],
                         "log10_fixation_neutral_units": part["log10_fixation_neutral_units"][key]})
    return pd.DataFrame(rows)


def leader(table: pd.DataFrame, variant: str) -> tuple[int, pd.Series]:
    """The row of the variant's most abundant strategy."""
    part = table[table["variant"] == variant]
    index = part["share"].idxmax()
    return index, part.loc[index]


def evolve_findings(result: dict[str, Any], table: pd.DataFrame) -> list[Finding]:
    findings = []
    index, top = leader(table, BASE)
    tied = "tied" in leaders_text(result["stationary"])
    subject = (f"{leaders_text(result['stationary'])} are the most abundant strategies: a population of "
               if tied else f"{top['strategy']} ({top['meaning']}) is the most abundant strategy: a population of ")
    findings.append(Finding(
        f"{subject}"
        f"{result['population']} labs spends {percent(top['share'])} of its time {'in each' if tied else 'there'} (stationary "
        f"distribution, selection intensity {result['selection_intensity']:g}, rare mutations).",
        (("stationary", str(index), "share", float(top["share"])),)))
    if result.get("zone"):
        findings.append(Finding(f"Zone (always safe against always unsafe): {result['zone']}, "
                                f"{result['zone_meaning']}."))
    variants = result.get("variants") or {}
    if variants:
        values, said = [], []
        for name, variant in variants.items():
            row, best = leader(table, name)
            values.append(("stationary", str(row), "share", float(best["share"])))
            zone = f", zone {variant['zone']}" if variant.get("zone") else ""
            said.append(f"{words(name)}: {leaders_text(variant['stationary'])} {percent(best['share'])}"
                        + (" each" if "tied" in leaders_text(variant["stationary"]) else "") + zone)
        findings.append(Finding("Most abundant strategy by variant: " + "; ".join(said) + ".", tuple(values)))
    replicator = result.get("replicator")
    if replicator:
        final = replicator["final"]
        grown = max(final, key=final.get)
        findings.append(Finding(
            f"In an infinite population starting from equal shares (replicator dynamics), {grown} "
            f"grows to {percent(final[grown])}" + ("." if replicator["settled"] else " and is still moving.")))
    for note in result.get("notes", []):
        findings.append(Finding(f"{note[0].upper()}{note[1:]}.", caveat=True))
    return findings


def stationary_headline(result: dict[str, Any]) -> str:
    """'AU (always unsafe) takes over: 100.0% of the time in a population of 100 labs'."""
    top = max(result["stationary"], key=result["stationary"].get)
    if "tied" in leaders_text(result["stationary"]):
        return (f"{leaders_text(result['stationary'])} each hold a population of {result['population']} labs "
                f"{percent(result['stationary'][top])} of the time")
    meaning = result["strategy_meanings"][top]
    return (f"{top} ({meaning.split(' (')[0]}) holds a population of {result['population']} labs "
            f"{percent(result['stationary'][top])} of the time")


def variants_headline(result: dict[str, Any]) -> str:
    """'Most abundant: AU under low risk and middle risk; AS and CS (tied) under high risk'."""
    leaders: dict[str, list[str]] = {}
    for name, variant in result["variants"].items():
        top = leaders_text(variant["stationary"])
        leaders.setdefault(top, []).append(words(name))
    parts = [f"{top} under {' and '.join(names)}" for top, names in leaders.items()]
    return "Most abundant: " + "; ".join(parts)


def replicator_headline(result: dict[str, Any]) -> str:
    final = result["replicator"]["final"]
    grown = max(final, key=final.get)
    return f"In an infinite population, {grown} grows to {percent(final[grown])} (replicator dynamics)"
