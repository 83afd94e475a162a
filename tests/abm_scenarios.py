"""Building small scenarios for the iterated-model tests."""

from __future__ import annotations

from coopsim.scenario.spec import Scenario

PRISONERS_DILEMMA = {"shared_upside": 3, "advantage": 5, "exposure": 1, "shared_downside": 0.5}
STAG_HUNT = {"shared_upside": 4, "advantage": 3, "exposure": 3, "shared_downside": 1}
HARMONY = {"shared_upside": 3, "advantage": 2, "exposure": 0, "shared_downside": 1}


def make_scenario(labs, *, game=PRISONERS_DILEMMA, interventions=(), **dynamics) -> Scenario:
    """Labs given as (strategy type or spec dict, count[, extra lab fields]) tuples."""
    lab_specs = []
    for number, (strategy, count, *extra) in enumerate(labs):
        spec = {"type": strategy} if isinstance(strategy, str) else strategy
        fields = extra[0] if extra else {}
        lab_specs.append({"name": f"Kind {number}", "count": count, "strategy": spec, **fields})
    return Scenario.model_validate(
        {
            "name": "test",
            "seed": dynamics.pop("seed", 1),
            "game": game,
            "labs": lab_specs,
            "dynamics": {"replicates": 1, **dynamics},
            "interventions": list(interventions),
        }
    )
