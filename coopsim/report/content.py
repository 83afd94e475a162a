"""What a report says, as an ordered list of blocks (Markdown text or a named chart).

The same blocks become `report.md` (charts as PNG images) and `index.html` (charts rendered live
by vega-embed), so the two never drift apart. Text from the scenario (names, question,
description, variant names) goes through `plain`, so it reads as written and is never Markdown or
HTML markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from coopsim.abm.strategies import trust_drives_decisions
from coopsim.policy import INTERVENTIONS, PAPER_STRATEGIES
from coopsim.policy.expected import inactive
from coopsim.analyses import networks
from coopsim.analyses.findings import findings_markdown, run_findings
from coopsim.analyses.labs import LAB_MEASURES, kinds_differ
from coopsim.theory.intervals import interval_method
from coopsim.games import game_model
from coopsim.analyses.oneshot_text import fmt, oneshot_markdown
from coopsim.labels import words
from coopsim.markdown_text import code, plain
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants

CHART_TITLES = {
    "payoff-matrix": "Payoff matrix",
    "expected-payoff-vs-trust": "Expected payoff against trust",
    "expected-payoff-by-variant": "Expected payoff against trust in each variant's expected game",
    "labs-compared": "Labs compared: long-run cooperation, payoff and trust",
    "cooperation-by-lab-over-time": "Cooperation of each lab over time",
    "dsair-zones-s-p_r": "DSAIR zones over speed and disaster risk",
    "dsair-zones-p_fo-p_r": "DSAIR zones over detection and disaster risk",
    "precipice-disaster-vs-mu": "Probability of disaster against the capability range mu",
    "race-shares-by-degree": "Long-run strategy shares by degree class on each network",
    "what-if": "What if: move the sliders to recompute the one-shot game in the page",
    "variant-summary": "Variants compared",
    "cooperation-over-time": "Cooperation over time",
    "trust-over-time": "Trust over time",
    "cumulative-incidents": "Cumulative incidents",
    "welfare-over-time": "Welfare over time",
}


@dataclass(frozen=True)
class Block:
    """A piece of the report: Markdown text, or the name of a chart."""

    kind: str  # "markdown" or "chart"
    content: str


NO_TRUST_CHART = ("No chart of trust over time: no lab's decision rule acts on trust (the belief that "
                  "a partner cooperates), so it would show a belief nobody uses.")


def md(text: str) -> Block:
    return Block("markdown", text.strip() + "\n")


def chart(name: str) -> Block:
    return Block("chart", name)


def report_blocks(result, manifest: dict[str, Any]) -> list[Block]:
    """Every block of the report of a run, in reading order."""
    scenario: Scenario = result.scenario
    blocks = [md(_heading(scenario)), md(findings_markdown(scenario, run_findings(result))),
              md(scenario_in_words(scenario))]
    if result.oneshot is not None:
        blocks += [md(oneshot_markdown(result.oneshot)), chart("payoff-matrix"),
                   chart("expected-payoff-vs-trust"), chart("expected-payoff-by-variant"), chart("what-if")]
    if "summary" in result.tables:
        blocks += [md(iterated_summary(result.tables["summary"], scenario)), chart("variant-summary")]
        if not trust_drives_decisions(scenario):
            blocks.append(md(NO_TRUST_CHART))
        for name in ("cooperation-over-time", "trust-over-time", "cumulative-incidents", "welfare-over-time"):
            blocks.append(chart(name))
    if kinds_differ(result.tables.get("lab_summary")):
        blocks += [md(lab_by_lab(result.tables["lab_summary"], scenario)), chart("labs-compared"),
                   chart("cooperation-by-lab-over-time")]
    for title, text, chart_names in result.sections:
        blocks.append(md(f"## {title}\n\n{text}"))
        blocks += [chart(name) for name in chart_names]
    blocks.append(md(provenance(manifest)))
    return [b for b in blocks if b.kind == "markdown" or b.content in result.charts]


def _heading(scenario: Scenario) -> str:
    lines = [f"# {plain(scenario.name)}", ""]
    if scenario.question:
        lines += [f"**Question:** {plain(scenario.question)}", ""]
    if scenario.description.strip():
        lines += [plain(scenario.description, one_line=False), ""]
    return "\n".join(lines)


def scenario_in_words(scenario: Scenario) -> str:
    """The labs, the game, the dynamics and the interventions in plain words."""
    game = scenario.game
    model = game_model(scenario)
    lines = ["## The scenario", "", *model.describe(scenario)]
    if not model.provides("stage_game"):  # no labs table: the model's sections describe it
        return "\n".join(lines)
    lines += ["| lab | count | trust | factors set for this lab | decision rule |", "|---|---|---|---|---|"]
    for lab in scenario.labs:
        overrides = ", ".join(f"{k.replace('_', ' ')} {fmt(v)}" for k, v in lab.payoff_overrides().items())
        if lab.perceived is not None:
            beliefs = ", ".join(f"{k.replace('_', ' ')} {fmt(v)}"
                                for k, v in lab.perceived.model_dump(exclude_none=True).items())
            overrides += ("; " if overrides else "") + f"believes {beliefs}"
        trust = fmt(lab.trust if lab.trust is not None else game.trust)
        strategy = lab.strategy.type.replace("_", " ")
        lines.append(f"| {plain(lab.name)} | {lab.count} | {trust} | {overrides or 'as the game'} | {strategy} |")
    d = scenario.dynamics
    incidents = d.incidents
    lines += [
        "",
        f"Iterated model: {d.rounds} rounds, {d.replicates} replicates per variant, "
        f"{who_meets_whom(scenario)}{'; ' if networks.has_network(scenario) else ', '}partners' actions observed with probability "
        f"{fmt(d.observability)}, trembles {fmt(d.tremble)}. "
        + (f"Each defection causes an incident with probability {fmt(incidents.probability)} "
           f"costing {fmt(incidents.cost)}, borne by "
           + ("the defector." if incidents.borne_by == "defector" else "all labs equally.")
           if incidents.probability > 0 else "No incidents."),
    ]
    lines += ["", interventions_in_words(scenario)]
    return "\n".join(lines)


def who_meets_whom(scenario: Scenario) -> str:
    """'round robin matching', or each variant's network (said once when every variant shares it)."""
    if not networks.has_network(scenario):
        return f"{scenario.dynamics.matching.replace('_', ' ')} matching"
    described = {name: networks.network_description(v) for name, v in resolve_variants(scenario).items()}
    if len(set(described.values())) == 1:
        return "labs play their neighbours on " + next(iter(described.values()))
    return "labs play their neighbours on " + "; ".join(
        f"{text} ({words(name)})" for name, text in described.items())


def interventions_in_words(scenario: Scenario) -> str:
    """Each variant's interventions: what, when, with which parameters, and the paper's strategy."""
    lines = ["| variant | intervention | active rounds | parameters | public cost per round | "
             "paper's strategy |", "|---|---|---|---|---|---|"]
    count = 0
    for name, variant in resolve_variants(scenario).items():
        if not variant.interventions:
            lines.append(f"| {plain(words(name))} | none | | | | |")
        no_ops = dict(inactive(variant))
        for index, intervention in enumerate(variant.interventions):
            count += 1
            params = intervention.model_dump(
                exclude={"type", "start", "end", "cost_per_round", "targets"}, exclude_none=True
            )
            aimed = [f"targets {intervention.targets.in_words()}"] if intervention.targets is not None else []
            end = "end" if intervention.end is None else str(intervention.end - 1)
            if index in no_ops:
                end += f" (does nothing: {no_ops[index]})"
            strategy = INTERVENTIONS[intervention.type].paper_strategy
            lines.append(
                f"| {plain(words(name))} | {words(intervention.type)} | {intervention.start}–{end} | "
                + "; ".join(aimed + [", ".join(f"{words(k)} {_value(v)}" for k, v in params.items())])
                + f" | {fmt(intervention.cost_per_round)} | {strategy}. {PAPER_STRATEGIES[strategy]} |"
            )
    return "\n".join(lines) if count else "No policy interventions."


def _value(value: Any) -> str:
    """A parameter value: numbers formatted, anything else literal text."""
    return fmt(value) if isinstance(value, (int, float)) else plain(fmt(value))


def iterated_summary(summary: pd.DataFrame, scenario: Scenario) -> str:
    """The per-variant summary table with 95% intervals across replicates, naming each
    interval's method, deterministic variants and long-run cycles."""
    measures = {"long_run_cooperation": "long-run cooperation", "cumulative_incidents": "incidents",
                "welfare": "welfare"}
    methods: dict[str, list[str]] = {}
    for measure, label in measures.items():
        # Summaries saved before the method column existed used t-intervals throughout.
        used = summary.get(f"{measure}_interval", pd.Series(["Student t"])).dropna()
        for method in dict.fromkeys(m for m in used if not m.startswith("none")):
            methods.setdefault(method, []).append(label)
    named = "; ".join(f"{method} for {' and '.join(labels)}" for method, labels in methods.items())
    if "BCa bootstrap" in methods:
        named += "; a bootstrap interval never leaves the range a share or a count can take"
    intervals = (f"Means across replicates with 95% intervals ({named})." if methods else
                 "Each variant ran once, so no interval: a deterministic variant gives the same "
                 "run whatever the seed.")
    lines = [
        "## Iterated results by variant",
        "",
        f"{intervals} Long-run cooperation is the share of cooperative choices over the last "
        f"{fmt(scenario.dynamics.long_run_fraction * 100)}% of rounds; incidents and welfare "
        "(payoffs net of public cost) are totals over the run.",
        "",
        "| variant | replicates | long-run cooperation | incidents | welfare |",
        "|---|---|---|---|---|",
    ]
    for _, row in summary.iterrows():
        cells = [
            f"{fmt(row[f'{m}_mean'])} [{fmt(row[f'{m}_low'])}, {fmt(row[f'{m}_high'])}]"
            for m in measures
        ]
        runs = str(int(row["replicates"]))
        period = row.get("long_run_cycle_period")
        if bool(row.get("deterministic", False)):
            runs += " (deterministic: every replicate identical)"
            if pd.isna(period):
                cells[0] += " (not settled: no repeating pattern in the long-run window)"
        if pd.notna(period) and int(period) > 1:
            cells[0] += f" (a cycle of period {int(period)})"
        lines.append(f"| {plain(words(row['variant']))} | {runs} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def lab_by_lab(table: pd.DataFrame, scenario: Scenario) -> str:
    """The lab summary as a table: per variant and kind of lab, long-run cooperation, payoff per
    round and trust with their 95% intervals across replicates."""
    replicates = int(table["replicates"].max())
    methods = "; ".join(f"{interval_method(bounds)} for {measure}" for measure, bounds in LAB_MEASURES.items())
    spread = (f"Means across replicates with 95% intervals ({methods})" if replicates > 1
              else "One run per variant, so no interval")
    lines = [
        "## Lab by lab",
        "",
        f"Each kind of lab (a lab of the scenario, or the labs that `count` makes of it) over the long "
        f"run (the last {fmt(scenario.dynamics.long_run_fraction * 100)}% of rounds), averaged over its "
        f"labs. {spread}.",
        "",
        "| variant | lab | labs | long-run cooperation | payoff per round | trust |",
        "|---|---|---|---|---|---|",
    ]
    for _, row in table.iterrows():
        cells = [f"{fmt(row[f'{m}_mean'])} [{fmt(row[f'{m}_low'])}, {fmt(row[f'{m}_high'])}]"
                 if row[f"{m}_low"] != row[f"{m}_high"] else fmt(row[f"{m}_mean"])
                 for m in ("cooperation", "payoff", "trust")]
        lines.append(f"| {plain(words(row['variant']))} | {plain(row['kind'])} | {int(row['labs'])} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def provenance(manifest: dict[str, Any]) -> str:
    """Where the numbers came from and how to reproduce them."""
    versions = ", ".join(f"{k} {v}" for k, v in manifest["versions"].items())
    return "\n".join([
        "## Provenance",
        "",
        f"- coopsim {manifest['versions']['coopsim']}; scenario SHA-256 `{manifest['scenario_sha256']}`; "
        f"seed {manifest['seed']}; created {manifest['created']}",
        f"- reproduce: {code(manifest['command'] or 'coopsim run scenario.yaml')} "
        "(the resolved scenario is `scenario.yaml` in this folder)",
        f"- versions: {versions}",
    ])


def chart_title(name: str) -> str:
    """A readable title for a chart file name."""
    return CHART_TITLES.get(name, name.replace("-", " ").capitalize())

