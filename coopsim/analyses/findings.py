"""Findings: what a run's results say, in sentences generated from the results.

Each :class:`Finding` is one or two sentences with the numbers and intervals they rest on, and
records every number it quotes (``values``: the table or JSON file, the row or path, the column
or key, and the value), so a test can check each printed number against the saved data. Nothing
here is written by hand per scenario: change the scenario and the findings change with it.

Stage games: the iterated model's answer (each variant against the first, the *reference*:
long-run cooperation with its interval, incidents and welfare per run), the labs kind by kind
(who cooperated, and who free-rode on whom: a kind free-rides on another when it cooperates at
least NOTABLE_GAP less and earns more per round), the one-shot verdict of every kind of lab and,
per variant, of the expected game with its policy in force. Race models:
:mod:`coopsim.analyses.findings_races`. Caveats: :mod:`coopsim.analyses.findings_caveats`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopsim.analyses.headlines import (INCIDENTS, LONG_RUN, WELFARE, game_words, percent, plain,
                                        trust_range, trust_range_words)
from coopsim.markdown_text import inert

NOTABLE_GAP = 0.2  # kinds whose long-run cooperation differs by 20 points or more are named


@dataclass(frozen=True)
class Finding:
    """One statement. ``values`` lists (table, row, column, value) of every number quoted:
    table ``summary`` or ``lab_summary`` (a CSV of ``data/``; a ``lab_summary`` row is
    ``variant/kind``), ``rounds`` (row ``variant/round N``: the mean across replicates), or a
    JSON file (``oneshot``, ``evolution``, ``solution``) with a dotted path as row."""

    text: str
    values: tuple[tuple[str, str, str, float], ...] = ()
    caveat: bool = False


@dataclass
class Writer:
    """Collects quoted numbers while a sentence is built."""

    values: list[tuple[str, str, str, float]] = field(default_factory=list)

    def quote(self, table: str, row: str, column: str, value: float) -> float:
        self.values.append((table, row, column, float(value)))
        return float(value)

    def share(self, table: pd.DataFrame, row: str, measure: str = LONG_RUN, name: str = "summary") -> str:
        """'97.9% [97.2, 98.6]': a share with its interval, from ``{measure}_mean/_low/_high``."""
        return interval_text(*(self.quote(name, row, f"{measure}_{part}", table.loc[row, f"{measure}_{part}"])
                               for part in ("mean", "low", "high")))

    def number(self, table: pd.DataFrame, row: str, column: str, name: str = "summary") -> str:
        return plain(self.quote(name, row, column, table.loc[row, column]))

    def finding(self, text: str, caveat: bool = False) -> Finding:
        return Finding(text, tuple(self.values), caveat)


def interval_text(mean: float, low: float, high: float) -> str:
    """'97.9% [97.2, 98.6]': a share with its 95% interval; '100.0%' when the interval is the
    mean itself (identical replicates, or one)."""
    if low == high == mean:
        return percent(mean)
    return f"{percent(mean)} [{percent(low, sign=False)}, {percent(high, sign=False)}]"


def words(name: str) -> str:
    """A variant's identifier as words: 'late_joint_research' -> 'late joint research'."""
    return name.replace("_", " ")


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def run_findings(result: Any) -> list[Finding]:
    """Every finding of a run (a :class:`coopsim.analyses.run.RunResult`), caveats last."""
    from coopsim.analyses.findings_caveats import caveats
    from coopsim.analyses.findings_races import race_findings
    from coopsim.analyses.networks import network_findings

    findings: list[Finding] = []
    summary = result.tables.get("summary")
    if summary is not None and len(summary):
        findings += _variants(result.scenario, summary.set_index("variant"))
        findings += _labs(result.tables.get("lab_summary"))
        findings += network_findings(result.extras.get("network"))
    if result.oneshot is not None:
        findings += _oneshot(result.oneshot)
    findings += race_findings(result)
    return findings + caveats(result)


def variant_label(scenario, name: str) -> str:
    """'audits and fines (audit and fine from round 30)'."""
    from coopsim.scenario.loading import resolve_variants

    variant = resolve_variants(scenario)[name]
    acts = []
    for spec in variant.interventions:
        window = f"from round {spec.start}"
        if spec.end is not None:
            window += f" to {spec.end - 1}"
        acts.append(f"{words(spec.type)} {window}")
    return f"{words(name)} ({', '.join(acts)})" if acts else words(name)


def _variants(scenario, summary: pd.DataFrame) -> list[Finding]:
    names = list(summary.index)
    reference = names[0]
    if len(names) == 1:
        w = Writer()
        return [w.finding(f"Long-run cooperation is {w.share(summary, reference)}, with "
                          f"{w.number(summary, reference, f'{INCIDENTS}_mean')} incidents and welfare "
                          f"{w.number(summary, reference, f'{WELFARE}_mean')} per run.")]
    findings = []
    for name in names[1:]:
        w = Writer()
        before, after = (summary.loc[n, f"{LONG_RUN}_mean"] for n in (reference, name))
        overlap = (summary.loc[name, f"{LONG_RUN}_low"] <= summary.loc[reference, f"{LONG_RUN}_high"]
                   and summary.loc[reference, f"{LONG_RUN}_low"] <= summary.loc[name, f"{LONG_RUN}_high"])
        verb = "rises" if after > before else "falls" if after < before else "stays"
        text = (f"With {variant_label(scenario, name)}, long-run cooperation {verb} "
                f"from {w.share(summary, reference)} ({words(reference)}) to {w.share(summary, name)}")
        inc_before, inc_after = (summary.loc[n, f"{INCIDENTS}_mean"] for n in (reference, name))
        if inc_before or inc_after:
            change = "fall" if inc_after < inc_before else "rise" if inc_after > inc_before else "stay"
            text += (f", incidents {change} from {w.number(summary, reference, f'{INCIDENTS}_mean')} "
                     f"to {w.number(summary, name, f'{INCIDENTS}_mean')} per run")
        text += (f" and welfare goes from {w.number(summary, reference, f'{WELFARE}_mean')} to "
                 f"{w.number(summary, name, f'{WELFARE}_mean')} per run.")
        if overlap and before != after:
            text += " The two intervals overlap: the difference is not clear at this number of replicates."
        findings.append(w.finding(text))
    return findings


def _labs(table: pd.DataFrame | None) -> list[Finding]:
    """Per variant where kinds of lab differ by NOTABLE_GAP or more: each kind's long-run
    cooperation, and who free-rides on whom (see the module docstring)."""
    from coopsim.analyses.labs import kinds_differ

    if not kinds_differ(table):
        return []
    findings = []
    for variant, part in table.groupby("variant", sort=False):
        part = part.set_index("kind")
        cooperation = part["cooperation_mean"]
        if cooperation.max() - cooperation.min() < NOTABLE_GAP:
            continue
        w = Writer()
        row = f"{variant}/{{}}".format
        shares = [f"{kind} {w.share(part.rename(index=row), row(kind), 'cooperation', 'lab_summary')}"
                  for kind in cooperation.sort_values(kind="stable").index]
        text = f"In {words(variant)}, long-run cooperation by lab: {', '.join(shares)}."
        rider = cooperation.idxmin()
        payers = [k for k in cooperation.index if cooperation[k] - cooperation[rider] >= NOTABLE_GAP]
        payoff = part["payoff_mean"]
        earns = lambda kind: plain(w.quote("lab_summary", row(kind), "payoff_mean", payoff[kind]))  # noqa: E731
        exploited = [k for k in payers if payoff[rider] > payoff[k]]
        if exploited:
            text += (f" {rider} free-rides on {listed(exploited)}: it earns {earns(rider)} per round "
                     f"against {listed([earns(k) for k in exploited])}.")
        others = [k for k in payers if k not in exploited]
        if others:
            text += (f" {rider} cooperates less than {listed(others)} but does not gain by it: it earns "
                     f"{earns(rider)} per round against {listed([earns(k) for k in others])}.")
        findings.append(w.finding(text))
    return findings


def lab_verdict(w: Writer, lab: dict[str, Any], path: str) -> str:
    """'Frontier lab (trust 0.7) defects: cooperating pays only at trust below 0.5.'"""
    decision = "cooperates" if lab["cooperate_is_best_response"] else "defects"
    trust = plain(w.quote("oneshot", path, "trust", lab["trust"]))
    if trust_range(lab)[1] is not None:
        w.quote("oneshot", path, "trust_threshold", lab["trust_threshold"])
    reason = trust_range_words(lab)
    if lab.get("decides_on") == "perceived payoffs":
        truly = "cooperate" if lab["true_game"]["cooperate_is_best_response"] else "defect"
        reason += f" as it perceives its payoffs (truly it would {truly})"
    names = lab["name"].split(", ")
    if len(names) > 1:
        decision = "each " + decision.removesuffix("s")
        reason = reason.replace(" it ", " they ").replace(" its ", " their ")
    return f"{listed(names)} (trust {trust}) {decision}: {reason}."


def _oneshot(oneshot: dict[str, Any]) -> list[Finding]:
    """The one-shot verdict for each kind of lab, then per variant whose expected game (policy
    and incidents in force) gives another verdict, that verdict."""
    w = Writer()
    sentences = [f"One-shot game: {game_words(oneshot)}."]
    sentences += [lab_verdict(w, lab, f"labs[{index}]") for index, lab in enumerate(oneshot.get("labs", []))]
    findings = [w.finding(" ".join(sentences))]
    base = [trust_range_words(lab) for lab in oneshot.get("labs", [])]
    for name, game in oneshot.get("policy", {}).items():
        if [trust_range_words(lab) for lab in game["labs"]] == base:
            continue
        w = Writer()
        verdicts = [lab_verdict(w, lab, f"policy.{name}.labs[{index}]") for index, lab in enumerate(game["labs"])]
        findings.append(w.finding(
            f"With the policy of {words(name)} in force (expected payoffs; game class: "
            f"{game_words(game, oneshot)}): "
            + " ".join(verdicts)))
    return findings


def findings_markdown(scenario, findings: list[Finding]) -> str:
    """The findings block (under the question at the top of the report), then the caveats."""
    lines = ["## Findings", ""]
    lines += [f"- {inert(f.text)}" for f in findings if not f.caveat]
    caveats = [f for f in findings if f.caveat]
    if caveats:
        lines += ["", "Caveats:", ""] + [f"- {inert(f.text)}" for f in caveats]
    return "\n".join(lines) + "\n"


def findings_text(scenario, findings: list[Finding]) -> str:
    """The findings for the terminal: plain lines."""
    lines = []
    if scenario.question:
        lines.append(scenario.question.strip())
    lines += [f"  - {f.text}" for f in findings if not f.caveat]
    lines += [f"  ! {f.text}" for f in findings if f.caveat]
    return "\n".join(lines)

