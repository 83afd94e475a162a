"""The iterated agent-based model: N labs over rounds, under policy interventions.

- :mod:`coopsim.abm.engine`: one round (match, decide, pay, observe, learn) for a batch of runs;
- :mod:`coopsim.abm.model`: the Mesa model, driving the engine with a batch of one run;
- :mod:`coopsim.abm.batch`: many runs grouped by shape, each on its own random stream;
- :mod:`coopsim.abm.agents`: thin LabAgents and the per-pair memory of observed actions;
- :mod:`coopsim.abm.strategies`: decision rules with their metadata, a registry keyed by
  ``strategy.type`` (shared with ``evolve``);
- :mod:`coopsim.abm.runner`: variants x replicates with seeded streams -> tidy DataFrames;
- :mod:`coopsim.abm.race`: the DSAIR race played round by round.

Names are imported on first use (``coopsim.abm.simulate`` works after ``import coopsim``), so
the scenario language can use the strategy registry without importing Mesa.
"""

_EXPORTS = {
    "INTERVENTIONS": "coopsim.policy",
    "PAPER_STRATEGIES": "coopsim.policy",
    "STRATEGIES": "coopsim.abm.strategies",
    "LabModel": "coopsim.abm.model",
    "RunResult": "coopsim.abm.runner",
    "SimulationResult": "coopsim.abm.runner",
    "replicate_seed": "coopsim.abm.runner",
    "run_batch": "coopsim.abm.batch",
    "simulate": "coopsim.abm.runner",
    "simulate_one": "coopsim.abm.runner",
    "summarise": "coopsim.abm.runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    import importlib

    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'coopsim.abm' has no attribute {name!r}")


def __dir__():
    return __all__
