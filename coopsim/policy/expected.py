"""The expected stage game with incidents and policy interventions in force.

The iterated model draws incidents, audits and payments at random; this module gives their
expected effect on one lab's per-match payoffs, so the one-shot game can be compared honestly with
the iterated results ("what game do labs effectively play while the policy is active?").

For one match between a lab and its partner, with incident probability q per defection and
incident cost C:

* incidents borne by the defector (or under `liability`): the lab's T and P fall by q*C;
* incidents borne by all N labs: every incident costs each lab C/N, so S and T fall by q*C/N
  (one defector in the match) and P by 2*q*C/N (two defectors);
* `audit_and_fine`: a defection is detected with probability d and fined f: T and P fall by d*f;
* `safety_subsidy` of a per cooperating match: R and S rise by a;
* `joint_research`: R rises by the upside increase, exposure falls by the reduction (floored at 0);
* `transparency` and `accurate_beliefs` change what labs see and believe, not the true payoffs.
"""

from __future__ import annotations

from coopsim.theory.stage_game import Payoffs
from coopsim.scenario.spec import IncidentSpec


def with_incidents(p: Payoffs, incidents: IncidentSpec, n_labs: int, liability: bool) -> Payoffs:
    """Expected payoffs after this match's own incidents."""
    expected_cost = incidents.probability * incidents.cost
    if expected_cost == 0:
        return p
    if incidents.borne_by == "defector" or liability:
        return Payoffs(R=p.R, S=p.S, T=p.T - expected_cost, P=p.P - expected_cost)
    share = expected_cost / n_labs
    return Payoffs(R=p.R, S=p.S - share, T=p.T - share, P=p.P - 2 * share)


def with_interventions(p: Payoffs, interventions) -> Payoffs:
    """Expected payoffs with every listed intervention active."""
    R, S, T, P = p.R, p.S, p.T, p.P
    for intervention in interventions:
        kind = intervention.type
        if kind == "audit_and_fine":
            expected_fine = intervention.detection_probability * intervention.fine
            T, P = T - expected_fine, P - expected_fine
        elif kind == "safety_subsidy":
            R, S = R + intervention.amount, S + intervention.amount
        elif kind == "joint_research":
            R += intervention.upside_increase
            S = min(0.0, S + intervention.exposure_reduction) if S <= 0 else S
    return Payoffs(R=R, S=S, T=T, P=P)


def effective_payoffs(p: Payoffs, scenario) -> Payoffs:
    """A lab's expected per-match payoffs with the scenario's incidents and all its
    interventions in force."""
    liability = any(i.type == "liability" for i in scenario.interventions)
    adjusted = with_incidents(p, scenario.dynamics.incidents, scenario.lab_count(), liability)
    return with_interventions(adjusted, scenario.interventions)
