"""Building blocks shared by every part of the scenario language: the strict base model and the
number types. Kept apart from :mod:`coopsim.scenario.spec` so that the registries (strategies,
interventions, payoff models) can define their specs without importing the whole language."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)
