"""The reports of `evolve`, `sweep`, `phase` and `sensitivity`: results in, a :class:`Report` out.

Each builder puts the command's findings (generated from its results) at the top, its charts with
titles that state the result and labels in words (:mod:`coopsim.labels`), and the tables the
findings quote under ``data/``. The folder itself is written by
:func:`coopsim.report.folder.write_folder`, as for `coopsim run`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from coopsim.charts.theme import caption
from coopsim.report.document import Report, command_blocks, section


def chart_subtitle(scenario, extra: str = "") -> str:
    """The question, then scenario, seed and what the chart is computed from."""
    subtitle = caption(scenario.name, scenario.seed) + (f" · {extra}" if extra else "")
    return f"{scenario.question.strip()}\n{subtitle}" if scenario.question else subtitle


# --------------------------------------------------------------------------- phase


def phase_report(scenario, table: pd.DataFrame, x: str, y: str, manifest: dict[str, Any]) -> Report:
    """`coopsim phase`: the maps the model declares (``phase_maps``) over (x, y), the scenario's
    point marked on each (a stage game: class, equilibria and best response, with the verdict's
    boundaries through the point; other models: their own categories)."""
    from coopsim.games import game_model

    if not game_model(scenario).provides("stage_game"):
        return _model_phase_report(scenario, table, x, y, manifest)
    return _stage_phase_report(scenario, table, x, y, manifest)


def _stage_phase_report(scenario, table: pd.DataFrame, x: str, y: str, manifest: dict[str, Any]) -> Report:
    """The maps of the one-shot game over (x, y) (the stage model's ``phase_maps``: game class,
    equilibria, the row lab's best response), the scenario's point marked on each."""
    from coopsim.analyses import phase_findings as pf
    from coopsim.analyses.findings import percent
    from coopsim.analyses.phase import Axis, phase_grid
    from coopsim.charts.phase import phase_map
    from coopsim.games import game_model
    from coopsim.games.stage import expand_labs
    from coopsim.labels import field_label

    labs = expand_labs(scenario)
    row_lab, column_lab = labs[0].name, labs[1].name
    here = pf.scenario_point(scenario, (x, y))
    point = None
    if here is not None:
        import numpy as np

        point = phase_grid(scenario, Axis(x, np.array([here[0]])), Axis(y, np.array([here[1]])))
    maps = game_model(scenario).phase_maps
    columns = [m.column for m in maps.values()]
    shares = pf.shares_table(table, columns, row_lab, column_lab)
    boundaries = pf.boundaries_table(table, x, y, here, columns, row_lab, column_lab)
    findings = pf.phase_findings(scenario, x, y, point, shares, boundaries, row_lab, column_lab)
    subtitle = chart_subtitle(scenario, f"{len(table):,} cells, closed form; diamond: this scenario")
    x_title, y_title = field_label(scenario, x), field_label(scenario, y)

    def largest(column: str) -> tuple[str, float]:
        part = shares[shares["map"] == column].sort_values("share", ascending=False).iloc[0]
        return part["category"], part["share"]

    charts = {}
    for name, spec in maps.items():
        column = spec.column
        category, share = largest(column)
        if column == "cooperation_rational":
            rational = shares[(shares["map"] == column) & (shares["category"] == "cooperate")]["share"].sum()
            title = f"Cooperating is {row_lab}'s best response in {percent(rational)} of the grid"
        elif column == "game_class":
            title = f"The game is {category} in {percent(share)} of the grid"
        else:
            title = f"Equilibria: {category} in {percent(share)} of the grid"
        charts[f"phase-{name}"] = phase_map(
            table, x, y, column, title, spec.legend.format(row_lab=row_lab), subtitle, x_title, y_title, here,
            words=lambda v, c=column: pf.category_words(c, v, row_lab, column_lab))
    body = section(
        "Phase diagrams",
        f"The one-shot game between {row_lab} (row) and {column_lab} (column) on a "
        f"{table[x].nunique()} x {table[y].nunique()} grid of {x_title.lower()} and {y_title.lower()}, "
        "in closed form. `data/phase.csv` holds every cell; `data/phase_shares.csv` the share of "
        "cells per verdict; `data/phase_boundaries.csv` where each verdict changes along the lines "
        "through the scenario's point (to within one grid step).",
        *charts)
    tables = {"phase": table, "phase_shares": shares, "phase_boundaries": boundaries}
    if point is not None:
        tables["phase_point"] = point
    counts = {column: table[column].astype(str).value_counts().sort_index().to_dict() for column in columns}
    files = {"phase.json": {"scenario": scenario.name, "x": x, "y": y, "cells": len(table), "counts": counts}}
    what = f"coopsim phase: {x_title} against {y_title}."
    return Report(scenario, command_blocks(scenario, what, findings, body, manifest), charts, tables, files, findings)


def _model_phase_report(scenario, table: pd.DataFrame, x: str, y: str, manifest: dict[str, Any]) -> Report:
    """The maps a model without a stage game declares (``phase_maps``), with the category at the scenario's own point (the model's phase table on that one cell) and
    the share of the grid each category covers."""
    import numpy as np

    from coopsim.analyses import phase_findings as pf
    from coopsim.analyses.headlines import capitalised
    from coopsim.analyses.phase import Axis, phase_table
    from coopsim.charts.phase import phase_map
    from coopsim.games import game_model
    from coopsim.labels import field_label

    maps = {name: spec for name, spec in game_model(scenario).phase_maps.items() if spec.column in table}
    here = pf.scenario_point(scenario, (x, y))
    point = None
    if here is not None:
        point = phase_table(scenario, Axis(x, np.array([here[0]])), Axis(y, np.array([here[1]])))
    shares = pf.category_shares(table, [spec.column for spec in maps.values()])
    findings = pf.model_phase_findings(scenario, x, y, point, shares, maps)
    subtitle = chart_subtitle(scenario, f"{len(table):,} cells, closed form; diamond: this scenario")
    x_title, y_title = field_label(scenario, x), field_label(scenario, y)
    charts = {}
    for name, spec in maps.items():
        top = shares[shares["map"] == spec.column].sort_values("share", ascending=False, kind="stable").iloc[0]
        title = pf.largest_category_title(spec.legend, top["category"], top["share"])
        charts[f"phase-{name}"] = phase_map(table, x, y, spec.column, title, capitalised(spec.legend),
                                            subtitle, x_title, y_title, here, words=spec.legend_words,
                                            ordered=spec.ordered)
    body = section(
        "Phase diagrams",
        f"{scenario.game.model} model on a {table[x].nunique()} x {table[y].nunique()} grid of "
        f"{x_title.lower()} and {y_title.lower()}, in closed form. `data/phase.csv` holds every "
        "cell; `data/phase_shares.csv` the share of cells per category.", *charts)
    tables = {"phase": table, "phase_shares": shares}
    if point is not None:
        tables["phase_point"] = point
    counts = {spec.column: table[spec.column].astype(str).value_counts().sort_index().to_dict()
              for spec in maps.values()}
    files = {"phase.json": {"scenario": scenario.name, "x": x, "y": y, "cells": len(table), "counts": counts}}
    what = f"coopsim phase: {x_title} against {y_title}."
    return Report(scenario, command_blocks(scenario, what, findings, body, manifest), charts, tables, files, findings)


# --------------------------------------------------------------------------- sweep


def sweep_report(plan, outcome, manifest: dict[str, Any]) -> Report:
    """`coopsim sweep`: the runs, their per-grid-point summary, and a chart per numeric measure the
    scenario's model declares (lines, with bands unless exact, for one numeric parameter; heat
    maps for two)."""
    from coopsim.analyses import sweep_findings as sf
    from coopsim.charts import sweep as sweep_charts
    from coopsim.labels import field_label, measure_label
    from coopsim.scenario.loading import resolve_variants
    from coopsim.sweep.results import aggregate

    scenario = plan.scenario
    parameters = list(plan.parameters)
    tables = {"sweep": outcome.table}
    findings, charts = [], {}
    labels = {p: field_label(scenario, p) for p in parameters}
    names = {p: sf.short_label(scenario, p) for p in parameters}
    lead, peak = sf.lead_measures(plan.measures)
    if not outcome.table.empty:
        summary = aggregate(outcome.table, parameters, plan.measures, plan.exact).reset_index(drop=True)
        tables["sweep_summary"] = summary
        findings = sf.sweep_findings(scenario, summary, parameters, len(outcome.table), outcome.total, lead, peak)
        subtitle = chart_subtitle(scenario, f"{outcome.total:,} exact computations" if plan.exact
                                  else f"{outcome.total:,} runs, {plan.replicates} replicates per point")
        variants = list(resolve_variants(scenario))
        numeric = [p for p in parameters if pd.api.types.is_numeric_dtype(summary[p])]
        for measure in plan.measures:
            metric = measure.name
            if not measure.numeric or sf.never_happened(summary, metric) or summary[f"{metric}_mean"].isna().all():
                continue
            title = sf.sweep_headline(summary, parameters, metric, names, lead)
            if len(parameters) == 1 and numeric:
                chart = sweep_charts.line_chart(summary, parameters[0], metric, variants, subtitle, title,
                                                labels[parameters[0]], measure_label(metric),
                                                measure.bounds, plan.exact)
            elif len(parameters) == 2:
                chart = sweep_charts.heat_map(summary, parameters[0], parameters[1], metric, subtitle, title,
                                              labels[parameters[0]], labels[parameters[1]], measure_label(metric),
                                              measure.bounds, plan.exact)
            else:
                continue
            charts[f"sweep-{metric.replace('_', '-')}"] = chart
    grid = "; ".join(f"{labels[p]}: {', '.join(sf.grid_value(v) for v in values)}"
                     for p, values in plan.parameters.items())
    body = section(
        "The sweep",
        f"{len(plan.points):,} grid points x {len(resolve_variants(scenario))} variant(s) x "
        + ("one exact computation" if plan.exact else f"{plan.replicates} replicates")
        + f". Grid: {grid}. `data/sweep.csv` holds one row per run, "
        "`data/sweep_summary.csv` the mean and 95% interval of each measure per grid point and "
        "variant (the findings quote it).", *charts)
    what = "coopsim sweep over " + " and ".join(labels[p] for p in parameters) + "."
    return Report(scenario, command_blocks(scenario, what, findings, body, manifest), charts, tables, {}, findings)


# --------------------------------------------------------------------------- sensitivity


def sensitivity_report(scenario, method: str, table: pd.DataFrame, samples: int, replicates: int,
                       runs: int, manifest: dict[str, Any], ranked: tuple[str, ...],
                       exact: bool = False) -> Report:
    """`coopsim sensitivity`: the ranking table, its findings and a chart per ranked measure of
    the scenario's model (``exact``: each point computed once, no replicates)."""
    from coopsim.analyses import sensitivity_findings as sfind
    from coopsim.charts import sensitivity as sa_charts
    from coopsim.labels import field_label, measure_label

    from coopsim.scenario.loading import resolve_variants

    order = {name: k for k, name in enumerate(resolve_variants(scenario))}
    table = table.sort_values("variant", key=lambda v: v.map(order), kind="stable").reset_index(drop=True)
    table.insert(table.columns.get_loc("parameter") + 1, sfind.LABEL,
                 [field_label(scenario, path) for path in table["parameter"]])
    name = f"sensitivity-{method}"
    subtitle = chart_subtitle(scenario, f"{runs:,} exact computations" if exact else f"{runs:,} runs")
    charts = {}
    if method == "oat":
        findings = sfind.oat_findings(table, ranked, name)
        for metric in ranked:
            title = sfind.oat_headline(table, metric)
            charts[f"oat-{metric.replace('_', '-')}"] = sa_charts.tornado_chart(
                table, metric, subtitle, title, measure_label(metric))
        per_point = "each point computed once (exact)" if exact else f"{replicates} replicate(s) per point"
        how = (f"One at a time: each parameter moved from its low to its high value (base -+ the spread) "
               f"with the others at base, {per_point}; the effect is the "
               "result at the high value minus that at the low value" + _effect_intervals(scenario, ranked, exact)
               + ".")
    else:
        table = sfind.with_intervals(table)
        findings = sfind.sobol_findings(table, name, samples)
        for metric in ranked:
            title = sfind.sobol_headline(table, metric, samples)
            charts[f"sobol-{metric.replace('_', '-')}"] = sa_charts.sobol_chart(table, metric, subtitle, title, samples)
        how = (f"Global (Sobol): first-order (S1, the parameter alone) and total (ST, with its "
               f"interactions) indices from Saltelli sampling, {samples} base samples over the same "
               "ranges, with 95% confidence intervals (bootstrap, SALib). At few samples the "
               "intervals are wide and estimates can fall outside [0, 1].")
    findings += sfind.overridden_caveats(scenario, table)
    body = section("Sensitivity", how + f" `data/{name}.csv` holds the table the findings quote.", *charts)
    what = f"coopsim sensitivity --method {method}: which factor or policy lever matters most."
    return Report(scenario, command_blocks(scenario, what, findings, body, manifest), charts, {name: table}, {}, findings)


def _effect_intervals(scenario, ranked: tuple[str, ...], exact: bool) -> str:
    """How the one-at-a-time effects' intervals were computed, per measure."""
    from coopsim.analyses.sensitivity import metric_bounds
    from coopsim.labels import measure_words
    from coopsim.theory.intervals import difference_method

    if exact:
        return " (exact: no interval)"
    bounds = metric_bounds(scenario)
    methods = "; ".join(f"{difference_method(bounds[metric])} for {measure_words(metric)}" for metric in ranked)
    return (f", with its 95% interval across the replicates at the two ends ({methods}; the "
            "`_effect_interval` column says where there is none: one replicate, or identical ones)")


# --------------------------------------------------------------------------- evolve


def evolve_report(scenario, result: dict[str, Any], manifest: dict[str, Any]) -> Report:
    """`coopsim evolve`: the evolutionary analysis in words, its charts and the model's own
    charts (the DSAIR zone map), with the stationary distribution and fixation tables."""
    from coopsim.analyses import evolution
    from coopsim.analyses import evolve_findings as ef
    from coopsim.analyses.evolution_text import evolve_markdown
    from coopsim.games import game_model

    stationary, fixation = ef.stationary_table(result), ef.fixation_table(result)
    findings = ef.evolve_findings(result, stationary)
    subtitle = chart_subtitle(scenario)
    charts = {**evolution.charts(result, subtitle), **game_model(scenario).charts(scenario, subtitle)}
    text = evolve_markdown(result)
    body = [*section("Evolutionary dynamics", text.split("\n", 1)[1].strip(), *charts)]
    what = ("coopsim evolve: which strategies take over a population of labs "
            "(`data/stationary.csv`, `data/fixation.csv`; `evolution.json` holds everything).")
    files = {"evolution.json": result, "evolution.md": text}
    return Report(scenario, command_blocks(scenario, what, findings, body, manifest), charts,
                  {"stationary": stationary, "fixation": fixation}, files, findings)
