"""The main job as a plain function: scenario in, results (tables, analyses, charts) out.

Nothing here touches the file system; :mod:`coopsim.report` writes a :class:`RunResult` to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import altair as alt
import pandas as pd

from coopsim.abm import simulate
from coopsim.charts import dynamics as dynamics_charts
from coopsim.charts import oneshot as oneshot_charts
from coopsim.charts.theme import caption
from coopsim.oneshot import analyse_with_policies
from coopsim.scenario import Scenario
from coopsim.scenario_io import resolve_variants

Progress = Callable[[int, int], None]


@dataclass
class RunResult:
    """Everything one run of a scenario produced."""

    scenario: Scenario
    oneshot: dict[str, Any] | None = None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    charts: dict[str, alt.TopLevelMixin] = field(default_factory=dict)

    def _repr_markdown_(self) -> str:  # Jupyter
        from coopsim.oneshot_text import oneshot_markdown

        return oneshot_markdown(self.oneshot) if self.oneshot else f"coopsim run of {self.scenario.name}"


def has_stage_game(scenario: Scenario) -> bool:
    """Whether the scenario's game is a 2x2 stage game (five factors or an explicit matrix)."""
    return scenario.game.model in ("five_factors", "matrix")


def run(scenario: Scenario, progress: Progress | None = None) -> RunResult:
    """Analyse and simulate a scenario; build every chart."""
    result = RunResult(scenario=scenario)
    subtitle = caption(scenario.name, scenario.seed)
    if has_stage_game(scenario):
        result.oneshot = analyse_with_policies(scenario)
        result.charts["payoff-matrix"] = oneshot_charts.payoff_matrix_chart(result.oneshot, subtitle)
        result.charts["expected-payoff-vs-trust"] = oneshot_charts.expected_value_chart(result.oneshot, subtitle)
        simulation = simulate(scenario, progress=progress)
        result.tables = {"rounds": simulation.rounds, "labs": simulation.labs, "summary": simulation.summary}
        variants = list(resolve_variants(scenario))
        for name in dynamics_charts.TIME_SERIES:
            result.charts[name] = dynamics_charts.time_series_chart(simulation.rounds, name, variants, subtitle)
        result.charts["variant-summary"] = dynamics_charts.summary_chart(simulation.summary, variants, subtitle)
    return result
