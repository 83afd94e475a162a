"""The expected stage game with incidents and policy interventions in force.

The iterated model draws incidents, audits and payments at random; this module gives their
expected effect on each lab's per-match payoffs ("what game do labs effectively play while the
policy is in force?"), so the one-shot game can be compared honestly with the iterated results.
It builds the round's rules exactly as the model does (:func:`coopsim.policy.base.base_rules`,
then every intervention's own ``apply``) and takes the expectation with
:meth:`RoundRules.expected_payoffs` and :func:`coopsim.policy.incidents.expected_cost_matrix`:
nothing about what an intervention does is written here.

Interventions that cannot act in the scenario (a window that never opens, a zero fine, ...; see
``Intervention.does_nothing``) are left out, and reported by :func:`inactive`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopsim.lazy_import import numpy as np

from coopsim.policy.base import Intervention, RoundRules, base_rules, make_intervention
from coopsim.policy.incidents import expected_cost_matrix, external_cost_per_defection
from coopsim.theory.stage_game import Payoffs

if TYPE_CHECKING:
    from coopsim.scenario.spec import Scenario


def in_force(scenario: Scenario) -> list[Intervention]:
    """The scenario's interventions that can change something for every lab, in scenario order
    (targeted ones act in the iterated model only: see :mod:`coopsim.policy.targets`)."""
    made = [make_intervention(spec) for spec in scenario.interventions if spec.targets is None]
    return [i for i in made if i.does_nothing(scenario) is None]


def inactive(scenario: Scenario) -> list[tuple[int, str]]:
    """(index in ``interventions``, reason) of every intervention that cannot act."""
    made = [make_intervention(spec) for spec in scenario.interventions]
    reasons = [(index, i.does_nothing(scenario)) for index, i in enumerate(made)]
    return [(index, reason) for index, reason in reasons if reason is not None]


def policy_rules(scenario: Scenario, true: np.ndarray, perceived: np.ndarray) -> RoundRules:
    """The rules of a round with every intervention in force acting (shape (labs, 2, 2))."""
    rules = base_rules(scenario, true, perceived)
    for intervention in in_force(scenario):
        intervention.apply(rules)
    return rules


@dataclass(frozen=True)
class ExpectedGame:
    """Expected per-match payoffs of each lab under the policy, as (labs, 2, 2) tables indexed
    [lab, own action, partner's action]: ``true`` the game labs effectively play, ``decided``
    the game they decide on (their perceived payoffs, same adjustments), and
    ``external_cost_per_defection`` what each lab pays for one defection in a match it is not
    in (shared incident costs; 0 when the defector pays)."""

    true: np.ndarray
    decided: np.ndarray
    external_cost_per_defection: float


def expected_game(scenario: Scenario, true: np.ndarray, perceived: np.ndarray) -> ExpectedGame:
    """The expected game of labs with stage payoff tables ``true`` and ``perceived``."""
    rules = policy_rules(scenario, np.array(true, dtype=float), np.array(perceived, dtype=float))
    n_labs = scenario.lab_count()
    cost = expected_cost_matrix(scenario.dynamics.incidents, n_labs, rules.defector_pays)
    return ExpectedGame(
        true=rules.expected_payoffs(rules.true, cost),
        decided=rules.decision_payoffs(cost),
        external_cost_per_defection=external_cost_per_defection(
            scenario.dynamics.incidents, n_labs, rules.defector_pays
        ),
    )


def external_cost(scenario: Scenario) -> float:
    """What a lab pays in expectation for one defection in a match it is not in, with every
    intervention in force (shared incident costs; 0 when the defector pays)."""
    rules = policy_rules(scenario, np.zeros((1, 2, 2)), np.zeros((1, 2, 2)))
    return external_cost_per_defection(
        scenario.dynamics.incidents, scenario.lab_count(), rules.defector_pays
    )


def effective_payoffs(p: Payoffs, scenario: Scenario) -> Payoffs:
    """A lab's expected per-match payoffs (own match) with the scenario's incidents and every
    intervention in force."""
    table = p.matrix()[None]
    (R, S), (T, P) = expected_game(scenario, table, table).true[0]
    return Payoffs(R=float(R), S=float(S), T=float(T), P=float(P))
