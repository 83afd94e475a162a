"""What a sweep says, in sentences generated from its per-grid-point summary (`coopsim sweep`).

The summary is ``data/sweep_summary.csv`` (mean and 95% interval of each measure per grid point
and variant). For one numeric parameter each variant's lead share (the model's first ranked share:
long-run cooperation, safe play, disaster) is followed from the first grid value to the last,
with every place it crosses 50% (between two neighbouring grid values: the sweep knows nothing in
between) or equals it; for more parameters, the grid points where it is highest and lowest and
how many points lie above 50%. The next ranked measure (welfare, average payoff) is reported where
it peaks. Every
quoted number is recorded as (table, row, column, value), row being the summary's row number.
"""

from __future__ import annotations

import pandas as pd

from coopsim.analyses.findings import Finding, interval_text, percent, plain
from coopsim.analyses.headlines import capitalised
from coopsim.labels import field_label, in_sentence, is_share, measure_words, words

SUMMARY = "sweep_summary"
LONG_RUN = "long_run_cooperation"
HALF = 0.5


def grid_value(value) -> str:
    """A grid value as findings and titles write it."""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


class _Quotes(list):
    def share(self, row: int, entry: pd.Series, metric: str = LONG_RUN) -> str:
        return interval_text(*(self.take(row, entry, f"{metric}_{part}") for part in ("mean", "low", "high")))

    def take(self, row: int, entry: pd.Series, column: str) -> float:
        value = float(entry[column])
        self.append((SUMMARY, str(row), column, value))
        return value

    def point(self, row: int, entry: pd.Series, parameters: list[str], names: dict[str, str]) -> str:
        said = []
        for parameter in parameters:
            value = entry[parameter]
            if isinstance(value, (int, float)):
                self.append((SUMMARY, str(row), parameter, float(value)))
            said.append(f"{names[parameter]} {grid_value(value)}")
        return ", ".join(said)


def short_label(scenario, path: str) -> str:
    """A parameter's label without its explanation, for use inside a sentence."""
    return in_sentence(field_label(scenario, path))


def lead_measures(measures) -> tuple[str | None, str | None]:
    """The measure a sweep's findings follow (the model's first ranked share: long-run
    cooperation, safe play, disaster) and the one reported where it peaks (the next ranked one:
    welfare, average payoff), from the model's :class:`~coopsim.games.base.Measure` s."""
    ranked = [m for m in measures if m.ranked and m.numeric]
    share = next((m.name for m in ranked if m.share), None)
    other = next((m.name for m in ranked if m.name != share), None)
    return share, other


def sweep_findings(scenario, summary: pd.DataFrame, parameters: list[str], done: int, total: int,
                   lead: str | None = LONG_RUN, peak: str | None = "welfare") -> list[Finding]:
    """Every finding of a sweep; `summary` indexed by its saved row numbers. ``lead`` is the
    share followed across the grid (with its 50% crossings), ``peak`` the measure reported where
    it is highest (see :func:`lead_measures`)."""
    names = {p: short_label(scenario, p) for p in parameters}
    findings = []
    numeric = len(parameters) == 1 and pd.api.types.is_numeric_dtype(summary[parameters[0]])
    measures = [c.removesuffix("_mean") for c in summary.columns if c.endswith("_mean")]
    overridden = overridden_by_variants(scenario, parameters)
    fixed = {v for v in dict.fromkeys(v for _, v in overridden)
             if all((p, v) in overridden for p in parameters)}
    for variant, part in summary.groupby("variant", sort=False):
        if variant in fixed:  # the sweep moves nothing there: only the caveat below
            continue
        label = words(variant)
        moved = [p for p in parameters if (p, variant) not in overridden]  # what the sweep moves there
        if lead in measures and numeric:
            findings.append(_along_one(part.sort_values(parameters[0]), parameters[0], names, label, lead))
        elif lead in measures:
            findings.append(_over_grid(part.drop_duplicates(moved), moved, names, label, lead))
        for measure in [m for m in measures if m != lead and not never_happened(summary, m)][:1] \
                if lead not in measures else [peak] if peak in measures else []:
            q = _Quotes()
            best = part[f"{measure}_mean"].idxmax()
            findings.append(Finding(
                f"In {label}, {measure_words(measure)} is highest at "
                f"{q.point(best, part.loc[best], moved, names)}: "
                f"{plain(q.take(best, part.loc[best], f'{measure}_mean'))}.", tuple(q)))
    for metric in [c.removesuffix("_mean") for c in summary.columns if c.endswith("_mean")]:
        if never_happened(summary, metric):
            findings.append(Finding(f"No {measure_words(metric).split(' over ')[0]} occurred at any grid point "
                                    "(so no chart of them).", caveat=True))
    if "replicates" in summary and (summary["replicates"] == 1).all() and not _exact(summary, lead):
        findings.append(Finding("One replicate per grid point: the values are single runs, with no "
                                "interval; re-run with more replicates before reading a trend.", caveat=True))
    for parameter, variant in overridden:
        findings.append(Finding(f"{capitalised(words(variant))} sets its own "
                                f"{names[parameter]}, so the sweep does not move that parameter there"
                                + (" and its results are the same at every grid point." if variant in fixed
                                   else "."), caveat=True))
    if done < total:
        findings.append(Finding(f"The sweep is incomplete: {done:,} of {total:,} runs are done; "
                                "re-run the same command to finish it.", caveat=True))
    return findings


def overridden_by_variants(scenario, parameters: list[str]) -> list[tuple[str, str]]:
    """(parameter, variant) pairs where the variant's own overrides set the swept path (variant
    overrides are applied over the sweep's values, so the sweep cannot move it there)."""
    from coopsim.scenario.loading import parse_dotted_path

    found = []
    for parameter in parameters:
        parts = parse_dotted_path(parameter)
        for variant, override in (scenario.variants or {}).items():
            node = override
            for part in parts:
                if isinstance(node, dict) and isinstance(part, str) and part in node:
                    node = node[part]
                elif isinstance(node, list) and isinstance(part, int) and part < len(node):
                    node = node[part]
                else:
                    break
            else:
                found.append((parameter, variant))
    return found


def _exact(summary: pd.DataFrame, measure: str | None) -> bool:
    """Whether the summary's measure was computed exactly (``_interval`` says so), not simulated."""
    column = f"{measure}_interval"
    return column in summary and summary[column].astype(str).str.startswith("none").all()


def _along_one(part: pd.DataFrame, parameter: str, names: dict[str, str], label: str,
               lead: str = LONG_RUN) -> Finding:
    q = _Quotes()
    rows = list(part.index)
    first, last = rows[0], rows[-1]
    start, end = part.loc[first, f"{lead}_mean"], part.loc[last, f"{lead}_mean"]
    a, b = part.loc[first], part.loc[last]
    exact = all(entry[f"{lead}_low"] == entry[f"{lead}_high"] for entry in (a, b))  # no interval to overlap
    overlap = (percent(start) == percent(end) if exact
               else a[f"{lead}_low"] <= b[f"{lead}_high"] and b[f"{lead}_low"] <= a[f"{lead}_high"])
    verb = "is" if overlap else "rises from" if end > start else "falls from"
    text = (f"In {label}, {measure_words(lead)} {verb} {q.share(first, a, lead)} at "
            f"{q.point(first, a, [parameter], names)} {'and' if overlap else 'to'} {q.share(last, b, lead)} at "
            f"{q.point(last, b, [parameter], names)}"
            + (" (the intervals overlap)" if overlap and not exact else ""))
    crossings = _crossings(part, lead)
    if crossings:
        text += "; it crosses 50% " + ", ".join(
            f"between {names[parameter]} {grid_value(q.take(a, part.loc[a], parameter))} and "
            f"{grid_value(q.take(b, part.loc[b], parameter))}" for a, b in crossings[:3])
        if len(crossings) > 3:
            text += f" and {len(crossings) - 3} more times"
    means = part[f"{lead}_mean"]
    at_half = [k for k in rows if means[k] == HALF]
    if at_half:
        text += "; it is exactly 50% at " + ", ".join(
            f"{names[parameter]} {grid_value(q.take(k, part.loc[k], parameter))}" for k in at_half[:3])
    if not crossings and (means > HALF).all():
        text += "; it stays above 50% over the whole range"
    elif not crossings and (means < HALF).all():
        text += "; it stays below 50% over the whole range"
    return Finding(text + ".", tuple(q))


def _crossings(part: pd.DataFrame, lead: str = LONG_RUN) -> list[tuple[int, int]]:
    """Neighbouring rows (in the order given) between which the share ``lead`` crosses 50%."""
    rows, means = list(part.index), part[f"{lead}_mean"]
    return [(a, b) for a, b in zip(rows, rows[1:]) if (means[a] - HALF) * (means[b] - HALF) < 0]


def never_happened(summary: pd.DataFrame, metric: str) -> bool:
    """The incident count when it is zero at every grid point in every run (a chart would show nothing)."""
    return metric == "cumulative_incidents" and not summary[f"{metric}_high"].abs().any() \
        and not summary[f"{metric}_mean"].abs().any()


def _over_grid(part: pd.DataFrame, parameters: list[str], names: dict[str, str], label: str,
               lead: str = LONG_RUN) -> Finding:
    q = _Quotes()
    high, low = part[f"{lead}_mean"].idxmax(), part[f"{lead}_mean"].idxmin()
    above = int((part[f"{lead}_mean"] > HALF).sum())
    if percent(part.loc[high, f"{lead}_mean"]) == percent(part.loc[low, f"{lead}_mean"]):
        return Finding(f"In {label}, {measure_words(lead)} is {q.share(high, part.loc[high], lead)} at every "
                       f"grid point (to the precision shown).", tuple(q))
    text = (f"In {label}, {measure_words(lead)} is highest at "
            f"{q.point(high, part.loc[high], parameters, names)} ({q.share(high, part.loc[high], lead)}) and lowest at "
            f"{q.point(low, part.loc[low], parameters, names)} ({q.share(low, part.loc[low], lead)}); "
            f"it is above 50% at {above} of {len(part)} grid points.")
    return Finding(text, tuple(q))


def sweep_headline(summary: pd.DataFrame, parameters: list[str], metric: str, names: dict[str, str],
                   lead: str | None = LONG_RUN) -> str:
    """A chart title stating the result for one measure: its range over the grid, and where
    (and in which variant) it is highest."""
    column = f"{metric}_mean"
    if metric == lead and len(parameters) == 1 and pd.api.types.is_numeric_dtype(summary[parameters[0]]):
        for variant, part in summary.groupby("variant", sort=False):
            crossings = _crossings(part.sort_values(parameters[0]), lead)
            if crossings:
                a, b = (grid_value(part.loc[k, parameters[0]]) for k in crossings[0])
                in_variant = f" in {words(variant)}" if summary["variant"].nunique() > 1 else ""
                subject = measure_words(metric)
                return (f"{capitalised(subject)} crosses 50% between {names[parameters[0]]} "
                        f"{a} and {b}{in_variant}")
    best = summary[column].idxmax()
    write = percent if is_share(metric) else plain
    if write(summary[column].min()) == write(summary[column].max()):
        subject = measure_words(metric)
        return f"{capitalised(subject)} is {write(summary[column].max())} at every grid point"
    where = ", ".join(f"{names[p]} {grid_value(summary.loc[best, p])}" for p in parameters)
    subject = measure_words(metric)
    subject = capitalised(subject)
    variants = summary["variant"].nunique()
    in_variant = f" in {words(summary.loc[best, 'variant'])}" if variants > 1 else ""
    return (f"{subject} ranges from {write(summary[column].min())} to {write(summary[column].max())}; "
            f"highest at {where}{in_variant}")
