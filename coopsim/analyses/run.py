"""The main job as plain functions: scenario in, results (tables, analyses, charts) out.

`run` computes; `build_charts` turns computed results into charts (so `coopsim report` can rebuild
them from saved data without simulating again). Nothing here touches the file system;
:mod:`coopsim.report` writes a :class:`RunResult` to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import altair as alt
import pandas as pd

from coopsim.analyses import networks, races
from coopsim.abm import simulate
from coopsim.charts import dynamics as dynamics_charts
from coopsim.charts import oneshot as oneshot_charts
from coopsim.charts.theme import caption
from coopsim.charts.what_if import what_if_chart
from coopsim.analyses.oneshot import analyse_with_policies
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants

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

    def save(self, destination=None, command: str = "") -> Any:
        """Write the report folder (default reports/<scenario-slug>/) and return its path."""
        from coopsim.report.folder import default_report_dir, write_report

        return write_report(self, destination or default_report_dir(self.scenario), command)

    def _repr_markdown_(self) -> str:  # Jupyter
        from coopsim.analyses.oneshot_text import oneshot_markdown

        return oneshot_markdown(self.oneshot) if self.oneshot else f"coopsim run of {self.scenario.name}"


def has_stage_game(scenario: Scenario) -> bool:
    """Whether the scenario's game is a 2x2 stage game (five factors or an explicit matrix)."""
    return scenario.game.model in ("five_factors", "matrix")


def run(scenario: Scenario, progress: Progress | None = None) -> RunResult:
    """Analyse and simulate a scenario, then build every chart.

    Five-factor and matrix games: the one-shot analysis and the iterated model (plus
    evolutionary dynamics when the scenario has `evolution:`). DSAIR races: the race-averaged
    game's solution and evolutionary dynamics. Racing to the precipice: the equilibrium safety
    rule and disaster probabilities."""
    result = RunResult(scenario=scenario)
    model = scenario.game.model
    if has_stage_game(scenario):
        result.oneshot = analyse_with_policies(scenario)
        if networks.has_network(scenario):
            simulation, network_tables, result.extras["network"] = networks.simulate_with_network(scenario, progress)
        else:
            simulation, network_tables = simulate(scenario, progress=progress), {}
        result.tables = {"rounds": simulation.rounds, "labs": simulation.labs, "summary": simulation.summary}
        if result.tables["labs"].empty:  # the network engine ran: no per-round lab table
            del result.tables["labs"]
        result.tables.update(network_tables)
    if model == "dsair":
        result.extras["solution"] = races.dsair_solution(scenario)
    if model == "precipice":
        result.extras["solution"] = races.precipice_solution(scenario)
    if model == "dsair" or scenario.evolution is not None:
        result.extras["evolution"] = races.evolve(scenario)
    build_charts(result)
    return result


def build_charts(result: RunResult) -> None:
    """Fill `result.charts` from its computed data (pure: no simulation)."""
    scenario = result.scenario
    subtitle = caption(scenario.name, scenario.seed)
    if result.oneshot is not None:
        result.charts["payoff-matrix"] = oneshot_charts.payoff_matrix_chart(result.oneshot, subtitle)
        result.charts["expected-payoff-vs-trust"] = oneshot_charts.expected_value_chart(result.oneshot, subtitle)
        if (what_if := what_if_chart(result.oneshot, subtitle)) is not None:
            result.charts["what-if"] = what_if
    if "rounds" in result.tables:
        rounds = result.tables["rounds"]
        variants = list(resolve_variants(scenario))
        for name in dynamics_charts.TIME_SERIES:
            result.charts[name] = dynamics_charts.time_series_chart(rounds, name, variants, subtitle)
        result.charts["variant-summary"] = dynamics_charts.summary_chart(result.tables["summary"], variants, subtitle)
    solution, evolution = result.extras.get("solution"), result.extras.get("evolution")
    extra_charts = races.race_charts(
        scenario, subtitle, evolution=evolution, precipice_result=solution if scenario.game.model == "precipice" else None
    ) if (solution or evolution) else {}
    result.charts.update(extra_charts)
    result.sections = []
    if solution is not None:
        names = [n for n in extra_charts if n.startswith(("precipice", "dsair"))]
        result.sections.append(("The race", races.solution_markdown(solution, heading_level=3), names))
    if evolution is not None:
        names = [n for n in extra_charts if n.startswith("evolution")]
        result.sections.append(("Evolutionary dynamics", races.evolve_markdown(evolution, heading_level=3), names))
    networks.add_network_section(result, subtitle)
