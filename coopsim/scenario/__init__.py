"""The scenario language: pydantic models (:mod:`.spec`), YAML loading with line numbers,
variants and dotted paths (:mod:`.loading`)."""

from coopsim.scenario.spec import (
    FACTOR_NAMES,
    Dynamics,
    EvolutionSettings,
    GameSpec,
    IncidentSpec,
    InterventionBase,
    InterventionSpec,
    LabSpec,
    PerceivedPayoffs,
    Scenario,
    StrategySpec,
    SweepSettings,
)

__all__ = [
    "FACTOR_NAMES",
    "Dynamics",
    "EvolutionSettings",
    "GameSpec",
    "IncidentSpec",
    "InterventionBase",
    "InterventionSpec",
    "LabSpec",
    "PerceivedPayoffs",
    "Scenario",
    "StrategySpec",
    "SweepSettings",
]
