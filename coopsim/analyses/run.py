"""The main job as plain functions: scenario in, results (tables, analyses, charts) out.

`run` computes; `build_charts` turns computed results into charts (so `coopsim report` can rebuild
them from saved data without simulating again). Nothing here touches the file system or imports
:mod:`coopsim.report` (which writes a :class:`RunResult` to disk; :mod:`coopsim.api` joins the two
for `result.save()`). What is computed is asked of the scenario's payoff model
(:mod:`coopsim.games`): a stage game gets the one-shot analysis and the iterated lab model, a model
with a solution gets it, a model with its own agent-based dynamics gets them when the scenario has
a ``dynamics:`` block, and a model with a population game gets evolutionary dynamics when the
scenario has ``evolution:`` (the DSAIR race always).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import altair as alt
import pandas as pd

from coopsim.analyses import headlines, networks
from coopsim.abm import simulate
from coopsim.abm.strategies import trust_drives_decisions
from coopsim.analyses import evolution
from coopsim.analyses.evolution_text import evolve_markdown
from coopsim.analyses.labs import kinds_differ, lab_summary
from coopsim.charts import dynamics as dynamics_charts
from coopsim.charts import labs as lab_charts
from coopsim.charts import oneshot as oneshot_charts
from coopsim.charts.theme import caption
from coopsim.charts.what_if import what_if_chart
from coopsim.games import game_model
from coopsim.scenario.loading import resolve_variants
from coopsim.scenario.spec import Scenario

Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """Everything one run of a scenario produced.

    In Jupyter, each value of `charts` displays inline (they are Altair charts), `summary` is the
    per-variant table, and the result itself shows the one-shot analysis."""

    scenario: Scenario
    oneshot: dict[str, Any] | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)
    # Extra report sections: (title, Markdown text, chart names), and their JSON results.
    sections: list[tuple[str, str, list[str]]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def summary(self) -> pd.DataFrame | None:
        """Per-variant long-run cooperation, incidents and welfare with 95% intervals."""
        return self.tables.get("summary")

    def _repr_markdown_(self) -> str:  # Jupyter
        from coopsim.analyses.oneshot_text import oneshot_markdown

        return oneshot_markdown(self.oneshot) if self.oneshot else f"coopsim run of {self.scenario.name}"


def has_stage_game(scenario: Scenario) -> bool:
    """Whether the scenario's game has a 2x2 stage game (five factors or an explicit matrix)."""
    return game_model(scenario).provides("stage_game")


def evolves(scenario: Scenario) -> bool:
    """Whether a run includes evolutionary dynamics: an `evolution:` section, or a model whose
    population game is its main result (one without a stage game, such as the DSAIR race)."""
    model = game_model(scenario)
    return model.provides("population_game") and (
        scenario.evolution is not None or not model.provides("stage_game")
    )


def run(scenario: Scenario, progress: Progress | None = None, charts: dict | None = None) -> RunResult:
    """Analyse and simulate a scenario, then build every chart.

    Five-factor and matrix games: the one-shot analysis and the iterated model (plus
    evolutionary dynamics when the scenario has `evolution:`). DSAIR races: the race-averaged
    game's solution and evolutionary dynamics, and with `dynamics:` the race played by agents.
    Racing to the precipice: the equilibrium safety rule and disaster probabilities.

    `charts`: the (empty) dict the charts go into, e.g. a
    :class:`coopsim.report.drawing.DrawnCharts` that draws each one as it is built."""
    result = RunResult(scenario=scenario, charts={} if charts is None else charts)
    model = game_model(scenario)
    if model.provides("stage_game"):
        result.oneshot = model.solve(scenario)
        if networks.has_network(scenario):
            simulation, network_tables, result.extras["network"] = networks.simulate_with_network(scenario, progress)
        else:
            simulation, network_tables = simulate(scenario, progress=progress), {}
        result.tables = {"rounds": simulation.rounds, "labs": simulation.labs, "summary": simulation.summary}
        if result.tables["labs"].empty:  # the network engine ran: no per-round lab table
            del result.tables["labs"]
        else:
            result.tables["lab_summary"] = lab_summary(simulation.labs, simulation.summary)
        result.tables.update(network_tables)
    elif model.provides("solve"):
        result.extras["solution"] = model.solve(scenario)
    if model.provides("dynamics"):
        measured = model.dynamics(scenario, progress)
        if measured is not None:
            result.extras["race_dynamics"] = measured
    if evolves(scenario):
        result.extras["evolution"] = evolution.evolve(scenario)
    result.tables.update(model_tables(scenario, result.extras, simulated=bool(result.tables)))
    build_charts(result)
    return result


def model_tables(scenario: Scenario, extras: dict, simulated: bool) -> dict[str, pd.DataFrame]:
    """The tables of a run that simulated no labs (``simulated`` False: the race models), so
    every run's ``data/`` holds its numbers: ``measures``, the model's own exact measures per
    variant (those `coopsim sweep` tabulates); and with evolutionary dynamics ``stationary`` and
    ``fixation`` (as `coopsim evolve` writes them)."""
    from coopsim.analyses.evolve_findings import fixation_table, stationary_table
    from coopsim.scenario.loading import resolve_variants

    tables = {}
    model = game_model(scenario)
    if not simulated and model.measure is not None and model.measure_exact:
        tables["measures"] = pd.DataFrame([{"variant": name, **model.measure(variant, name, 0, None)}
                                           for name, variant in resolve_variants(scenario).items()])
    if "evolution" in extras:
        tables["stationary"] = stationary_table(extras["evolution"])
        tables["fixation"] = fixation_table(extras["evolution"])
    return tables


def build_charts(result: RunResult) -> None:
    """Fill `result.charts` and `result.sections` from its computed data (pure: no simulation)."""
    scenario = result.scenario
    model = game_model(scenario)
    subtitle = caption(scenario.name, scenario.seed)
    if scenario.question:
        subtitle = f"{scenario.question.strip()}\n{subtitle}"
    if result.oneshot is not None:
        game_title, trust_title = headlines.oneshot_headlines(result.oneshot)
        result.charts["payoff-matrix"] = oneshot_charts.payoff_matrix_chart(result.oneshot, subtitle, game_title)
        result.charts["expected-payoff-vs-trust"] = oneshot_charts.expected_value_chart(
            result.oneshot, subtitle, trust_title)
        if oneshot_charts.policy_changes_the_game(result.oneshot):
            result.charts["expected-payoff-by-variant"] = oneshot_charts.policy_expected_value_chart(
                result.oneshot, subtitle, headlines.policy_headline(result.oneshot["policy"]))
        if (what_if := what_if_chart(result.oneshot, subtitle)) is not None:
            result.charts["what-if"] = what_if
    if "rounds" in result.tables:
        rounds, summary = result.tables["rounds"], result.tables["summary"]
        resolved = resolve_variants(scenario)
        variants = list(resolved)
        windows = dynamics_charts.intervention_windows(resolved, int(rounds["round"].max()) + 1)
        means = {measure: summary.set_index("variant")[f"{measure}_mean"]
                 for measure in (headlines.LONG_RUN, headlines.INCIDENTS, headlines.WELFARE)}
        means["long_run_trust"] = headlines.long_run_means(rounds, summary, "mean_trust")
        for name in dynamics_charts.drawn_time_series(rounds, trust_drives_decisions(scenario)):
            measure = dynamics_charts.TIME_SERIES[name][2]
            result.charts[name] = dynamics_charts.time_series_chart(
                rounds, name, variants, subtitle, headlines.headline(means[measure], measure), windows)
        result.charts["variant-summary"] = dynamics_charts.summary_chart(
            summary, variants, subtitle, headlines.headline(means[headlines.LONG_RUN], headlines.LONG_RUN))
        table = result.tables.get("lab_summary")
        if kinds_differ(table) and "labs" in result.tables:
            title = headlines.lab_headline(table)
            result.charts["labs-compared"] = lab_charts.lab_summary_chart(table, variants, subtitle, title)
            result.charts["cooperation-by-lab-over-time"] = lab_charts.lab_time_series_chart(
                result.tables["labs"], variants, subtitle, title, windows)
    solution = result.extras.get("solution")
    measured = result.extras.get("race_dynamics")
    evolved = result.extras.get("evolution")
    evolution_charts = evolution.charts(evolved, subtitle) if evolved is not None else {}
    model_charts = model.charts(scenario, subtitle, solution) if (solution or evolved) else {}
    result.charts.update(evolution_charts)
    result.charts.update(model_charts)
    result.sections = []
    if solution is not None:
        result.sections.append((model.solution_title, model.solution_markdown(solution, heading_level=3),
                                list(model_charts)))
    if measured is not None:
        measured_charts = model.dynamics_charts(measured, subtitle)
        result.charts.update(measured_charts)
        result.sections.append(("The race played by agents", model.dynamics_markdown(measured, heading_level=3),
                                list(measured_charts)))
    if evolved is not None:
        result.sections.append(("Evolutionary dynamics", evolve_markdown(evolved, heading_level=3),
                                list(evolution_charts)))
    networks.add_network_section(result, subtitle)
