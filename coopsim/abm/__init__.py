"""The iterated agent-based model: N labs over rounds, under policy interventions.

- :mod:`coopsim.abm.model`: the Mesa model (one round = match, decide, pay, observe, learn);
- :mod:`coopsim.abm.agents`: thin LabAgents and the per-pair memory of observed actions;
- :mod:`coopsim.abm.strategies`: decision rules, a registry keyed by ``strategy.type``;
- :mod:`coopsim.policy.incidents`: safety incidents and their expected cost;
- :mod:`coopsim.abm.runner`: variants x replicates with seeded streams -> tidy DataFrames.
"""

from coopsim.policy import INTERVENTIONS, PAPER_STRATEGIES
from coopsim.abm.model import LabModel
from coopsim.abm.runner import (
    RunResult,
    SimulationResult,
    replicate_seed,
    simulate,
    simulate_one,
    summarise,
)
from coopsim.abm.strategies import STRATEGIES

__all__ = [
    "INTERVENTIONS",
    "PAPER_STRATEGIES",
    "STRATEGIES",
    "LabModel",
    "RunResult",
    "SimulationResult",
    "replicate_seed",
    "simulate",
    "simulate_one",
    "summarise",
]
