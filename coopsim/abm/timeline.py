"""The rules of every round of one scenario, and how many random numbers each round draws.

A :class:`Timeline` belongs to one resolved scenario (a variant, or a sweep point's variant).
Every run of that scenario -- its replicates, whatever their seeds -- plays under the same
rules, so the rules are built once per scenario, not once per run:

1. the interventions active in the round (``start <= round < end``) act: lasting ones change
   the timeline's state first (accurate beliefs move the perceived payoffs), then every active
   one changes a fresh copy of the scenario's own rules, in scenario order
   (:mod:`coopsim.policy`); rules are rebuilt only when the active set changes or a lasting
   intervention is active;
2. the decision payoffs (what a lab expects by its perception, incident costs it bears
   included) and the gains from cooperating against a cooperator or a defector follow.

:class:`DrawPlan` says which random draws a round makes (see :mod:`coopsim.abm.engine` for the
order). A draw is made only when its outcome is uncertain (a tremble, incident, audit, sighting
or sanction chance strictly between 0 and 1), so a plan depends on the scenario's settings, and
runs with the same plans can share one batch. Plans are computed from the interventions' windows
and rules; lasting interventions change perceptions only, never what is drawn (checked while
running).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.games.stage import expand_labs
from coopsim.policy.base import Intervention, RoundRules, base_rules, make_intervention
from coopsim.policy.incidents import expected_cost_matrix
from coopsim.policy.targets import apply_to, begin_round_for, target_mask
from coopsim.scenario.spec import Scenario
from coopsim.theory.stage_game import COOPERATE, DEFECT


@dataclass(frozen=True)
class DrawPlan:
    """The random draws of one round, besides matching, decisions and learning (fixed by the
    scenario's shape): ``audits`` audits (one draw per entry each), for each transfer whether
    its event is drawn (``True``), certain or impossible (``False``), and whether sightings that
    update memory are drawn."""

    audits: int
    transfers: tuple[tuple[bool, bool, bool], ...]  # (drawn, observed, public) per transfer
    observe: bool

    @staticmethod
    def of(rules: RoundRules) -> DrawPlan:
        """The draws ``rules`` call for."""
        transfers = tuple(
            (0 < rules.chance(t) < 1 and not t.is_zero(), t.observed, t.public) for t in rules.transfers
        )
        return DrawPlan(len(rules.audits), transfers, 0 < rules.observability < 1)


class Timeline:
    """The rules of each round of ``scenario`` (see the module docstring). ``rules`` and the
    decision tables are those of the round last passed to :meth:`update`."""

    def __init__(self, scenario: Scenario, degree: np.ndarray | None):
        labs = expand_labs(scenario)
        self.scenario = scenario
        self.n_labs = len(labs)
        self.trust = np.array([lab.trust for lab in labs], dtype=float)
        self.true_payoffs = np.stack([lab.payoffs.matrix() for lab in labs])
        self.perceived_payoffs = np.stack([lab.perceived.matrix() for lab in labs])
        self.interventions = [make_intervention(spec) for spec in scenario.interventions]
        self.targets = {i: target_mask(i.spec.targets, scenario, degree) for i in self.interventions}
        incidents = scenario.dynamics.incidents
        self._incident_costs = {
            pays: expected_cost_matrix(incidents, self.n_labs, pays) for pays in (False, True)
        }
        self._active: tuple[Intervention, ...] | None = None
        # the rules can change only where a window opens or closes, or while a lasting one acts
        self.changes = {0} | {i.spec.start for i in self.interventions}
        self.changes |= {i.spec.end for i in self.interventions if i.spec.end is not None}
        self.lasting = any(i.lasting for i in self.interventions)
        self.version = 0  # bumped whenever the rules change
        self._set_rules(base_rules(scenario, self.true_payoffs, self.perceived_payoffs))
        self.initial_decision_payoffs = self.decision_payoffs
        self._plans: dict[tuple[Intervention, ...], DrawPlan] = {}

    def _active_at(self, round_index: int) -> tuple[Intervention, ...]:
        return tuple(i for i in self.interventions if i.active(round_index))

    def _build(self, active: tuple[Intervention, ...]) -> RoundRules:
        rules = base_rules(self.scenario, self.true_payoffs, self.perceived_payoffs)
        for intervention in active:
            apply_to(intervention, rules, self.targets[intervention])
        rules.public_cost = sum(i.spec.cost_per_round for i in active)
        return rules

    def _set_rules(self, rules: RoundRules) -> None:
        self.rules = rules
        self.version += 1
        self.decision_payoffs = rules.decision_payoffs(self._incident_costs[rules.defector_pays])
        table = self.decision_payoffs
        self.decision_gains = (
            table[:, COOPERATE, COOPERATE] - table[:, DEFECT, COOPERATE],
            table[:, COOPERATE, DEFECT] - table[:, DEFECT, DEFECT],
        )

    def update(self, round_index: int) -> None:
        """Make ``rules`` those of round ``round_index`` (rounds are visited in order)."""
        if not self.lasting and round_index not in self.changes and self._active is not None:
            return
        active = self._active_at(round_index)
        if active == self._active and not any(i.lasting for i in active):
            return
        self._active = active
        for intervention in active:
            begin_round_for(intervention, self, self.targets[intervention])
        self._set_rules(self._build(active))

    def plan(self, round_index: int) -> DrawPlan:
        """The draws of round ``round_index``, known before the run (see the module docstring)."""
        active = self._active_at(round_index)
        if active not in self._plans:
            self._plans[active] = DrawPlan.of(self._build(active))
        return self._plans[active]

    def plan_changes(self, rounds: int) -> tuple[tuple[int, DrawPlan], ...]:
        """(first round, draw plan) of each stretch of rounds with one plan, in order."""
        stretches: list[tuple[int, DrawPlan]] = []
        for r in sorted(c for c in self.changes if c < rounds):
            plan = self.plan(r)
            if not stretches or stretches[-1][1] != plan:
                stretches.append((r, plan))
        return tuple(stretches)

    def plans(self, rounds: int) -> list[DrawPlan]:
        """The draw plan of every round."""
        plans: list[DrawPlan] = []
        for (start, plan), (end, _) in zip(self.plan_changes(rounds), [*self.plan_changes(rounds)[1:], (rounds, None)]):
            plans += [plan] * (end - start)
        return plans
