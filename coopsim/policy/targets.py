"""Interventions aimed at some labs only (``targets:``): a per-lab mask applied where a round's
rules are built.

An intervention with ``targets`` acts on a copy of the round's rules; the model then keeps its
effect for the targeted labs only: their rows of the true and perceived payoff tables, their
share of a subsidy (paid only to them), fines only on their defections (its audits inspect only
them), the payments of a sanction, reward or pledge only to and from them. A lasting effect (accurate beliefs) is kept for their perceptions only. Observability and
who pays for incidents are properties of the whole round here, so ``transparency`` and
``liability`` cannot be targeted. Targeted interventions act in the iterated model; the one-shot
"expected game under policy" shows only interventions that apply to every lab.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from coopsim.lazy_import import numpy as np

if TYPE_CHECKING:
    from coopsim.policy.base import Intervention, RoundRules, Targets
    from coopsim.scenario.spec import Scenario

WHOLE_ROUND = {
    "transparency": "observability is the same for every lab in a round",
    "liability": "who pays for incidents is the same for every lab in a round",
}


def expanded_names(scenario: Scenario) -> tuple[list[str], list[str]]:
    """Every lab's name and kind after expanding ``count`` (as expand_labs names them)."""
    names, kinds = [], []
    for lab in scenario.labs:
        for copy in range(lab.count):
            names.append(lab.name if lab.count == 1 else f"{lab.name} {copy + 1}")
            kinds.append(lab.name)
    return names, kinds


def targets_problem(intervention_type: str, targets: Targets, scenario: Scenario) -> str | None:
    """Why these targets cannot be used in the scenario (None if they can)."""
    if intervention_type in WHOLE_ROUND:
        return f"{intervention_type} cannot target labs: {WHOLE_ROUND[intervention_type]}"
    if targets.labs is not None:
        names, kinds = expanded_names(scenario)
        unknown = [name for name in targets.labs if name not in names and name not in kinds]
        if unknown:
            return f"unknown lab {unknown[0]!r} in targets.labs"
    elif scenario.dynamics.network is None:
        return "targets.highest_degree needs dynamics.network (without one every lab meets all)"
    elif targets.highest_degree > scenario.lab_count():
        return f"targets.highest_degree is {targets.highest_degree} but there are {scenario.lab_count()} labs"
    return None


def target_mask(targets: Targets | None, scenario: Scenario, degree: np.ndarray | None) -> np.ndarray | None:
    """Which labs are targeted (None: every lab). ``degree``: each lab's number of neighbours."""
    if targets is None:
        return None
    if targets.labs is not None:
        names, kinds = expanded_names(scenario)
        wanted = set(targets.labs)
        return np.array([n in wanted or k in wanted for n, k in zip(names, kinds)])
    order = np.argsort(-degree, kind="stable")  # highest degree first; ties: the earlier lab
    mask = np.zeros(degree.size, dtype=bool)
    mask[order[: targets.highest_degree]] = True
    return mask


def apply_to(intervention: Intervention, rules: RoundRules, mask: np.ndarray | None) -> None:
    """Let ``intervention`` change ``rules`` for the labs in ``mask`` only (all when None)."""
    if mask is None:
        intervention.apply(rules)
        return
    # The trial owns every array an intervention may change in place (``subsidy += a`` on a
    # per-lab array left by an earlier targeted subsidy would otherwise reach every lab).
    trial = replace(rules, true=rules.true.copy(), perceived=rules.perceived.copy(),
                    subsidy=np.copy(rules.subsidy) if isinstance(rules.subsidy, np.ndarray) else rules.subsidy,
                    audits=list(rules.audits), transfers=list(rules.transfers))
    intervention.apply(trial)
    rows = mask[:, None, None]
    rules.true = np.where(rows, trial.true, rules.true)
    rules.perceived = np.where(rows, trial.perceived, rules.perceived)
    column = mask[:, None].astype(float)  # per-lab rule values are (labs, 1) columns
    if not np.array_equal(trial.subsidy, rules.subsidy):
        rules.subsidy = rules.subsidy + (trial.subsidy - rules.subsidy) * column
    rules.audits += [(detection, fine * column) for detection, fine in trial.audits[len(rules.audits):]]
    rows = rows.astype(float)  # a transfer's amounts are (labs, 2, 2) tables by receiving lab
    rules.transfers += [
        replace(t, to_actor=t.to_actor * rows, to_partner=t.to_partner * rows)
        for t in trial.transfers[len(rules.transfers):]
    ]


def begin_round_for(intervention: Intervention, model, mask: np.ndarray | None) -> None:
    """A lasting change (``begin_round``) kept for the labs in ``mask`` only."""
    if mask is None:
        intervention.begin_round(model)
        return
    perceived, true = model.perceived_payoffs.copy(), model.true_payoffs.copy()
    intervention.begin_round(model)
    model.perceived_payoffs[~mask] = perceived[~mask]
    model.true_payoffs[~mask] = true[~mask]
