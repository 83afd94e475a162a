"""Safety incidents in the iterated model: drawing them and charging their cost.

Process. In every match each lab's executed action is one trial: a defection causes an incident
with probability q (``dynamics.incidents.probability``), independently of everything else, so a
match in which both labs defect can cause two incidents. Cooperation never causes one. Each
incident costs C (``dynamics.incidents.cost``) in total.

Who pays. When the defector pays (``borne_by: defector``, or a ``liability`` intervention is
active) the lab that defected pays C. Otherwise (``borne_by: all``) every one of the N labs pays
C / N, wherever the incident happened.

Relation to the stage payoffs. Taking expectations over the incident draws of one match gives
the expected incident bill a lab pays for the match's *own* defections
(:func:`expected_cost_matrix`), subtracted from its stage payoffs::

    defector pays:   R,  S,            T - q*C,       P - q*C
    shared by all:   R,  S - q*C/N,    T - q*C/N,     P - 2*q*C/N

With shared costs a lab also pays q*C/N for every defection in matches it is *not* in
(:func:`external_cost_per_defection`): an externality the pair's own payoffs do not show but
welfare does. Whoever pays, each incident destroys C of welfare, so the expected welfare loss is
q*C per defection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopsim.lazy_import import numpy as np

if TYPE_CHECKING:
    from coopsim.scenario.spec import IncidentSpec


def expected_cost_matrix(incidents: IncidentSpec, n_labs: int, defector_pays: bool) -> np.ndarray:
    """The expected incident cost a lab bears for one match's own defections, as a 2x2 array
    indexed (own action, partner's action) with cooperate = 0, defect = 1 (see the module text):
    with q*C the expected cost of one defection,

        defector pays:   [[0, 0],      [q*C, q*C]]
        shared by all:   [[0, q*C/N],  [q*C/N, 2*q*C/N]]
    """
    own_defections = np.array([[0.0, 1.0], [1.0, 2.0]])  # defections in the match, by cell
    expected_cost = incidents.probability * incidents.cost
    if defector_pays:
        return np.array([[0.0, 0.0], [expected_cost, expected_cost]])
    return own_defections * expected_cost / n_labs


def external_cost_per_defection(incidents: IncidentSpec, n_labs: int, defector_pays: bool) -> float:
    """What a lab pays in expectation for one defection in a match it is not in: q*C/N when
    incident costs are shared by all, 0 when the defector pays."""
    if defector_pays:
        return 0.0
    return incidents.probability * incidents.cost / n_labs


@dataclass
class IncidentDraw:
    """The incidents of one round, for a batch of B runs (arrays (B, E) per match entry, (B, N)
    per lab, (B,) per run).

    ``caused`` marks the match entries (one per lab per match) whose defection caused an
    incident; ``entry_cost`` is what that entry's lab pays for the incident it caused itself (C
    when the defector pays, C/N when costs are shared); ``lab_cost`` is each lab's total incident
    bill for the round, including shares of incidents other labs caused ((B, 1) when every lab of
    a run pays the same); ``caused_by_lab`` counts (integers) the incidents each lab caused;
    ``total_cost`` = ``count`` x C is the welfare they destroyed."""

    caused: np.ndarray
    share: np.ndarray | float
    lab_cost: np.ndarray
    caused_by_lab: np.ndarray
    count: np.ndarray
    total_cost: np.ndarray

    @property
    def entry_cost(self) -> np.ndarray:
        """Per entry, what its lab pays for the incident it caused (``share`` per run: C or C/N)."""
        return self.caused.astype(float) * self.share


@dataclass(frozen=True)
class IncidentTerms:
    """A round's incident rules for B runs, as the draw uses them: ``probability`` q and
    ``cost`` C per run (B,), ``defector_pays`` (B,), and derived once per set of rules: ``odds``
    (q) and ``share`` (what the lab that caused an incident pays for it, C or C/N) shaped to
    broadcast against (B, E) arrays, ``per_lab`` C/N (B,), and whether all runs (``all_pay``) or
    none (``none_pay``) charge the defector."""

    probability: np.ndarray
    cost: np.ndarray
    defector_pays: np.ndarray
    n_labs: int
    odds: np.ndarray
    share: np.ndarray
    per_lab: np.ndarray
    all_pay: bool
    none_pay: bool

    @staticmethod
    def of(probability: np.ndarray, cost: np.ndarray, defector_pays: np.ndarray, n_labs: int,
           column) -> IncidentTerms:
        """The terms of per-run values (B,); ``column`` shapes a per-run value to broadcast
        against (B, E) arrays."""
        share = column(np.where(defector_pays, cost, cost / n_labs))
        return IncidentTerms(probability, cost, defector_pays, n_labs, column(probability), share,
                             cost / n_labs, bool(defector_pays.all()), not defector_pays.any())


def draw_incidents(lab: np.ndarray, defected: np.ndarray, uniform: np.ndarray | None,
                   terms: IncidentTerms) -> IncidentDraw:
    """One Bernoulli(q) trial per defecting entry, and the costs, for B runs at once.

    ``lab[b, k]`` is the flat lab index (b*N + lab) of entry k of run b, ``defected[b, k]``
    whether it defected, ``uniform`` one uniform per entry (None when no run can have an
    incident: q = 0 draws nothing); ``terms`` the round's incident rules per run."""
    size, n_labs = lab.shape[0], terms.n_labs
    if uniform is None:
        zero = np.zeros((size, n_labs))
        return IncidentDraw(np.zeros(lab.shape, dtype=bool), 0.0, zero,
                            np.zeros((size, n_labs), dtype=np.int64), np.zeros(size, dtype=np.int64),
                            np.zeros(size))
    cost = terms.cost
    caused = defected & (uniform < terms.odds)
    caused_by_lab = np.bincount(lab[caused], minlength=size * n_labs).reshape(size, n_labs)
    count = np.add.reduce(caused_by_lab, axis=1)
    if terms.all_pay:
        lab_cost = caused_by_lab * cost[:, None]
    elif terms.none_pay:
        lab_cost = (count * terms.per_lab)[:, None]
    else:
        lab_cost = np.where(terms.defector_pays[:, None], caused_by_lab * cost[:, None],
                            (count * terms.per_lab)[:, None])
    return IncidentDraw(caused, terms.share, lab_cost, caused_by_lab, count, count * cost)
