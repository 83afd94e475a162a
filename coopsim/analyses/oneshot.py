"""One-shot analysis of a scenario's stage game, as plain JSON-ready data.

Labs sharing trust, true payoffs and perceived payoffs face the same decision: they form one *lab
kind*. Each kind's verdict (critical trust, best response, factor distances) is taken on the
payoffs it *decides on* -- its perceived payoffs, as in the simulated labs' decision rule -- with
the true game beside it when the two differ. Every pair of lab kinds that can meet (a kind meets
itself when it has two or more labs) gets its game: the true bimatrix, its class and every Nash
equilibrium (extreme points and the maximal sets of mixes between them), and, when perceptions
differ from the truth, the game as the two labs perceive it. The first pair is that of the
scenario's first two labs (after expanding `count`); its fields are also given at the top level.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from coopsim.theory.equilibria import risk_dominance_2x2, social_optimum, solve
from coopsim.theory.stage_game import (
    ACTIONS,
    Lab,
    Payoffs,
    bimatrix,
    classify_payoffs,
    expected_values,
    factor_distances,
    game_class,
    trust_verdict,
)
from coopsim.games.stage import expand_labs
from coopsim.policy.expected import expected_game, external_cost
from coopsim.scenario.spec import Scenario
from coopsim.scenario.loading import resolve_variants

POLICY_KEYS = ("game_class", "game_class_detail", "equilibria", "equilibrium_sets",
               "trust_threshold", "cooperate_is_best_response", "decides_on", "risk_dominant",
               "payoff_matrices", "decision_game")
# Per kind of lab under each variant's policy: what the per-variant expected-payoff chart and the
# findings need (the full factor distances stay with the stage game's own analysis).
POLICY_LAB_KEYS = ("name", "labs", "trust", "decides_on", "decision_payoffs", "trust_threshold",
                   "cooperation_region", "cooperate_is_best_response", "true_game")


def analyse_with_policies(scenario: Scenario) -> dict[str, Any]:
    """The stage game's analysis plus, under "policy", the expected game each variant's labs
    effectively play with its incidents and interventions in force (see policy_effects), with
    each kind of lab's verdict in it under "labs" (the keys POLICY_LAB_KEYS)."""
    analysis = analyse(scenario)
    variants = resolve_variants(scenario)
    if len(variants) > 1 or scenario.interventions or scenario.dynamics.incidents.probability > 0:
        analysis["policy"] = {}
        for name, variant in variants.items():
            effective = analyse(variant, effective=True)
            analysis["policy"][name] = (
                {key: value for key, value in effective.items() if key in POLICY_KEYS}
                | {"labs": [{key: lab[key] for key in POLICY_LAB_KEYS} for lab in effective["labs"]],
                   "external_incident_cost_per_defection": external_cost(variant)})
    return analysis


def analyse(scenario: Scenario, effective: bool = False) -> dict[str, Any]:
    """The one-shot analysis of `scenario` (five-factor or matrix game); with `effective`, of the
    expected game with incidents and all interventions in force: the true game labs play and the
    game they decide on (perceived payoffs with the same adjustments, as the simulated labs'
    decision payoffs)."""
    labs = expand_labs(scenario)
    if effective:
        game = expected_game(scenario, np.stack([lab.payoffs.matrix() for lab in labs]),
                             np.stack([lab.perceived.matrix() for lab in labs]))
        labs = [replace(lab, payoffs=_from_table(game.true[k]), perceived=_from_table(game.decided[k]))
                for k, lab in enumerate(labs)]
    kinds = lab_kinds(labs)
    first = (_kind_of(kinds, labs[0]), _kind_of(kinds, labs[1]))
    pairs = [first] + [
        (a, b)
        for a in range(len(kinds))
        for b in range(a, len(kinds))
        if (a < b or len(kinds[a]) > 1) and {a, b} != set(first)
    ]
    pair_results = [pair_analysis(kinds[a], kinds[b]) for a, b in pairs]
    row = labs[0]
    row_verdict = trust_verdict(row.perceived, row.trust)
    return {
        "scenario": scenario.name,
        "model": scenario.game.model,
        "row_lab": row.name,
        "column_lab": labs[1].name,
        **{k: v for k, v in pair_results[0].items() if k not in ("row", "column")},
        "trust_threshold": row_verdict.threshold,
        "cooperate_is_best_response": row_verdict.cooperate_is_best_response,
        "decides_on": _decides_on(row),
        "labs": [lab_analysis(group) for group in kinds],
        "pairs": pair_results,
    }


def _from_table(table: np.ndarray) -> Payoffs:
    (R, S), (T, P) = table
    return Payoffs(R=float(R), S=float(S), T=float(T), P=float(P))


def lab_kinds(labs: list[Lab]) -> list[list[Lab]]:
    """Labs grouped by (trust, true payoffs, perceived payoffs), in order of first appearance."""
    groups: dict[tuple, list[Lab]] = {}
    for lab in labs:
        groups.setdefault((lab.trust, lab.payoffs, lab.perceived), []).append(lab)
    return list(groups.values())


def _kind_of(kinds: list[list[Lab]], lab: Lab) -> int:
    return next(k for k, group in enumerate(kinds) if any(member is lab for member in group))


def kind_name(group: list[Lab]) -> str:
    """The scenario names of the labs in a kind, e.g. 'frontier' or 'mid-size, newcomer'."""
    return ", ".join(dict.fromkeys(member.kind for member in group))


def _decides_on(lab: Lab) -> str:
    return "true payoffs" if lab.perceived == lab.payoffs else "perceived payoffs"


def pair_analysis(row_group: list[Lab], column_group: list[Lab]) -> dict[str, Any]:
    """The game between a lab of the row kind and one of the column kind: the true game and, if
    either kind misperceives its payoffs, the game as the two perceive it (what they act on)."""
    row, column = row_group[0], column_group[0]
    result = {"row": kind_name(row_group), "column": kind_name(column_group),
              **game_analysis(row.payoffs, column.payoffs)}
    A, B = bimatrix(row.payoffs, column.payoffs)
    optimum_cell, optimum_welfare = social_optimum(A, B)
    worst = min(e["welfare"] for e in result["equilibria"])
    result.update(
        risk_dominant=risk_dominance_2x2(A, B),
        social_optimum={"actions": [ACTIONS[optimum_cell[0]], ACTIONS[optimum_cell[1]]],
                        "welfare": optimum_welfare},
        welfare_gap=optimum_welfare - worst,
        price_of_anarchy=optimum_welfare / worst if worst > 0 else None,
        decision_game=None,
        row_cooperates=trust_verdict(row.perceived, row.trust).cooperate_is_best_response,
        column_cooperates=trust_verdict(column.perceived, column.trust).cooperate_is_best_response,
    )
    if (row.perceived, column.perceived) != (row.payoffs, column.payoffs):
        result["decision_game"] = game_analysis(row.perceived, column.perceived)
    return result


def game_analysis(row: Payoffs, column: Payoffs) -> dict[str, Any]:
    """Bimatrix, class and every equilibrium of the game between two labs' payoff tables."""
    A, B = bimatrix(row, column)
    found = solve(A, B)
    cls = game_class(row, column)
    return {
        "payoff_matrices": {"row": A.tolist(), "column": B.tolist(), "actions": list(ACTIONS)},
        "game_class": cls.key,
        "game_class_detail": cls.to_dict(),
        "equilibria": [
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
        ],
        "equilibrium_sets": [
            {
                "component": s.component,
                "row_extremes": [list(x) for x in s.row],
                "column_extremes": [list(y) for y in s.column],
                "row_cooperates": [min(x[0] for x in s.row), max(x[0] for x in s.row)],
                "column_cooperates": [min(y[0] for y in s.column), max(y[0] for y in s.column)],
                "extreme_equilibria": list(s.equilibria),
                "isolated": s.isolated,
            }
            for s in found.subsets
        ],
        "components": found.components,
        "degenerate": found.degenerate,
        "solvers": list(found.methods),
        "solvers_agree": found.methods_agree,
    }


def lab_analysis(group: list[Lab]) -> dict[str, Any]:
    """Critical trust, best response and factor distances for one lab kind, on the payoffs it
    decides on (perceived); the true payoffs' verdict beside them when they differ."""
    lab = group[0]
    p = lab.perceived
    verdict = trust_verdict(p, lab.trust)
    ev_c, ev_d = expected_values(p.R, p.S, p.T, p.P, lab.trust)
    true_verdict = trust_verdict(lab.payoffs, lab.trust)
    return {
        "name": kind_name(group),
        "labs": len(group),
        "trust": lab.trust,
        "decides_on": _decides_on(lab),
        "payoffs": _payoff_dict(lab.payoffs),
        "factors": lab.payoffs.factors(),
        "decision_payoffs": _payoff_dict(p),
        "decision_factors": p.factors(),
        "own_game_class": classify_payoffs(p).key,
        "own_game_class_detail": classify_payoffs(p).to_dict(),
        "true_game_class": classify_payoffs(lab.payoffs).key,
        "trust_threshold": verdict.threshold,
        "trust_threshold_raw": verdict.threshold_raw,
        "cooperation_region": verdict.region,
        "trust_clears_threshold": verdict.cooperate_is_best_response,
        "cooperate_is_best_response": verdict.cooperate_is_best_response,
        "indifferent": verdict.indifferent,
        "expected_values": {"cooperate": float(ev_c), "defect": float(ev_d)},
        "true_game": {
            "trust_threshold": true_verdict.threshold,
            "cooperation_region": true_verdict.region,
            "cooperate_is_best_response": true_verdict.cooperate_is_best_response,
        },
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


def _payoff_dict(p: Payoffs) -> dict[str, float]:
    return {"R": p.R, "S": p.S, "T": p.T, "P": p.P}


def _class_change(change) -> dict[str, Any] | None:
    if change is None:
        return None
    at, becomes = change
    return {"at": at, "becomes": becomes.key, "becomes_detail": becomes.to_dict()}


def equilibrium_label(row: tuple[float, ...], col: tuple[float, ...]) -> str:
    """'(cooperate, defect)' for pure profiles, 'mixed (...)' otherwise."""
    def describe(sigma):
        if all(v in (0.0, 1.0) for v in sigma):
            return ACTIONS[sigma.index(1.0)]
        return f"cooperate {sigma[0]:.3g}"

    both = f"({describe(tuple(row))}, {describe(tuple(col))})"
    return both if "cooperate " not in both else f"mixed {both}"
