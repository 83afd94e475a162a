"""Findings: what a run's results say, in sentences generated from the results.

Each :class:`Finding` is one or two sentences with the numbers and intervals they rest on, and
records every number it quotes (``values``: the table, row and column it came from and the value),
so a test can check each printed number against the saved data. Nothing here is written by hand
per scenario: change the scenario and the findings change with it.

Findings cover the iterated model's answer (each variant against the first, the *reference*:
long-run cooperation with its interval, incidents and welfare per run), the labs one by one (who
cooperated and who free-rode, when kinds differ), the one-shot verdict and whether the iterated
model agrees, and caveats (interventions that never act, identical replicates, cycles).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopsim.markdown_text import inert

LONG_RUN = "long_run_cooperation"
INCIDENTS = "cumulative_incidents"
WELFARE = "welfare"
NOTABLE_GAP = 0.2  # kinds whose long-run cooperation differs by 20 points or more are named


@dataclass(frozen=True)
class Finding:
    """One statement. ``values`` lists (table, row, column, value) of every number quoted."""

    text: str
    values: tuple[tuple[str, str, str, float], ...] = ()
    caveat: bool = False


@dataclass
class _Writer:
    """Collects quoted numbers while a sentence is built."""

    values: list[tuple[str, str, str, float]] = field(default_factory=list)

    def quote(self, table: str, row: str, column: str, value: float) -> float:
        self.values.append((table, row, column, float(value)))
        return float(value)

    def share(self, summary: pd.DataFrame, variant: str) -> str:
        """'97.9% [97.2, 98.6]' for the variant's long-run cooperation."""
        row = summary.loc[variant]
        mean, low, high = (self.quote("summary", variant, f"{LONG_RUN}_{part}", row[f"{LONG_RUN}_{part}"])
                           for part in ("mean", "low", "high"))
        if low == high == mean:  # identical replicates (or one): no interval to show
            return percent(mean)
        return f"{percent(mean)} [{percent(low, sign=False)}, {percent(high, sign=False)}]"

    def number(self, summary: pd.DataFrame, variant: str, column: str) -> str:
        return plain(self.quote("summary", variant, column, summary.loc[variant, column]))


def percent(share: float, sign: bool = True) -> str:
    """0.9791 -> '97.9%' (or '97.9' inside an interval)."""
    return f"{100 * share:.1f}" + ("%" if sign else "")


def plain(value: float) -> str:
    """Readable magnitudes: 33.2, 1,107, -2,296, 0.05."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2g}" if value else "0"


def run_findings(result: Any) -> list[Finding]:
    """Every finding of a run (a :class:`coopsim.analyses.run.RunResult`)."""
    findings: list[Finding] = []
    summary = result.tables.get("summary")
    if summary is not None and len(summary):
        findings += _variants(result.scenario, summary.set_index("variant"))
        findings += _labs(result.tables.get("labs"), summary.set_index("variant"), result.scenario)
    if result.oneshot is not None:
        findings += _oneshot(result.oneshot, summary)
    findings += _caveats(result.scenario, summary)
    return findings


def _variant_label(scenario, name: str) -> str:
    """'audits and fines (audit and fine from round 30)'."""
    from coopsim.scenario.loading import resolve_variants

    variant = resolve_variants(scenario)[name]
    label = name.replace("_", " ")
    acts = []
    for spec in variant.interventions:
        window = f"from round {spec.start}"
        if spec.end is not None:
            window += f" to {spec.end - 1}"
        acts.append(f"{spec.type.replace('_', ' ')} {window}")
    return f"{label} ({', '.join(acts)})" if acts else label


def _variants(scenario, summary: pd.DataFrame) -> list[Finding]:
    names = list(summary.index)
    reference = names[0]
    if len(names) == 1:
        w = _Writer()
        text = (f"Long-run cooperation is {w.share(summary, reference)}, with "
                f"{w.number(summary, reference, f'{INCIDENTS}_mean')} incidents and welfare "
                f"{w.number(summary, reference, f'{WELFARE}_mean')} per run.")
        return [Finding(text, tuple(w.values))]
    findings = []
    for name in names[1:]:
        w = _Writer()
        before, after = (summary.loc[n, f"{LONG_RUN}_mean"] for n in (reference, name))
        overlap = (summary.loc[name, f"{LONG_RUN}_low"] <= summary.loc[reference, f"{LONG_RUN}_high"]
                   and summary.loc[reference, f"{LONG_RUN}_low"] <= summary.loc[name, f"{LONG_RUN}_high"])
        verb = "rises" if after > before else "falls" if after < before else "stays"
        text = (f"With {_variant_label(scenario, name)}, long-run cooperation {verb} "
                f"from {w.share(summary, reference)} ({reference.replace('_', ' ')}) to "
                f"{w.share(summary, name)}")
        inc_before, inc_after = (summary.loc[n, f"{INCIDENTS}_mean"] for n in (reference, name))
        if inc_before or inc_after:
            change = "fall" if inc_after < inc_before else "rise" if inc_after > inc_before else "stay"
            text += (f", incidents {change} from {w.number(summary, reference, f'{INCIDENTS}_mean')} "
                     f"to {w.number(summary, name, f'{INCIDENTS}_mean')} per run")
        text += (f" and welfare goes from {w.number(summary, reference, f'{WELFARE}_mean')} to "
                 f"{w.number(summary, name, f'{WELFARE}_mean')} per run.")
        if overlap:
            text += " The two intervals overlap: the difference is not clear at this number of replicates."
        findings.append(Finding(text, tuple(w.values)))
    return findings


def _labs(labs: pd.DataFrame | None, summary: pd.DataFrame, scenario) -> list[Finding]:
    """Per lab kind, long-run cooperation; name the kinds when they differ markedly."""
    if labs is None or labs.empty or labs["kind"].nunique() < 2:
        return []
    findings = []
    for variant, part in labs.groupby("variant", sort=False):
        rounds = int(summary.loc[variant, "long_run_rounds"])
        last = part[part["round"] >= part["round"].max() + 1 - rounds]
        by_kind = last.groupby("kind", sort=False)["cooperation"].mean()
        payoff = last.groupby("kind", sort=False)["payoff"].mean()
        if by_kind.max() - by_kind.min() < NOTABLE_GAP:
            continue
        w = _Writer()
        parts = [f"{kind} {percent(w.quote('labs', f'{variant}/{kind}', 'cooperation', share))}"
                 for kind, share in by_kind.sort_values().items()]
        rider, payer = by_kind.idxmin(), by_kind.idxmax()
        text = (f"In {variant.replace('_', ' ')}, labs differ: long-run cooperation by lab: "
                + ", ".join(parts) + f". {rider} free-rides on {payer}: it earns "
                f"{plain(w.quote('labs', f'{variant}/{rider}', 'payoff', payoff[rider]))} per round "
                f"against {plain(w.quote('labs', f'{variant}/{payer}', 'payoff', payoff[payer]))}.")
        findings.append(Finding(text, tuple(w.values)))
    return findings


def _class_words(game_class: Any) -> str:
    from coopsim.analyses.oneshot_text import class_title

    try:
        return class_title(game_class)
    except (TypeError, ValueError, AttributeError):
        return str(game_class).replace("_", " ")


def _oneshot(oneshot: dict[str, Any], summary: pd.DataFrame | None) -> list[Finding]:
    """The one-shot verdict for each kind of lab, and whether the iterated model agrees."""
    w = _Writer()
    sentences = [f"One-shot game: {_class_words(oneshot.get('game_class_detail', oneshot.get('game_class')))}."]
    for index, lab in enumerate(oneshot.get("labs", [])):
        decision = "cooperates" if lab["cooperate_is_best_response"] else "defects"
        trust = plain(w.quote("oneshot", f"labs[{index}]", "trust", lab["trust"]))
        threshold = lab.get("trust_threshold")
        region = lab.get("cooperation_region")
        if threshold is not None:
            side = "above" if str(region).startswith("trust >") else "below"
            reason = (f"cooperating is its best response only at trust {side} "
                      f"{w.quote('oneshot', f'labs[{index}]', 'trust_threshold', threshold):.3g}")
        elif region == "always":
            reason = "cooperating is its best response at every level of trust"
        else:
            reason = "no level of trust makes cooperating its best response"
        if lab.get("decides_on") == "perceived payoffs":
            reason += f" as it perceives its payoffs (truly it would {'cooperate' if lab['true_game']['cooperate_is_best_response'] else 'defect'})"
        names = lab["name"].split(", ")
        if len(names) > 1:
            decision = "each " + decision.removesuffix("s")
            reason = reason.replace(" its ", " their ")
        sentences.append(f"{' and '.join(names)} (trust {trust}) {decision}: {reason}.")
    findings = [Finding(" ".join(sentences), tuple(w.values))]
    if summary is not None and len(summary):
        first = summary.iloc[0]
        iterated = first[f"{LONG_RUN}_mean"]
        cooperates = oneshot.get("cooperate_is_best_response")
        if cooperates is False and iterated > 0.5 or cooperates is True and iterated < 0.5:
            findings.append(Finding(
                f"The iterated model departs from the one-shot verdict: long-run cooperation in "
                f"{first['variant'].replace('_', ' ')} is {percent(iterated)}, because labs play "
                "repeatedly and learn from what they observe (beliefs, reputations and policy "
                "change the choice the one-shot game assumes fixed).",
                (("summary", first["variant"], f"{LONG_RUN}_mean", float(iterated)),), caveat=True))
    return findings


def _caveats(scenario, summary: pd.DataFrame | None) -> list[Finding]:
    from coopsim.policy.expected import inactive
    from coopsim.scenario.loading import resolve_variants

    findings = []
    for name, variant in resolve_variants(scenario).items():
        for index, reason in inactive(variant):
            kind = variant.interventions[index].type.replace("_", " ")
            findings.append(Finding(f"In {name.replace('_', ' ')}, the {kind} intervention does "
                                    f"nothing: {reason}.", caveat=True))
    if summary is not None and "deterministic" in summary:
        same = summary[summary["deterministic"].astype(bool)]["variant"].tolist()
        if same:
            findings.append(Finding(
                "Every replicate of " + ", ".join(v.replace("_", " ") for v in same)
                + " is identical (no random element in the scenario): the interval is a single value.",
                caveat=True))
    if summary is not None and "long_run_cycle_period" in summary:
        for _, row in summary.iterrows():
            period = row["long_run_cycle_period"]
            if pd.notna(period) and period > 1:
                findings.append(Finding(
                    f"In {row['variant'].replace('_', ' ')}, the long run is a cycle of period "
                    f"{int(period)} rounds, not a steady state: long-run cooperation is its average.",
                    caveat=True))
    if summary is not None and f"{INCIDENTS}_mean" in summary and not summary[f"{INCIDENTS}_mean"].any():
        findings.append(Finding("No incidents occurred in any variant.", caveat=True))
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


# --------------------------------------------------------------------------- chart titles
# (words, how a value is written, the verbs for a rise and a fall): one title per measure.
HEADLINE_MEASURES = {
    LONG_RUN: ("long-run cooperation", percent, ("rises", "falls")),
    "long_run_trust": ("long-run trust", lambda v: f"{v:.2f}", ("rises", "falls")),
    INCIDENTS: ("incidents per run", plain, ("rise", "fall")),
    WELFARE: ("welfare per run", plain, ("rises", "falls")),
}


def long_run_means(rounds: pd.DataFrame, summary: pd.DataFrame, column: str) -> pd.Series:
    """Per variant, the mean of a ``rounds`` column over the long run (the final
    ``long_run_rounds`` rounds of the summary) pooled over replicates, in summary order."""
    tails = summary.set_index("variant")["long_run_rounds"]
    means = {}
    for variant, table in rounds.groupby("variant", sort=False):
        last = table["round"].max()
        means[variant] = table.loc[table["round"] > last - int(tails[variant]), column].mean()
    return pd.Series(means).reindex(summary["variant"])


def headline(means: pd.Series, measure: str) -> str:
    """A chart title stating the result for one measure, from per-variant values (``means``,
    indexed by variant, the first the reference): the variant that moves it furthest from the
    reference, e.g. 'Long-run cooperation rises from 1.7% (no collaboration) to 97.9% with joint
    research'; with one variant, its value."""
    words, write, (up, down) = HEADLINE_MEASURES[measure]
    subject = words[0].upper() + words[1:]
    names = list(means.index)
    reference = names[0]
    if len(names) == 1:
        return f"{subject}: {write(means[reference])}"
    changes = (means.drop(reference) - means[reference]).abs()
    if not (changes > 0).any():
        return f"{subject}: {write(means[reference])} in every variant"
    mover = changes.idxmax()
    if write(means[mover]) == write(means[reference]):  # a change too small to show
        return f"{subject}: {write(means[reference])} in every variant"
    verb = up if means[mover] > means[reference] else down
    return (f"{subject} {verb} from {write(means[reference])} ({reference.replace('_', ' ')}) "
            f"to {write(means[mover])} with {mover.replace('_', ' ')}")


def oneshot_headlines(oneshot: dict[str, Any]) -> tuple[str, str]:
    """Titles for the payoff-matrix and expected-payoff charts: the game's class, and where
    cooperating becomes each kind of lab's best response (its critical trust)."""
    words = _class_words(oneshot.get("game_class")).removeprefix("asymmetric: ")
    for side in ("row", "column"):
        if oneshot.get(f"{side}_lab"):
            words = words.replace(f"the {side} lab", oneshot[f"{side}_lab"])
    game = f"One-shot game: {words}"
    verdicts = []
    for lab in oneshot.get("labs", []):
        threshold, region = lab.get("trust_threshold"), lab.get("cooperation_region")
        side = "above" if str(region).startswith("trust >") else "below"
        if threshold is not None and (0 < threshold < 1 or (side == "above") == (threshold <= 0)):
            verdicts.append((lab["name"], f"cooperating pays only at trust {side} {threshold + 0.0:.3g}"))
        elif region == "always":
            verdicts.append((lab["name"], "cooperating pays at every level of trust"))
        elif region == "indifferent":
            verdicts.append((lab["name"], "cooperating and defecting pay the same at every level of trust"))
        else:  # also a threshold outside (0, 1) on the wrong side: no trust in [0, 1] beats it
            verdicts.append((lab["name"], "no level of trust makes cooperating pay"))
    if len({text for _, text in verdicts}) == 1:
        text = verdicts[0][1]
        return game, text[0].upper() + text[1:]
    return game, "; ".join(f"{name}: {text}" for name, text in verdicts)
