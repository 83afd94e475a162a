"""What a payoff model is: a registered class that names its scenario spec and the capabilities it
provides. An analysis asks a model for what it needs (``model.provides("population_game")``)
instead of testing the model's name.

Capabilities (``None`` on :class:`GameModel` means "not provided"):

* ``stage_game(scenario, lab, index) -> Payoffs`` -- lab ``index``'s own payoffs (R, S, T, P) in
  a 2x2 stage game; models with one get the one-shot analysis and the iterated Mesa model;
* ``solve(scenario, source) -> dict`` and ``solution_markdown(solution, heading_level) -> str``
  -- what `coopsim solve` prints (JSON-ready data, then words);
* ``population_game(scenario, settings, source) -> PopulationGame`` -- what
  :mod:`coopsim.analyses.evolution` needs for `coopsim evolve`;
* ``dynamics(scenario, progress) -> dict`` and ``dynamics_markdown(result, heading_level)`` --
  a model of its own played round by round by agents (the DSAIR race), run when the scenario
  has a ``dynamics:`` block;
* ``measure(scenario, variant, replicate, seed) -> dict`` -- the model's outputs at one point of
  a sweep or sensitivity analysis, one value per :class:`Measure` the model declares in
  ``measures``. With ``measure_exact`` the values are exact (closed forms, stationary
  distributions): they are computed once per grid point and variant, not per replicate;
  ``measure_batch(scenarios, seeds)`` computes many at once (by default one by one);
* ``phase(scenario, x, y, source) -> DataFrame`` -- the model's phase diagram over two axes
  (:class:`coopsim.analyses.phase.Axis`), one row per cell, drawn as the maps ``phase_maps``
  names (:class:`PhaseMap`, by chart name).

Always there: ``describe(scenario)`` (the game in words), ``charts(scenario, subtitle,
solution)`` (the model's own charts, by file name), ``check(scenario)`` (model-specific rules on
the whole scenario, raising ``ValueError``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, ClassVar

from pydantic import Field

from coopsim.registry import Registry

if TYPE_CHECKING:
    import numpy as np

    from coopsim.scenario.spec import Scenario
    from coopsim.scenario.base import Strict

CAPABILITIES = ("stage_game", "solve", "population_game", "dynamics", "measure", "phase")


@dataclass(frozen=True)
class Measure:
    """One output of a model in sweeps, phase diagrams and sensitivity analyses.

    ``bounds`` is the measure's range (lowest, highest; ``None`` = unbounded), which picks its
    interval method across replicates; ``bounds=None`` marks a categorical measure (a zone, a
    strategy name), tabulated but not averaged or charted as a line. ``ranked`` measures are the
    ones sensitivity analyses rank parameters by. ``label`` is its axis title with units (a
    chart's title states what the chart shows, from the data)."""

    name: str
    label: str
    bounds: tuple[float | None, float | None] | None = (None, None)
    ranked: bool = False

    @property
    def numeric(self) -> bool:
        """Whether it is a number (averaged, charted) rather than a category."""
        return self.bounds is not None

    @property
    def share(self) -> bool:
        """Whether it is a share in [0, 1] (written in percent, with its 50% crossings)."""
        return self.bounds is not None and tuple(self.bounds) == (0.0, 1.0)


@dataclass(frozen=True)
class PhaseMap:
    """One map of a model's phase diagram (`coopsim phase`): the categories of the phase table's
    ``column`` over the grid, under the legend title ``legend`` (``{row_lab}`` in it stands for
    the row lab's name). ``words`` names categories in the legend (by their value in the
    table; others as :func:`coopsim.analyses.phase_findings.model_category` writes them, as the
    findings do); a category's colour follows its words
    (:data:`coopsim.charts.theme.CATEGORY_COLOURS`). ``ordered``: the categories are bands of
    one number in the order of their names, drawn as shades of one sequential ramp."""

    column: str
    legend: str
    words: dict[str, str] = field(default_factory=dict)
    ordered: bool = False

    def legend_words(self, value: Any) -> str:
        """A category of this map as its legend shows it."""
        from coopsim.analyses.phase_findings import model_category

        return self.words.get(str(value)) or model_category(value)


@dataclass
class PopulationGame:
    """A symmetric game for a population of labs (see :mod:`coopsim.analyses.evolution`).

    Either ``matrix`` (``matrix[X, Y]`` the payoff of ``X`` against ``Y``, pairwise encounters) or
    ``group_fitness(resident, mutant, Z, fitness)`` giving the arrays ``(f_resident, f_mutant)``
    over ``k = 1 .. Z-1`` mutants (group encounters), with ``risk_dominance`` by pair. ``extras``
    are added to the evolve result (the model's ``evolution_lines`` put them in words).
    ``safe_share[i]`` is the share of SAFE (cooperative) moves in a population of strategy ``i``
    alone, from which the stationary share of safe play follows."""

    strategies: tuple[str, ...]
    matrix: np.ndarray | None = None
    group_fitness: Callable[[str, str, int, str], tuple[np.ndarray, np.ndarray]] | None = None
    risk_dominance: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    # Share of SAFE (cooperative) moves in a population of each strategy alone.
    safe_share: np.ndarray | None = None


class GameModel:
    """One payoff model: its ``spec`` (the pydantic class of ``game:``) and its capabilities."""

    model: ClassVar[str]
    spec: ClassVar[type[Strict]]
    lab_factors: ClassVar[bool] = False  # labs may set their own payoff factors or beliefs
    # dynamics.network applies: the stage game's lab model, or the model's own dynamics on a graph
    on_networks: ClassVar[bool] = False
    sensitivity_factors: ClassVar[tuple[str, ...]] = ("trust",)  # game fields sensitivity varies
    solution_title: ClassVar[str] = "Solution"
    # Why `coopsim evolve` cannot run, when the model has no population game.
    no_population_game: ClassVar[str] = "has no set of strategies to evolve; use `coopsim solve`"

    stage_game: ClassVar[Callable | None] = None
    solve: ClassVar[Callable | None] = None
    solution_markdown: ClassVar[Callable | None] = None
    population_game: ClassVar[Callable | None] = None
    dynamics: ClassVar[Callable | None] = None
    dynamics_markdown: ClassVar[Callable | None] = None
    measure: ClassVar[Callable | None] = None
    measures: ClassVar[tuple[Measure, ...]] = ()
    measure_exact: ClassVar[bool] = False  # one computation per grid point, not per replicate

    @classmethod
    def measure_batch(cls, scenarios: list, seeds: list) -> list[dict[str, Any]]:
        """``measure`` of many (resolved scenario, seed) pairs; a model that can play them
        together overrides this (the lab model: one batch on the batched engine). The values
        must equal ``measure``'s for each pair, whatever the grouping."""
        return [cls.measure(scenario, "", 0, seed) for scenario, seed in zip(scenarios, seeds)]
    phase: ClassVar[Callable | None] = None
    # Chart name (``phase-<name>``) -> the map drawn from the phase table.
    phase_maps: ClassVar[dict[str, PhaseMap]] = {}

    @classmethod
    def provides(cls, capability: str) -> bool:
        """Whether this model offers ``capability`` (one of :data:`CAPABILITIES`)."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        return getattr(cls, capability) is not None

    @staticmethod
    def describe(scenario: Scenario) -> list[str]:
        """The game in words (Markdown lines) for the report's scenario section."""
        return [f"Payoff model: `{scenario.game.model}`, described below."]

    @staticmethod
    def evolution_lines(result: dict[str, Any]) -> list[str]:
        """Model-specific Markdown lines about an evolve result (from its ``extras``)."""
        return []

    @staticmethod
    def charts(scenario: Scenario, subtitle: str, solution: dict[str, Any] | None = None) -> dict[str, Any]:
        """The model's own charts by file name (``solution`` reuses a computed ``solve``)."""
        return {}

    @staticmethod
    def dynamics_charts(result: dict[str, Any], subtitle: str) -> dict[str, Any]:
        """Charts of the model's own ``dynamics`` result by file name."""
        return {}

    @staticmethod
    def findings(scenario: Scenario, extras: dict[str, Any]) -> list:
        """The model's own findings (:class:`coopsim.analyses.findings.Finding`) from a run's saved
        results ``extras`` (solution, evolution, ...); stage games' are in coopsim.analyses.findings."""
        return []

    @staticmethod
    def check(scenario: Scenario) -> None:
        """Rules a scenario must follow with this model; raise ``ValueError`` naming the field."""

    @staticmethod
    def check_dynamics(game: Any, dynamics: Any) -> None:
        """Rules the scenario's ``dynamics:`` must follow with this game; raise ``ValueError``."""


GAMES = Registry("payoff model", key="model")
register = GAMES.register  # @register("dsair") adds a model class to GAMES


def trust_field() -> Any:
    """The ``trust`` field every game spec has."""
    return Field(
        0.5,
        ge=0.0,
        le=1.0,
        title="Trust (belief that the other lab cooperates)",
        description="Probability in [0, 1] that a lab believes the other lab cooperates "
        "(the 'high trust' factor). Labs may override it.",
    )
