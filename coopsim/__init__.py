"""coopsim: a multi-agent game-theory simulator for cooperation on safety between AI labs.

Python API for notebooks::

    import coopsim
    scenario = coopsim.load_scenario("scenarios/prisoners-dilemma-race.yaml")
    result = coopsim.run(scenario)          # one-shot analysis, simulations, charts
    result.summary                          # per-variant table with 95% intervals
    result.charts["cooperation-over-time"]  # an Altair chart: displays inline in Jupyter
    result.save("reports/my-run")           # the same report folder as `coopsim run`
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coopsim")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+local"

__all__ = ["load_scenario", "loads_scenario", "run", "__version__"]


def __getattr__(name: str):
    # Imported on first use, so `coopsim --help` stays quick.
    if name in ("load_scenario", "loads_scenario"):
        from coopsim.scenario import loading as scenario_io

        return getattr(scenario_io, name)
    if name == "run":
        from coopsim.analyses.run import run

        return run
    raise AttributeError(f"module 'coopsim' has no attribute {name!r}")
