"""Caveats: what a reader must know before trusting a finding, each generated from the results.

* an intervention that cannot act (a window that never opens, a zero fine, ...: the
  intervention's own ``does_nothing``);
* identical replicates (a deterministic variant: its interval is a single value);
* a long run that is a cycle (``long_run_cycle_period`` > 1) or that has not settled (a
  deterministic variant whose long-run window repeats no pattern): the long-run share is then
  an average over a moving target;
* a one-shot verdict the iterated model contradicts: a kind of lab whose one-shot best response
  (in the expected game of its variant, with policy and incidents in force) is to cooperate but
  that cooperates less than half the time in the long run, or the reverse, with the reason the
  results show: the labs' trust when the variant's policy started (a late policy meets trust
  already below its critical trust), the kind's long-run trust on the other side of its critical
  trust, or else its decision rule (not a best response to a fixed trust);
* no incidents in any variant.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.analyses.findings import Finding, Writer, listed, words
from coopsim.analyses.headlines import INCIDENTS, LONG_RUN, cooperates_at, percent, plain, threshold_text, trust_range


def caveats(result: Any) -> list[Finding]:
    """Every caveat of a run (a :class:`coopsim.analyses.run.RunResult`)."""
    found = _inactive(result.scenario)
    summary = result.tables.get("summary")
    if summary is None or not len(summary):
        return found
    indexed = summary.set_index("variant")
    found += _identical(indexed) + _unsettled(indexed)
    if result.oneshot is not None:
        found += _departures(result, indexed)
    if f"{INCIDENTS}_mean" in summary and not summary[f"{INCIDENTS}_mean"].any():
        found.append(Finding("No incidents occurred in any variant.", caveat=True))
    return found


def _inactive(scenario) -> list[Finding]:
    from coopsim.policy.expected import inactive
    from coopsim.scenario.loading import resolve_variants

    found = []
    for name, variant in resolve_variants(scenario).items():
        for index, reason in inactive(variant):
            kind = words(variant.interventions[index].type)
            found.append(Finding(f"In {words(name)}, the {kind} intervention does nothing: {reason}.", caveat=True))
    return found


def _identical(summary: pd.DataFrame) -> list[Finding]:
    same = [words(v) for v in summary.index[summary["deterministic"].astype(bool)]] if "deterministic" in summary else []
    if not same:
        return []
    return [Finding(f"Every replicate of {listed(same)} is identical (no random element in the "
                    "scenario): the interval is a single value.", caveat=True)]


def _unsettled(summary: pd.DataFrame) -> list[Finding]:
    found = []
    for variant, row in summary.iterrows():
        period = row.get("long_run_cycle_period")
        w = Writer()
        if pd.notna(period) and period > 1:
            found.append(w.finding(
                f"In {words(variant)}, the long run is a cycle of period "
                f"{int(w.quote('summary', variant, 'long_run_cycle_period', period))} rounds, not a steady "
                "state: long-run cooperation is its average.", caveat=True))
        elif pd.isna(period) and bool(row.get("deterministic", False)):
            rounds = int(w.quote("summary", variant, "long_run_rounds", row["long_run_rounds"]))
            found.append(w.finding(
                f"In {words(variant)}, the run has not settled: cooperation in its final {rounds} rounds "
                "(the long run) follows no repeating pattern, so long-run cooperation depends on when "
                "the run stops.", caveat=True))
    return found


def _iterated_share(result: Any, variant: str, lab: dict[str, Any], kinds: int,
                    w: Writer, measure: str) -> float | None:
    """A one-shot kind's long-run ``measure`` (cooperation or trust) in ``variant``, quoted from
    the lab summary (one scenario lab entry) or the variant summary (the only kind); None when
    the kind joins several entries among other kinds."""
    members = lab["name"].split(", ")
    table = result.tables.get("lab_summary")
    if table is not None and len(members) == 1 and len(table):
        row = table[(table["variant"] == variant) & (table["kind"] == members[0])]
        if len(row):
            return w.quote("lab_summary", f"{variant}/{members[0]}", f"{measure}_mean", row[f"{measure}_mean"].iloc[0])
    if kinds == 1 and measure == "cooperation":
        return w.quote("summary", variant, f"{LONG_RUN}_mean", result.tables["summary"].set_index("variant").loc[variant, f"{LONG_RUN}_mean"])
    return None


def _departures(result: Any, summary: pd.DataFrame) -> list[Finding]:
    """Kinds of lab whose iterated behaviour contradicts their one-shot verdict, and why."""
    from coopsim.abm.strategies import STRATEGIES
    from coopsim.scenario.loading import resolve_variants

    oneshot, scenario = result.oneshot, result.scenario
    resolved = resolve_variants(scenario)
    policy = oneshot.get("policy") or {name: {"labs": oneshot["labs"]} for name in summary.index}
    found = []
    for variant, game in policy.items():
        if variant not in summary.index:
            continue
        for index, lab in enumerate(game["labs"]):
            if trust_range(lab)[0] == "indifferent":
                continue
            w = Writer()
            path = f"policy.{variant}.labs[{index}]" if "policy" in oneshot else f"labs[{index}]"
            share = _iterated_share(result, variant, lab, len(game["labs"]), w, "cooperation")
            predicted = bool(lab["cooperate_is_best_response"])
            if share is None or (share >= 0.5) == predicted:
                continue
            verdict = "cooperating" if predicted else "defecting"
            names = lab["name"].split(", ")
            who = f"{names[0]} departs from its" if len(names) == 1 else f"{listed(names)} depart from their"
            base = {kind["name"]: kind["decision_payoffs"] for kind in oneshot["labs"]}
            changed = "policy" in oneshot and base.get(lab["name"]) != lab["decision_payoffs"]
            text = (f"In {words(variant)}, {who} one-shot verdict: at trust "
                    f"{plain(w.quote('oneshot', path, 'trust', lab['trust']))} {verdict} is the best response"
                    + (" with the policy in force" if changed else "")
                    + f", yet {'it cooperates' if len(names) == 1 else 'they cooperate'} {percent(share)} "
                    "of the time in the long run, because ")
            text += _why(result, resolved[variant], variant, lab, path, len(game["labs"]), w, predicted,
                         STRATEGIES) + "."
            found.append(w.finding(text, caveat=True))
    return found


def _why(result, variant_scenario, variant: str, lab: dict[str, Any], path: str, kinds: int,
         w: Writer, predicted: bool, strategies) -> str:
    threshold = lab.get("trust_threshold")
    targeted = [words(spec.type) for spec in variant_scenario.interventions if spec.targets is not None]
    if targeted:
        return (f"the {listed(targeted)} of this variant acts on some labs only, which the one-shot game "
                "(one expected game for every lab) leaves out, and labs respond to what their partners do")
    critical = lambda: threshold_text(w.quote("oneshot", path, "trust_threshold", threshold))  # noqa: E731
    starts = [spec.start for spec in variant_scenario.interventions if spec.start > 0]
    rounds = result.tables.get("rounds")
    if starts and rounds is not None and trust_range(lab)[1] is not None:
        start = min(starts)
        at_start = rounds[(rounds["variant"] == variant) & (rounds["round"] == start)]["mean_trust"]
        if len(at_start) and cooperates_at(lab, at_start.mean()) != predicted:
            trust = w.quote("rounds", f"{variant}/round {start}", "mean_trust", at_start.mean())
            return (f"when its policy starts in round {start} the labs' mean trust is already "
                    f"{plain(trust)}, on the other side of the critical trust {critical()} of the game "
                    "with the policy in force, and what labs then see keeps it there")
    trust = _iterated_share(result, variant, lab, kinds, w, "trust")
    if trust is not None and trust_range(lab)[1] is not None and cooperates_at(lab, trust) != predicted:
        moved = "fell" if trust < lab["trust"] else "rose"
        return (f"its trust {moved} to {plain(trust)} in the long run, past its critical trust {critical()}: "
                "what it saw its partners do changed its belief")
    names = set(lab["name"].split(", "))
    rules = dict.fromkeys(entry.strategy.type for entry in variant_scenario.labs if entry.name in names)
    meanings = [strategies[rule].meaning for rule in rules]
    return ("its decision rule in the repeated game responds to what partners did and earned, not to "
            "a fixed belief as the one-shot game assumes: " + "; ".join(meanings))
