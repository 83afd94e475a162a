"""What a sensitivity analysis says, in sentences generated from its table (`coopsim sensitivity`).

One-at-a-time: per variant, the parameter whose move from its low to its high value changes each
measure most (the effect, high minus low, with its 95% interval across replicates where there is
one), and the next two; whether the largest effect's interval includes no change, and whether it
overlaps the next one's (then the ranking of the two is not clear). Sobol: per variant and measure, the
parameter with the largest total index ST (the share of the output's variance it accounts for,
with its interactions) with its 95% confidence interval and first-order index S1, and whether the
ranking is clear (the top two intervals do not overlap). Quoted numbers are recorded as (table,
row, column, value); the table is ``data/sensitivity-METHOD.csv`` with its `parameter label`.
"""

from __future__ import annotations

import pandas as pd

from coopsim.analyses.findings import Finding, percent, plain
from coopsim.analyses.headlines import capitalised
from coopsim.labels import in_sentence, is_share, measure_words, words

LABEL = "parameter label"


def _effect(metric: str, value: float) -> str:
    """An effect: percentage points for a share, else the measure's own units."""
    if is_share(metric):
        return f"{'+' if value >= 0 else '-'}{abs(100 * value):.1f} points"
    return ("+" if value >= 0 else "-") + plain(abs(value))


def _span(metric: str, low: float, high: float) -> str:
    """An effect's interval, in the effect's units: '[-3.1, +12.4] points'."""
    if is_share(metric):
        return f"[{100 * low:+.1f}, {100 * high:+.1f}] points"
    return f"[{'+' if low >= 0 else '-'}{plain(abs(low))}, {'+' if high >= 0 else '-'}{plain(abs(high))}]"


def _has_interval(table: pd.DataFrame, row, metric: str) -> bool:
    """Whether the effect has an interval (not exact, one replicate or identical replicates)."""
    column = f"{metric}_effect_interval"
    return column in table and not str(table.loc[row, column]).startswith("none")


def _level(metric: str, value: float) -> str:
    return percent(value) if is_share(metric) else plain(value)


def _moves(metric: str, effects: pd.Series) -> bool:
    """Whether any effect shows at the precision findings print: 0.1 percentage points for a
    share (smaller moves, such as 1e-14 of a stationary distribution, read as none), 1e-6 in
    other units (the round-off of exact computations)."""
    largest = float(effects.abs().max())
    return largest >= 0.001 if is_share(metric) else largest >= 1e-6


def overridden_caveats(scenario, table: pd.DataFrame) -> list[Finding]:
    """A caveat per (parameter, variant) where the variant sets the parameter itself, so moving
    the base scenario's value changes nothing there (an effect of 0 that says nothing)."""
    from coopsim.analyses.sweep_findings import overridden_by_variants

    found = overridden_by_variants(scenario, list(dict.fromkeys(table["parameter"])))
    labels = dict(zip(table["parameter"], table[LABEL])) if LABEL in table else {}
    return [Finding(f"{capitalised(words(variant))} sets its own "
                    f"{in_sentence(labels.get(path, path))}, so moving it in "
                    "the base scenario changes nothing there: its effect in that variant is no finding.",
                    caveat=True)
            for path, variant in found if variant in set(table["variant"])]


def oat_findings(table: pd.DataFrame, metrics: tuple[str, ...], name: str) -> list[Finding]:
    findings = []
    for variant, part in table.groupby("variant", sort=False):
        for metric in metrics:
            ranked = part.reindex(part[f"{metric}_effect"].abs().sort_values(ascending=False, kind="stable").index)
            top, values = ranked.index[0], []
            entry = ranked.loc[top]

            def q(row, column):
                values.append((name, str(row), column, float(table.loc[row, column])))
                return float(table.loc[row, column])

            if not _moves(metric, ranked[f"{metric}_effect"]):
                by = " by as much as 0.1 percentage points" if is_share(metric) else ""
                findings.append(Finding(f"In {words(variant)}, no parameter moves {measure_words(metric)}{by} "
                                        "within the ranges tried.", caveat=True))
                continue

            def effect(row, lead: str = "") -> str:
                said = _effect(metric, q(row, f"{metric}_effect"))
                if _has_interval(table, row, metric):
                    said += f", {lead}" + _span(metric, q(row, f"{metric}_effect_low"), q(row, f"{metric}_effect_high"))
                return said

            name_top = in_sentence(entry[LABEL])
            text = (f"In {words(variant)}, {name_top} moves {measure_words(metric)} most: from "
                    f"{_level(metric, q(top, f'{metric}_at_low'))} at {name_top} {plain(q(top, 'low_value'))} to "
                    f"{_level(metric, q(top, f'{metric}_at_high'))} at {plain(q(top, 'high_value'))} "
                    f"({effect(top, '95% interval ')})")
            moving = [k for k in ranked.index[1:3] if _moves(metric, ranked.loc[[k], f"{metric}_effect"])]
            if moving:
                text += "; next: " + ", ".join(f"{in_sentence(ranked.loc[k, LABEL])} ({effect(k)})" for k in moving)
            if _has_interval(table, top, metric):
                low, high = table.loc[top, f"{metric}_effect_low"], table.loc[top, f"{metric}_effect_high"]
                if low <= 0 <= high:
                    text += (". Its interval includes no change: at these replicates even the largest "
                             "effect is not told apart from none")
                elif moving and _has_interval(table, moving[0], metric):
                    # sizes: |effect| lies in [min(|low|, |high|), ...] for the first, in [..., max] for the next
                    second = table.loc[moving[0], [f"{metric}_effect_low", f"{metric}_effect_high"]].abs()
                    if min(abs(low), abs(high)) <= second.max():
                        text += (f". Its interval overlaps that of {in_sentence(ranked.loc[moving[0], LABEL])}: "
                                 "the ranking of the two is not clear")
            findings.append(Finding(text + ".", tuple(values)))
    return findings


def oat_headline(table: pd.DataFrame, metric: str) -> str:
    """A tornado chart's title: the parameter with the largest effect on ``metric`` in any
    variant (named when there are several), or that none moves it (see :func:`_moves`)."""
    effects = table[f"{metric}_effect"].abs()
    if not _moves(metric, effects):
        return f"No parameter moves {measure_words(metric)} within the ranges tried"
    top = table.loc[effects.idxmax()]
    where = f" (in {words(top['variant'])})" if table["variant"].nunique() > 1 else ""
    text = f"{in_sentence(top[LABEL])} moves {measure_words(metric)} most{where}"
    return capitalised(text)


def sobol_headline(table: pd.DataFrame, metric: str, samples: int) -> str:
    """A Sobol chart's title: the largest total index in the first variant whose output moves
    (named when there are several), whether its lead is clear, or that the output does not move."""
    part = table[table["metric"] == metric]
    moving = [v for v, rows in part.groupby("variant", sort=False)
              if "output_range" not in rows or _moves(metric, rows["output_range"])]
    if not moving:
        return f"No parameter moves {measure_words(metric)} over the sample"
    order = part[part["variant"] == moving[0]].sort_values("ST", ascending=False, kind="stable")
    top = in_sentence(order[LABEL].iloc[0])
    where = f" (in {words(moving[0])})" if part["variant"].nunique() > 1 else ""
    if len(order) > 1 and order["ST_low"].iloc[0] <= order["ST_high"].iloc[1]:
        return (f"No clear leader at {samples} samples: {top} has the largest total index for "
                f"{measure_words(metric)}{where}, but its interval overlaps the next one's")
    text = f"{top} accounts for most of the variance in {measure_words(metric)}{where}"
    return capitalised(text)


def with_intervals(table: pd.DataFrame) -> pd.DataFrame:
    """The Sobol table with each index's 95% interval as columns (S1_low, S1_high, ST_low,
    ST_high: estimate -+ SALib's confidence half-width), as the findings quote them."""
    table = table.copy()
    for index in ("S1", "ST"):
        position = table.columns.get_loc(f"{index}_conf") + 1
        table.insert(position, f"{index}_high", table[index] + table[f"{index}_conf"])
        table.insert(position, f"{index}_low", table[index] - table[f"{index}_conf"])
    return table


def sobol_findings(table: pd.DataFrame, name: str, samples: int) -> list[Finding]:
    findings = []
    for (variant, metric), part in table.groupby(["variant", "metric"], sort=False):
        if "output_range" in part and not _moves(metric, part["output_range"]):
            findings.append(Finding(f"In {words(variant)}, {measure_words(metric)} hardly moves over the whole "
                                    "sample (less than the precision findings print), so its Sobol indices "
                                    "say nothing.", caveat=True))
            continue
        ranked = part.sort_values("ST", ascending=False, kind="stable")
        values = []

        def interval(row, index):
            value, low, high = (float(table.loc[row, f"{index}{part}"]) for part in ("", "_low", "_high"))
            values.extend((name, str(row), f"{index}{part}", v) for part, v in (("", value), ("_low", low), ("_high", high)))
            return f"{index} = {value:.2f} [{low:.2f}, {high:.2f}]"

        top = ranked.index[0]
        text = (f"In {words(variant)}, {in_sentence(ranked.loc[top, LABEL])} accounts for the largest share of the "
                f"variance in {measure_words(metric)}: {interval(top, 'ST')} (total, with interactions), "
                f"{interval(top, 'S1')} (alone)")
        if len(ranked) > 1:
            second = ranked.index[1]
            text += f"; next: {in_sentence(ranked.loc[second, LABEL])}, {interval(second, 'ST')}"
            if table.loc[top, "ST_low"] <= table.loc[second, "ST_high"]:
                text += (f". The two intervals overlap: at {samples} base samples the ranking of "
                         "these two is not clear")
        findings.append(Finding(text + ".", tuple(values)))
    return findings
