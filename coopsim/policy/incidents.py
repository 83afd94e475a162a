"""Safety incidents in the iterated model: drawing them and charging their cost.

Process. In every match each lab's executed action is one trial: a defection causes an incident
with probability q (``dynamics.incidents.probability``), independently of everything else, so a
match in which both labs defect can cause two incidents. Cooperation never causes one. Each
incident costs C (``dynamics.incidents.cost``) in total.

Who pays. When the defector pays (``borne_by: defector``, or a ``liability`` intervention is
active) the lab that defected pays C. Otherwise (``borne_by: all``) every one of the N labs pays
C / N, wherever the incident happened.

Relation to the stage payoffs. Taking expectations over the incident draws of one match gives
the lab's *private* expected payoffs, exactly :func:`coopsim.policy.expected.with_incidents`::

    defector pays:   R,  S,            T - q*C,       P - q*C
    shared by all:   R,  S - q*C/N,    T - q*C/N,     P - 2*q*C/N

so a one-shot analysis of those adjusted payoffs is the honest comparison for the iterated runs.
With shared costs the other N - 2 labs also pay (N - 2)*q*C/N per defection in the match: an
externality the pair's own payoffs do not show but welfare does. Whoever pays, each incident
destroys C of welfare, so the expected welfare loss is q*C per defection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.theory.stage_game import Payoffs
from coopsim.policy.expected import with_incidents
from coopsim.scenario.spec import IncidentSpec


def expected_cost_matrix(incidents: IncidentSpec, n_labs: int, defector_pays: bool) -> np.ndarray:
    """The expected incident cost a lab bears from one match, as a 2x2 array indexed
    (own action, partner's action) with cooperate = 0, defect = 1.

    It is the drop from the stage payoffs to the incident-adjusted ones (see the module text)."""
    nothing = Payoffs(R=0.0, S=0.0, T=0.0, P=0.0)
    return -with_incidents(nothing, incidents, n_labs, defector_pays).matrix()


@dataclass(slots=True)
class IncidentDraw:
    """The incidents of one round.

    ``caused`` marks the match entries (one per lab per match) whose defection caused an
    incident; ``entry_cost`` is what that entry's lab pays for the incident it caused itself (C
    when the defector pays, C/N when costs are shared); ``lab_cost`` is each lab's total incident
    bill for the round, including shares of incidents other labs caused; ``total_cost`` =
    ``count`` x C is the welfare they destroyed."""

    caused: np.ndarray
    entry_cost: np.ndarray
    lab_cost: np.ndarray
    caused_by_lab: np.ndarray
    count: int
    total_cost: float


def draw_incidents(
    me: np.ndarray,
    defected: np.ndarray,
    incidents: IncidentSpec,
    n_labs: int,
    defector_pays: bool,
    rng: np.random.Generator,
) -> IncidentDraw:
    """Draw one Bernoulli(q) trial per defecting entry and charge the costs.

    ``me[k]`` is the lab of match entry k and ``defected[k]`` whether it defected. No random
    numbers are drawn when q = 0 (the stream then depends only on the scenario, as it must)."""
    if incidents.probability == 0:
        none, zero = np.zeros(me.size, dtype=bool), np.zeros(n_labs)
        return IncidentDraw(none, np.zeros(me.size), zero, zero, 0, 0.0)
    caused = defected & (rng.random(me.size) < incidents.probability)
    caused_by_lab = np.bincount(me, weights=caused, minlength=n_labs)
    count = int(np.count_nonzero(caused))
    if defector_pays:
        entry_cost = caused * incidents.cost
        lab_cost = caused_by_lab * incidents.cost
    else:
        share = incidents.cost / n_labs
        entry_cost = caused * share
        lab_cost = np.empty(n_labs)
        lab_cost.fill(count * share)
    return IncidentDraw(caused, entry_cost, lab_cost, caused_by_lab, count, count * incidents.cost)
