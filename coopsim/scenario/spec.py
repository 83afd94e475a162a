"""The scenario language: pydantic models of everything an analyst can set in YAML.

A scenario is data. Engines take a validated :class:`Scenario` and never read YAML; loading,
line-numbered errors and variant resolution live in :mod:`coopsim.scenario.loading`.

Payoff conventions (five-factor model, Askell, Brundage & Hadfield 2019): payoffs are per round,
relative to the status quo (0), and costs are positive numbers::

    R = shared_upside       (both cooperate)
    T = advantage           (I defect, the other cooperates)
    S = -exposure           (I cooperate, the other defects)
    P = -shared_downside    (both defect)
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_serializer,
    model_validator,
)

from coopsim.abm.strategies import STRATEGIES
from coopsim.games import GAMES
from coopsim.policy import INTERVENTIONS
from coopsim.policy.targets import targets_problem
from coopsim.scenario.base import NonNegative, Probability, Strict

FACTOR_NAMES = ("trust", "shared_upside", "advantage", "exposure", "shared_downside")
PAYOFF_FACTOR_NAMES = FACTOR_NAMES[1:]

def _tagged_union(registry):
    """The discriminated union of a registry's specs (keyed by its ``type``/``model`` field)."""
    specs = registry.specs()
    union = specs[0] if len(specs) == 1 else Union[specs]  # noqa: UP007  (a runtime tuple)
    return Annotated[union, Field(discriminator=registry.key)]


DEFAULT_GAME_MODEL = "five_factors"  # the model of a `game:` that names none


# --------------------------------------------------------------------------- payoff models


def _game_model_tag(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("model", DEFAULT_GAME_MODEL)
    return getattr(value, "model", None)


class GameSpec:
    """The scenario's ``game:``: the union of the specs of every registered payoff model
    (:data:`coopsim.games.GAMES`), told apart by ``model:``. Built with the scenario's schema, so
    a model registered later joins it when the registry rebuilds :class:`Scenario`."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        union = Annotated[
            Union[tuple(Annotated[game.spec, Tag(name)] for name, game in GAMES.items())],
            Discriminator(_game_model_tag),
        ]
        return handler(union)


# --------------------------------------------------------------------------- strategies


StrategySpec = _tagged_union(STRATEGIES)


# --------------------------------------------------------------------------- labs


class PerceivedPayoffs(Strict):
    """What a lab believes the payoff factors are, where that differs from the truth."""

    shared_upside: float | None = Field(None, description="Perceived shared upside (R).")
    advantage: float | None = Field(None, description="Perceived advantage (T).")
    exposure: NonNegative | None = Field(None, description="Perceived exposure (-S).")
    shared_downside: NonNegative | None = Field(None, description="Perceived shared downside (-P).")


class LabSpec(Strict):
    """One named lab, or `count` identical ones. Unset factors come from `game`."""

    name: str = Field(min_length=1, description="Lab name, used in tables and charts.")
    count: int = Field(1, ge=1, description="Number of identical labs of this kind.")
    trust: Probability | None = Field(None, description="This lab's trust (overrides game.trust).")
    shared_upside: float | None = Field(None, description="This lab's R (overrides the game's).")
    advantage: float | None = Field(None, description="This lab's T (overrides the game's).")
    exposure: NonNegative | None = Field(None, description="This lab's exposure (-S).")
    shared_downside: NonNegative | None = Field(None, description="This lab's downside (-P).")
    perceived: PerceivedPayoffs | None = Field(
        None, description="Biased beliefs about this lab's own payoffs, used for its decisions."
    )
    strategy: StrategySpec = Field(
        default_factory=lambda: STRATEGIES["trust_best_response"].Spec(type="trust_best_response"),
        description="Decision rule in the iterated model (default: trust_best_response).",
    )

    def payoff_overrides(self) -> dict[str, float]:
        """The payoff factors this lab sets itself."""
        return {k: getattr(self, k) for k in PAYOFF_FACTOR_NAMES if getattr(self, k) is not None}


def _default_labs() -> list[LabSpec]:
    return [LabSpec(name="Lab A"), LabSpec(name="Lab B")]


# --------------------------------------------------------------------------- dynamics


class IncidentSpec(Strict):
    """Safety incidents caused by defection."""

    probability: Probability = Field(
        0.0, description="Chance that one lab's defection in one match causes an incident."
    )
    cost: NonNegative = Field(0.0, description="Total cost of one incident, in payoff units.")
    borne_by: Literal["defector", "all"] = Field(
        "defector",
        description="'defector': the lab that defected pays the cost; 'all': every lab pays "
        "cost / number of labs.",
    )


NETWORK_TYPES = ("complete", "ring", "small_world", "scale_free", "random_regular", "file")


class NetworkSpec(Strict):
    """Who plays whom: every pair of labs linked in this graph plays one match per round, and
    imitating labs copy a neighbour. Built with networkx from the scenario seed."""

    type: Literal["complete", "ring", "small_world", "scale_free", "random_regular", "file"] = (
        Field(
            description="'complete': every pair (the round robin); 'ring': each lab linked to its "
            "`degree` nearest labs; 'small_world': Watts-Strogatz ring with `rewiring`; "
            "'scale_free': Barabasi-Albert preferential attachment with average degree `degree`; "
            "'random_regular': a random graph where every lab has `degree` neighbours; 'file': the "
            "edges in `file`."
        )
    )
    degree: int = Field(
        4,
        ge=1,
        description="Neighbours per lab (ring, small_world, random_regular) or average degree "
        "(scale_free: each new lab attaches degree/2 links). Even for ring, small_world and "
        "scale_free.",
    )
    rewiring: Probability = Field(
        0.1, description="small_world: probability that each ring link is rewired at random."
    )
    file: str | None = Field(
        None,
        description="A CSV of edges, one 'lab,lab' per line after a header line; labs named as "
        "in the scenario (a lab with count: N is 'Name 1' ... 'Name N'). A relative path is "
        "relative to the scenario file.",
    )
    payoffs: Literal["average", "accumulated"] = Field(
        "average",
        description="Payoff an imitating lab compares: 'average' per match (degree-normalised, "
        "as without networks) or 'accumulated' over all its matches (Santos & Pacheco 2005).",
    )

    @model_validator(mode="before")
    @classmethod
    def _file_means_type_file(cls, data: Any) -> Any:
        if isinstance(data, dict) and "file" in data and "type" not in data:
            return {**data, "type": "file"}
        return data

    @model_validator(mode="after")
    def _shape(self) -> NetworkSpec:
        if (self.type == "file") != (self.file is not None):
            raise ValueError("give `file` exactly when type is 'file'")
        if self.type in ("ring", "small_world", "scale_free") and self.degree % 2:
            raise ValueError(f"degree must be even for a {self.type} network (got {self.degree})")
        return self

    def problem_with(self, n_labs: int) -> str | None:
        """Why this network cannot be built on ``n_labs`` labs (None if it can)."""
        if self.type in ("complete", "file"):
            return None
        if self.degree >= n_labs:
            return f"degree {self.degree} needs more than {self.degree} labs (there are {n_labs})"
        if self.type == "random_regular" and (self.degree * n_labs) % 2:
            return f"a random regular graph needs degree x labs even (got {self.degree} x {n_labs})"
        return None


class Dynamics(Strict):
    """Settings of the iterated agent-based model."""

    rounds: int = Field(100, ge=1, description="Rounds per run.")
    replicates: int = Field(10, ge=1, description="Independent runs per variant.")
    matching: Literal["round_robin", "random_pairs"] = Field(
        "round_robin",
        description="'round_robin': every pair plays each round; 'random_pairs': a random "
        "perfect matching each round (one lab sits out when the count is odd).",
    )
    observability: Probability = Field(
        1.0, description="Probability that a lab observes its partner's action."
    )
    tremble: Probability = Field(
        0.0, description="Probability that an intended action is flipped."
    )
    incidents: IncidentSpec = Field(default_factory=IncidentSpec, description="Incident process.")
    long_run_fraction: float = Field(
        0.25,
        gt=0.0,
        le=1.0,
        description="Share of final rounds averaged for 'long-run cooperation'.",
    )
    network: NetworkSpec | None = Field(
        None,
        description="Who plays whom: a graph of labs (default: none, use `matching`). Linked "
        "labs play each round; imitating labs copy a neighbour.",
    )

    @model_validator(mode="after")
    def _network_matches(self) -> Dynamics:
        if self.network is not None and self.matching != "round_robin":
            raise ValueError("with a network every linked pair plays each round; "
                             "leave matching at round_robin")
        return self


# --------------------------------------------------------------------------- interventions


InterventionSpec = _tagged_union(INTERVENTIONS)


# --------------------------------------------------------------------------- evolution, sweep


class EvolutionSettings(Strict):
    """Finite-population evolutionary dynamics in the small-mutation limit."""

    population: int = Field(100, ge=2, description="Z: number of labs in the population.")
    selection_intensity: float = Field(
        1.0, ge=0.0, description="beta: intensity of selection in the Fermi rule."
    )
    fitness: Literal["exclude_self", "include_self"] = Field(
        "exclude_self",
        description="Average payoff convention: 'exclude_self' as printed by Han et al.",
    )
    strategies: list[str] | None = Field(
        None, description="Subset of the model's strategies to compare (default: all)."
    )
    rounds: float = Field(
        10.0, ge=1.0, description="Rounds of the repeated game (five-factor/matrix models)."
    )


class SweepSettings(Strict):
    """A parameter grid for `coopsim sweep`."""

    parameters: dict[str, list[Any]] = Field(
        default_factory=dict,
        description="Dotted path (e.g. game.trust, interventions[0].fine) -> list of values.",
    )
    replicates: int | None = Field(
        None, ge=1, description="Replicates per grid point (default: dynamics.replicates)."
    )


# --------------------------------------------------------------------------- scenario


class Scenario(Strict):
    """A complete coopsim scenario."""

    # Built on first use: the `game` union needs every payoff model registered first.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    name: str = Field(min_length=1, description="Short name; the report folder is its slug.")
    description: str = Field("", description="What the scenario represents, in plain words.")
    question: str = Field("", description="The policy question this scenario answers.")
    seed: int = Field(0, ge=0, description="Seed for every random stream of the run.")
    game: GameSpec = Field(description="The stage game every pair of labs plays.")
    labs: list[LabSpec] = Field(
        default_factory=_default_labs,
        min_length=1,
        description="The labs. The first two (after expanding `count`) are the row and column "
        "labs of the one-shot analysis.",
    )
    dynamics: Dynamics = Field(default_factory=Dynamics, description="Iterated-model settings.")
    interventions: list[InterventionSpec] = Field(
        default_factory=list, description="Policy interventions active in the iterated model."
    )
    variants: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Named overrides of this scenario compared side by side, e.g. "
        "{baseline: {}, with_audits: {interventions: [...]}}. Mappings merge; lists replace.",
    )
    evolution: EvolutionSettings | None = Field(
        None, description="Settings for `coopsim evolve`."
    )
    sweep: SweepSettings | None = Field(None, description="Grid for `coopsim sweep`.")

    @model_validator(mode="after")
    def _labs_fit_game(self) -> Scenario:
        names = [lab.name for lab in self.labs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"lab names must be unique; repeated: {', '.join(duplicates)}")
        if self.lab_count() < 2:
            raise ValueError("a scenario needs at least two labs (use count: 2 for a pair)")
        model = GAMES[self.game.model]
        if not model.lab_factors:
            owners = ", ".join(name for name, game in GAMES.items() if game.lab_factors)
            for lab in self.labs:
                if lab.payoff_overrides() or lab.perceived is not None:
                    raise ValueError(
                        f"lab {lab.name!r} overrides payoff factors, which only the "
                        f"{owners} game model has"
                    )
        network = self.dynamics.network
        if network is not None and not (model.provides("stage_game") or model.on_networks):
            raise ValueError(f"dynamics.network applies to the iterated model of stage games and "
                             f"the DSAIR race; the {self.game.model} model is not played on networks")
        if network is not None and (problem := network.problem_with(self.lab_count())):
            raise ValueError(f"dynamics.network: {problem}")
        for index, spec in enumerate(self.interventions):
            if spec.targets is not None and (problem := targets_problem(spec.type, spec.targets, self)):
                raise ValueError(f"interventions[{index}]: {problem}")
        model.check(self)
        return self

    @field_validator("dynamics")
    @classmethod
    def _dynamics_fit_game(cls, dynamics: Dynamics, info: Any) -> Dynamics:
        game = info.data.get("game")
        if game is not None:
            GAMES[game.model].check_dynamics(game, dynamics)
        return dynamics

    @model_serializer(mode="wrap")
    def _omit_unused_dynamics(self, handler: Any) -> Any:
        # A model with agent-based dynamics of its own runs them only when `dynamics:` is given,
        # so a dump (variants, overrides, the report's scenario.yaml) must not invent the block.
        data = handler(self)
        if (isinstance(data, dict) and "dynamics" not in self.model_fields_set
                and GAMES[self.game.model].provides("dynamics")):
            data.pop("dynamics", None)
        return data

    def lab_count(self) -> int:
        """Total number of labs after expanding `count`."""
        return sum(lab.count for lab in self.labs)


def _rebuild_unions() -> None:
    """Rebuild the unions and every model holding them after a late registration, so a class
    registered after this module was imported (a plug-in, a test) validates and reaches the
    JSON Schema like the built-in ones."""
    global InterventionSpec, StrategySpec
    InterventionSpec = _tagged_union(INTERVENTIONS)
    StrategySpec = _tagged_union(STRATEGIES)
    LabSpec.model_fields["strategy"].annotation = StrategySpec
    LabSpec.model_rebuild(force=True)
    Scenario.model_fields["interventions"].annotation = list[InterventionSpec]
    Scenario.model_rebuild(force=True)


INTERVENTIONS.on_change(_rebuild_unions)
STRATEGIES.on_change(_rebuild_unions)


def _rebuild_games() -> None:
    if Scenario.__pydantic_complete__:  # otherwise the first validation builds it
        Scenario.model_rebuild(force=True)


GAMES.on_change(_rebuild_games)
