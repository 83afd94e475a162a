"""One-shot analysis of a scenario's stage game, as plain JSON-ready data.

The row lab is the scenario's first lab and the column lab its second (after expanding `count`).
Per-lab facts (critical trust, best response, factor distances) depend only on a lab's own
payoffs, so they are given for every kind of lab.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from coopsim.theory.equilibria import risk_dominance_2x2, social_optimum, solve
from coopsim.theory.stage_game import (
    ACTIONS,
    Lab,
    bimatrix,
    classify_payoffs,
    expected_values,
    factor_distances,
    game_class,
    trust_verdict,
)
from coopsim.games.stage import expand_labs
from coopsim.policy.expected import effective_payoffs, external_cost
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants

POLICY_KEYS = ("game_class", "equilibria", "trust_threshold", "cooperate_is_best_response",
               "risk_dominant", "payoff_matrices")


def analyse_with_policies(scenario: Scenario) -> dict[str, Any]:
    """The stage game's analysis plus, under "policy", the expected game each variant's labs
    effectively play with its incidents and interventions in force (see policy_effects)."""
    analysis = analyse(scenario)
    variants = resolve_variants(scenario)
    if len(variants) > 1 or scenario.interventions or scenario.dynamics.incidents.probability > 0:
        analysis["policy"] = {
            name: {key: value for key, value in analyse(variant, effective=True).items()
                   if key in POLICY_KEYS}
            | {"external_incident_cost_per_defection": external_cost(variant)}
            for name, variant in variants.items()
        }
    return analysis


def analyse(scenario: Scenario, effective: bool = False) -> dict[str, Any]:
    """The one-shot analysis of `scenario` (five-factor or matrix game); with `effective`, of the
    expected game with incidents and all interventions in force."""
    labs = expand_labs(scenario)
    if effective:
        labs = [replace(lab, payoffs=effective_payoffs(lab.payoffs, scenario)) for lab in labs]
    row, column = labs[0], labs[1]
    A, B = bimatrix(row.payoffs, column.payoffs)
    found = solve(A, B)
    optimum_cell, optimum_welfare = social_optimum(A, B)
    equilibria = [
        {
            "row": list(e.row),
            "col": list(e.column),
            "payoffs": list(e.payoffs),
            "welfare": e.welfare,
            "pure": e.pure,
            "pareto_efficient": e.pareto_efficient,
            "label": equilibrium_label(e.row, e.column),
        }
        for e in found.equilibria
    ]
    worst = min(e["welfare"] for e in equilibria)
    row_verdict = trust_verdict(row.payoffs, row.trust)
    # Labs with the same trust and payoffs face the same decision: analyse each kind once.
    kinds: dict[tuple, list[Lab]] = {}
    for lab in labs:
        kinds.setdefault((lab.trust, lab.payoffs), []).append(lab)
    return {
        "scenario": scenario.name,
        "model": scenario.game.model,
        "row_lab": row.name,
        "column_lab": column.name,
        "payoff_matrices": {"row": A.tolist(), "column": B.tolist(), "actions": list(ACTIONS)},
        "game_class": game_class(row.payoffs, column.payoffs),
        "equilibria": equilibria,
        "degenerate": found.degenerate,
        "solvers": list(found.methods),
        "solvers_agree": found.methods_agree,
        "trust_threshold": row_verdict.threshold,
        "cooperate_is_best_response": row_verdict.cooperate_is_best_response,
        "risk_dominant": risk_dominance_2x2(A, B),
        "social_optimum": {
            "actions": [ACTIONS[optimum_cell[0]], ACTIONS[optimum_cell[1]]],
            "welfare": optimum_welfare,
        },
        "welfare_gap": optimum_welfare - worst,
        "price_of_anarchy": optimum_welfare / worst if worst > 0 else None,
        "labs": [lab_analysis(group) for group in kinds.values()],
    }


def lab_analysis(group: list[Lab]) -> dict[str, Any]:
    """Critical trust, best response and factor distances for labs sharing trust and payoffs."""
    lab = group[0]
    p = lab.payoffs
    verdict = trust_verdict(p, lab.trust)
    ev_c, ev_d = expected_values(p.R, p.S, p.T, p.P, lab.trust)
    return {
        "name": ", ".join(dict.fromkeys(member.kind for member in group)),
        "trust": lab.trust,
        "payoffs": {"R": p.R, "S": p.S, "T": p.T, "P": p.P},
        "factors": p.factors(),
        "own_game_class": classify_payoffs(p),
        "trust_threshold": verdict.threshold,
        "trust_threshold_raw": verdict.threshold_raw,
        "cooperation_region": verdict.region,
        "trust_clears_threshold": verdict.cooperate_is_best_response,
        "cooperate_is_best_response": verdict.cooperate_is_best_response,
        "indifferent": verdict.indifferent,
        "expected_values": {"cooperate": float(ev_c), "defect": float(ev_d)},
        "factor_distances": [
            {
                "factor": d.factor,
                "value": d.value,
                "cooperation_boundary": d.cooperation_boundary,
                "change_for_cooperation": d.change_for_cooperation,
                "class_change_below": _class_change(d.class_change_below),
                "class_change_above": _class_change(d.class_change_above),
            }
            for d in factor_distances(p, lab.trust)
        ],
    }


def _class_change(change: tuple[float, str] | None) -> dict[str, Any] | None:
    return None if change is None else {"at": change[0], "becomes": change[1]}


def equilibrium_label(row: tuple[float, ...], col: tuple[float, ...]) -> str:
    """'(cooperate, defect)' for pure profiles, 'mixed: ...' otherwise."""
    def describe(sigma):
        sigma = np.asarray(sigma)
        if np.isin(sigma, (0.0, 1.0)).all():
            return ACTIONS[int(np.argmax(sigma))]
        return f"cooperate {sigma[0]:.3g}"

    both = f"({describe(row)}, {describe(col)})"
    return both if "cooperate " not in both else f"mixed {both}"
