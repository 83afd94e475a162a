"""What sweeps, sensitivity analyses and phase diagrams read from the DSAIR race: its measures
(exact: closed forms and the stationary distribution of `coopsim evolve`) and its phase maps
(computed by :func:`coopsim.analyses.race_phase.dsair_phase`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from coopsim.games.base import Measure, PhaseMap
from coopsim.games.dsair_zones import ZONE_LABELS

if TYPE_CHECKING:
    from coopsim.scenario.spec import Scenario

THRESHOLDS = ("collective_preference", "as_risk_dominance", "cs_risk_dominance")
MEASURES = (
    Measure("stationary_safe_play", "share of safe play (stationary distribution)", (0.0, 1.0), ranked=True),
    Measure("average_payoff", "average payoff per round (stationary distribution, payoff units)", ranked=True),
    *(Measure(f"{name}_threshold", f"{name.replace('_', ' ')} threshold (p_r, exact)") for name in THRESHOLDS),
    Measure("zone", "zone (AS vs AU)", None),
    Measure("most_abundant", "most abundant strategy", None),
)


def measure(scenario: Scenario, variant: str = "", replicate: int = 0, seed: Any = None) -> dict[str, Any]:
    """The DSAIR measures of a sweep point, all exact (no randomness; ``seed`` is unused):
    the stationary share of safe play (:func:`coopsim.analyses.evolution.stationary`), the
    average payoff per round ``sum_X pi_X Pi(X, X)`` over the stationary distribution of
    monomorphic populations (N > 2: the all-SAFE and all-UNSAFE group payoffs), the exact
    thresholds in ``p_r`` (``nan`` where none exists, and for CS when N > 2), the zone and the
    most abundant strategy, as `coopsim evolve` reports them."""
    import numpy as np

    from coopsim.analyses.evolution import stationary
    from coopsim.theory import dsair_groups

    from coopsim.games.dsair import dsair_params
    from coopsim.games.dsair_zones import conditions

    game, result = stationary(scenario)
    p = dsair_params(scenario)
    shares = np.array([result["stationary"][s] for s in game.strategies])
    if game.matrix is not None:
        own = np.diag(game.matrix)
    else:
        own = np.array([dsair_groups.n_lab_race_payoffs(p, p.N).safe if s == "AS"
                        else dsair_groups.n_lab_race_payoffs(p, 0).unsafe for s in game.strategies])
    found = conditions(p)
    thresholds = {
        f"{name}_threshold": float(np.nan if found["thresholds"].get(name, {}).get("exact") is None
                                   else found["thresholds"][name]["exact"])
        for name in THRESHOLDS
    }
    return {
        "stationary_safe_play": result["stationary_safe_play"],
        "average_payoff": float(shares @ own),
        **thresholds,
        "zone": found["zone"],
        "most_abundant": result["most_abundant"],
    }


PHASE_MAPS = {
    "zone": PhaseMap("zone", "zone (AS vs AU)", ZONE_LABELS),
    "safety-preferred": PhaseMap("safety_collectively_preferred", "all-safe races pay more than all-unsafe ones"),
    "safety-selected": PhaseMap("as_risk_dominant", "always safe (AS) risk-dominates always unsafe (AU)"),
    "conditional-safety-selected": PhaseMap("cs_risk_dominant",
                                            "conditionally safe (CS) risk-dominates always unsafe (AU)"),
}
