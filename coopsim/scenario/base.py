"""Building blocks shared by every part of the scenario language: the strict base model and the
number types. Kept apart from :mod:`coopsim.scenario.spec` so that the registries (strategies,
interventions, payoff models) can define their specs without importing the whole language."""

from __future__ import annotations

import math
import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]

# Numbers beyond this magnitude are refused: payoffs are relative to the status quo, and sums of
# such payoffs over rounds, labs and replicates (and their squares, for intervals) must stay far
# from float overflow (1.8e308) and keep enough precision to tell payoffs apart.
MAX_MAGNITUDE = 1e12
MAX_INTEGER = 2**63 - 1  # what numpy's int64 holds (seeds, rounds, counts)
_LINE_BREAKS = "\n\r\t"


def _control_characters(text: str, allowed: str) -> list[str]:
    return sorted({repr(c) for c in text if unicodedata.category(c) == "Cc" and c not in allowed})


def _check_plain(value: Any, single_line: bool) -> None:
    """Refuse non-finite or huge numbers and control characters anywhere inside `value` (nested
    lists and mappings included; nested models check themselves)."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"numbers must be finite, got {value}")
        if abs(value) > MAX_MAGNITUDE:
            raise ValueError(f"{value:g} is beyond the largest magnitude allowed, {MAX_MAGNITUDE:g}")
    elif isinstance(value, int):
        if abs(value) > MAX_INTEGER:
            raise ValueError(f"{value} is beyond the largest integer allowed, {MAX_INTEGER} (2^63 - 1)")
    elif isinstance(value, str):
        bad = _control_characters(value, "" if single_line else _LINE_BREAKS)
        if bad:
            raise ValueError(f"control characters are not allowed here: {', '.join(bad)}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_plain(key, single_line=True)
            _check_plain(item, single_line)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _check_plain(item, single_line)


class Strict(BaseModel):
    """Base for every scenario model: unknown keys are errors, values are immutable, numbers are
    finite and at most MAX_MAGNITUDE, and text has no control characters (names and labels are
    one line; descriptions and questions may break lines)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _plain_values(cls, value: Any, info: ValidationInfo) -> Any:
        _check_plain(value, single_line=info.field_name not in ("description", "question"))
        return value
