"""coopsim: a multi-agent game-theory simulator for cooperation on safety between AI labs.

Python API for notebooks::

    import coopsim
    result = coopsim.run("scenarios/prisoners-dilemma-race.yaml")  # a path or a loaded scenario
    result.summary                          # per-variant table with 95% intervals
    result.charts["cooperation-over-time"]  # an Altair chart: displays inline in Jupyter
    result.save("reports/my-run")           # the same report folder as `coopsim run`
    coopsim.abm.simulate(coopsim.load_scenario("scenarios/prisoners-dilemma-race.yaml"))

Subpackages (``coopsim.abm``, ``coopsim.theory``, ...) are imported on first use, so
``import coopsim`` and ``coopsim --help`` stay quick.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from coopsim.api import Run
    from coopsim.scenario.spec import Scenario

__all__ = ["load_scenario", "loads_scenario", "run", "__version__"]
_SUBMODULES = frozenset(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def run(scenario: Scenario | str | os.PathLike, progress: Callable[[int, int], None] | None = None
        ) -> Run:
    """Analyse and simulate a scenario (a loaded :class:`Scenario`, or the path of its YAML
    file) and build every chart; see :func:`coopsim.analyses.run.run`."""
    from coopsim.api import run as run_scenario
    from coopsim.scenario.loading import load_scenario

    if isinstance(scenario, (str, os.PathLike)):
        scenario = load_scenario(scenario)
    return run_scenario(scenario, progress)


def __getattr__(name: str):
    # Imported on first use, so `coopsim --help` stays quick (importlib.metadata included).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("coopsim")
        except PackageNotFoundError:  # running from a checkout that was not installed
            return "0.0.0+local"
    if name in ("load_scenario", "loads_scenario"):
        return getattr(importlib.import_module(f"{__name__}.scenario.loading"), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'coopsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The public API and the subpackages (tab completion in notebooks)."""
    return sorted({*__all__, *_SUBMODULES})
