"""Where a DSAIR game sits (Han et al. 2020): its zone, the two conditions behind it (is safety
collectively preferred; is it selected, i.e. does AS risk-dominate AU), the thresholds in ``p_r``
at which they change, and the race's regime.

Two labs per race: Eq. 2 and its thresholds (:mod:`coopsim.theory.dsair`). ``N > 2``: Appendix
B's conditions between all-SAFE and all-UNSAFE groups (:mod:`coopsim.theory.dsair_groups`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from coopsim.theory.dsair import DsairParams

ZONE_REFERS_TO = (
    "The zone compares always-safe (AS) with always-unsafe (AU) play only (all-SAFE against "
    "all-UNSAFE races, and risk dominance of AS over AU); conditionally safe play (CS) is not "
    "part of it"
)
ZONE_MEANINGS = {
    "compliance": "safety is both collectively preferred and selected: no regulation needed",
    "dilemma": "safety is collectively preferred but unsafe play is selected: "
    "the zone where regulation is needed",
    "innovation": "unsafe (fast) play is both collectively preferred and selected: "
    "regulating safety here would slow innovation for no gain",
    "unsafe_preferred_safe_selected": "unsafe play is collectively preferred but safety is "
    "selected (possible only away from the early regime)",
}

# The zones in a chart's legend (zone maps, phase maps); colours: coopsim.charts.theme.ZONE_COLOURS.
ZONE_LABELS = {
    "compliance": "compliance: safety preferred and selected",
    "dilemma": "dilemma: safety preferred, unsafe play selected (regulate)",
    "innovation": "innovation: unsafe play preferred and selected",
    "unsafe_preferred_safe_selected": "unsafe play preferred, safety selected",
}


def regime(p: DsairParams) -> str:
    """'early' (prize per round B/W >= 10 b), 'late' (B/W <= b/10) or 'intermediate'."""
    prize_per_round = p.B / p.W
    if prize_per_round >= 10 * p.b:
        return "early"
    if prize_per_round <= p.b / 10:
        return "late"
    return "intermediate"


def conditions(p: DsairParams) -> dict[str, Any]:
    """Zone, the two conditions behind it, and the thresholds in ``p_r`` (exact and limits).

    Two labs per race: Eq. 2 and its thresholds. ``N > 2``: Appendix B's conditions (all-SAFE vs
    all-UNSAFE groups; N-player risk dominance of AS over AU). Either way the zone is about AS
    against AU (:data:`ZONE_REFERS_TO`)."""
    from coopsim.theory import dsair, dsair_groups

    if p.N > 2:
        preferred = bool(dsair_groups.n_lab_race_payoffs(p, p.N).safe > dsair_groups.n_lab_race_payoffs(p, 0).unsafe)
        selected = bool(dsair_groups.n_lab_as_risk_dominant(p))
        thresholds = {
            "collective_preference": {"exact": dsair_groups.n_lab_collective_threshold(p), "early": 1 - 1 / p.s},
            "as_risk_dominance": {
                "exact": dsair_groups.n_lab_risk_dominance_threshold(p),
                "early": dsair_groups.n_lab_risk_dominance_threshold_early(p),
            },
        }
        found = {"safety_collectively_preferred": preferred, "as_risk_dominant": selected}
        zone = str(dsair.zone_of(preferred, selected))
    else:
        thresholds = {
            "collective_preference": {
                "exact": dsair.collective_preference_threshold(p),
                "early": dsair.collective_preference_threshold_early(p),
                "late": dsair.collective_preference_threshold_late(p),
            },
            "as_risk_dominance": {
                "exact": dsair.as_risk_dominance_threshold(p),
                "early": dsair.risk_dominance_threshold_early(p),
            },
            "cs_risk_dominance": {
                "exact": dsair.cs_risk_dominance_threshold(p),
                "early": dsair.risk_dominance_threshold_early(p),
            },
        }
        found = {
            "safety_collectively_preferred": bool(dsair.safety_collectively_preferred(p)),
            "as_risk_dominant": bool(dsair.as_risk_dominant(p)),
            "cs_risk_dominant": bool(dsair.cs_risk_dominant(p)),
        }
        zone = str(dsair.zone(p))
    return {
        "zone": zone,
        "zone_meaning": ZONE_MEANINGS[zone],
        "zone_refers_to": ZONE_REFERS_TO,
        "conditions": found,
        "thresholds": thresholds,
        "regime": regime(p),
        "prize_per_round": p.B / p.W,
        "p_r": p.p_r,
        "cs_vs_au": p.cs_vs_au,
    }
