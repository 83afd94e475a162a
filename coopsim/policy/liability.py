"""Liability for incidents (paper strategy 4: penalise unsafe behaviour)."""

from __future__ import annotations

from coopsim.policy.base import INTERVENTIONS, Intervention, InterventionBase, RoundRules


@INTERVENTIONS.register("liability")
class Liability(Intervention):
    """The defector pays the full cost of every incident it causes, even when
    ``dynamics.incidents.borne_by`` is 'all'. Expected effect: T and P fall by q*C instead of
    S, T falling by q*C/N and P by 2*q*C/N (see :mod:`coopsim.policy.incidents`)."""

    paper_strategy = 4

    class Spec(InterventionBase):
        """The defector bears the cost of incidents it causes, whatever `borne_by` says."""

    def apply(self, rules: RoundRules) -> None:
        rules.defector_pays = True

    def does_nothing(self, scenario):
        incidents = scenario.dynamics.incidents
        if incidents.probability * incidents.cost == 0:
            return "incidents cost nothing in expectation (dynamics.incidents)"
        if incidents.borne_by == "defector":
            return "dynamics.incidents.borne_by is already 'defector'"
        return super().does_nothing(scenario)
