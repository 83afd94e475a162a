"""The scenario language: shared building blocks (:mod:`.base`), the pydantic models
(:mod:`.spec`), YAML loading with line numbers, variants and dotted paths (:mod:`.loading`).

``from coopsim.scenario import Scenario`` works; names are looked up in :mod:`.spec` on first
use, so importing :mod:`.base` alone (as the registries do) stays light and cycle-free."""


def __getattr__(name: str):
    # import_module, not `from coopsim.scenario import spec`: that form first asks this very
    # function for `spec` and recurses without end in a fresh interpreter.
    from importlib import import_module

    spec = import_module(f"{__name__}.spec")

    try:
        return getattr(spec, name)
    except AttributeError:
        raise AttributeError(f"module 'coopsim.scenario' has no attribute {name!r}") from None
