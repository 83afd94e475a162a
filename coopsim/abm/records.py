"""What a round records: the model and lab reporters every run writes (the columns of the
``rounds`` and ``labs`` tables), computed for a whole batch at once. The Mesa model
(:mod:`coopsim.abm.model`) collects them for a batch of one; the batched engine for many.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from coopsim.abm.engine import Engine, RoundOutcome

MODEL_REPORTERS = (
    "cooperation_rate",
    "mean_trust",
    "incidents",
    "welfare",
    "lab_payoffs",
    "fines_collected",
    "subsidies_paid",
    "incident_cost",
    "public_cost",
    "observability",
)
AGENT_REPORTERS = ("cooperation", "matches", "payoff", "trust", "incidents_caused")


def round_records(engine: Engine, outcome: RoundOutcome) -> tuple[dict, dict]:
    """The reporters of one round for every run of ``engine``'s batch: model reporters as (B,)
    arrays, agent reporters as (B, N) arrays (see :class:`LabModel`)."""
    rules, n = engine.rules, engine.n_labs
    trust = engine.memory.mean_belief()
    lab_payoffs = np.add.reduce(outcome.payoff, axis=1)
    fines, subsidies = outcome.fines, outcome.subsidies
    defections = np.add.reduce(outcome.defected, axis=1, dtype=np.intp)
    model = {
        "cooperation_rate": 1 - defections / outcome.defected.shape[1],
        "mean_trust": np.add.reduce(trust, axis=1) / n,
        "incidents": outcome.incidents.count,
        "welfare": lab_payoffs + fines - subsidies - rules.public_cost,
        "lab_payoffs": lab_payoffs,
        "fines_collected": fines,
        "subsidies_paid": subsidies,
        "incident_cost": outcome.incidents.total_cost,
        "public_cost": rules.public_cost,
        "observability": rules.observability,
    }
    labs = {
        "cooperation": outcome.cooperation,
        "matches": outcome.matches,
        "payoff": outcome.payoff,
        "trust": trust,
        "incidents_caused": outcome.incidents.caused_by_lab,
    }
    return model, labs
