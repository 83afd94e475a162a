"""numpy imported on first use, for the modules the scenario language loads.

Validating a scenario (``coopsim validate``, ``coopsim schema``) loads the strategy and
intervention classes, whose *methods* compute with numpy but whose definitions do not need it.
Those modules take ``np`` from here: a stand-in that imports numpy the first time one of its
attributes is read and keeps each attribute it hands out, so later reads cost what a module's do.
"""

from __future__ import annotations

import importlib
from typing import Any


class LazyModule:
    """A module imported when first used: ``LazyModule("numpy").zeros(3)`` imports numpy then."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(importlib.import_module(self._name), attribute)
        setattr(self, attribute, value)
        return value

    def __repr__(self) -> str:
        return f"<lazily imported module {self._name!r}>"


numpy: Any = LazyModule("numpy")
