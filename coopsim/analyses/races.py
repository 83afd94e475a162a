"""Races and populations: from a scenario to the results of `coopsim evolve` and of `coopsim solve`
on the race models (DSAIR, racing to the precipice), as JSON-ready data, text and charts.

This module is glue: the mathematics lives in :mod:`coopsim.theory.dsair`,
:mod:`coopsim.theory.precipice` and :mod:`coopsim.theory.evolution`, the charts in
:mod:`coopsim.charts.evolution` and :mod:`coopsim.charts.races`. Nothing here touches the file
system.

* :func:`evolve` -- finite-population dynamics in the small-mutation limit (fixation
  probabilities, stationary distribution, risk dominance) and infinite-population replicator
  dynamics, for the DSAIR race (AS, AU, CS) or a repeated stage game (AllC, AllD, TFT over
  ``evolution.rounds`` rounds). For DSAIR also the regulatory zone and the thresholds in ``p_r``.
* :func:`dsair_solution` -- the race-averaged DSAIR game: matrix, Nash equilibria, zone.
* :func:`precipice_solution` -- the equilibrium safety rule and the probability of disaster,
  closed form and Monte Carlo.
* :func:`race_charts` -- the charts that fit the scenario.
* :func:`evolve_markdown`, :func:`solution_markdown` -- the same results in words.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from coopsim.theory import evolution as ev
from coopsim.theory import dsair, precipice
from coopsim.analyses.oneshot_text import fmt, markdown_table
from coopsim.scenario.spec import EvolutionSettings, Scenario
from coopsim.scenario.loading import ScenarioError, resolve_variants

PRECIPICE_STREAM = 0x70726563  # spawn key of the precipice Monte Carlo stream ("prec")
AGREEMENT_STANDARD_ERRORS = 4.0  # Monte Carlo agrees with the closed form within this many SE
REPLICATOR_POINTS = 201
STRATEGY_ALIASES = {
    "as": "AS", "always_safe": "AS",
    "au": "AU", "always_unsafe": "AU",
    "cs": "CS", "conditionally_safe": "CS",
    "allc": "AllC", "always_cooperate": "AllC",
    "alld": "AllD", "always_defect": "AllD",
    "tft": "TFT", "tit_for_tat": "TFT",
}
STRATEGY_MEANINGS = {
    "AS": "always safe",
    "AU": "always unsafe",
    "CS": "conditionally safe (safe first, then copies the rival)",
    "AllC": "always cooperate",
    "AllD": "always defect",
    "TFT": "tit-for-tat (cooperate first, then copy the partner)",
}
ZONE_MEANINGS = {
    "compliance": "safety is both collectively preferred and selected: no regulation needed",
    "dilemma": "safety is collectively preferred but unsafe play is selected: "
    "the zone where regulation is needed",
    "innovation": "unsafe (fast) play is both collectively preferred and selected: "
    "regulating safety here would slow innovation for no gain",
    "unsafe_preferred_safe_selected": "unsafe play is collectively preferred but safety is "
    "selected (possible only away from the early regime)",
}


# --------------------------------------------------------------------------- helpers


def dsair_params(scenario: Scenario) -> dsair.DsairParams:
    """The scenario's DSAIR game as :class:`coopsim.theory.dsair.DsairParams`."""
    g = scenario.game
    return dsair.DsairParams(
        b=g.b, c=g.c, s=g.s, B=g.B, W=g.W, p_r=g.p_r, p_fo=g.p_fo, N=g.N, gamma=g.gamma,
        cs_vs_au=g.cs_vs_au,
    )


def precipice_params(scenario: Scenario, information: str | None = None) -> precipice.PrecipiceParams:
    """The scenario's precipice game (optionally under another information condition)."""
    g = scenario.game
    return precipice.PrecipiceParams(g.teams, g.mu, g.enmity, information or g.information)


def jsonable(value: Any) -> Any:
    """Plain JSON values: numpy scalars and arrays unwrapped, NaN and infinities as None."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


def _strategy_error(source: str, message: str) -> ScenarioError:
    return ScenarioError(source, message, field="evolution.strategies")


def _choose_strategies(
    requested: list[str] | None, available: tuple[str, ...], source: str
) -> tuple[str, ...]:
    """The requested subset in canonical spelling (case and aliases accepted), in the order given."""
    if requested is None:
        return available
    chosen: list[str] = []
    for name in requested:
        canonical = STRATEGY_ALIASES.get(name.strip().lower())
        if canonical not in available:
            raise _strategy_error(
                source,
                f"unknown strategy {name!r} for this game; choose from {', '.join(available)}",
            )
        if canonical in chosen:
            raise _strategy_error(source, f"strategy {canonical} is listed twice")
        chosen.append(canonical)
    if len(chosen) < 2:
        raise _strategy_error(source, "list at least two strategies to compare")
    return tuple(chosen)


# --------------------------------------------------------------------------- the population game


def _stage_payoffs(scenario: Scenario, source: str) -> tuple[dict[str, float], list[str]]:
    """R, S, T, P of the symmetric stage game a population plays, and notes on what was assumed.

    Expected payoffs with the scenario's incidents and interventions in force (as in the policy
    section of `coopsim solve`). Labs that override factors are ignored: the population is made
    of identical labs with the game's factors."""
    from coopsim.theory.stage_game import Payoffs
    from coopsim.policy.expected import effective_payoffs

    game = scenario.game
    notes: list[str] = []
    if game.model == "five_factors":
        base = Payoffs.from_factors(
            game.shared_upside, game.advantage, game.exposure, game.shared_downside
        )
        if any(lab.payoff_overrides() or lab.perceived is not None for lab in scenario.labs):
            notes.append(
                "labs' own payoff factors are ignored: the population consists of identical labs "
                "with the game's factors"
            )
    else:
        if game.bimatrix is None:
            base = Payoffs(R=game.R, S=game.S, T=game.T, P=game.P)
        else:
            row, column = np.array(game.bimatrix.row), np.array(game.bimatrix.column)
            if not np.allclose(row, column.T):
                raise ScenarioError(
                    source,
                    "evolve needs a symmetric game (column = row transposed); give R, S, T, P",
                    field="game.bimatrix",
                )
            base = Payoffs(R=row[0, 0], S=row[0, 1], T=row[1, 0], P=row[1, 1])
    effective = effective_payoffs(base, scenario)
    if effective != base:
        notes.append(
            "stage payoffs are expected values with the scenario's incidents and interventions "
            "in force"
        )
    return {"R": effective.R, "S": effective.S, "T": effective.T, "P": effective.P}, notes


def _population_game(
    scenario: Scenario, settings: EvolutionSettings, source: str
) -> dict[str, Any]:
    """Strategies, payoff matrix (or N-lab group fitness) and model-specific extras."""
    game = scenario.game
    if game.model == "precipice":
        raise ScenarioError(
            source,
            "the precipice model has a continuous safety level, not a set of strategies to "
            "evolve; use `coopsim solve` for its equilibrium and disaster probability",
            field="game.model",
        )
    if game.model == "dsair":
        params = dsair_params(scenario)
        if params.N > 2:
            strategies = _choose_strategies(settings.strategies, ("AS", "AU"), source)
            return {"strategies": strategies, "matrix": None, "params": params, "notes": [
                f"{params.N} labs per race (Appendix B): groups drawn by hypergeometric "
                "sampling; only AS and AU are defined for N > 2"
            ]}
        strategies = _choose_strategies(settings.strategies, dsair.STRATEGIES, source)
        return {
            "strategies": strategies,
            "matrix": dsair.race_payoff_matrix(params, strategies),
            "params": params,
            "notes": [],
        }
    stage, notes = _stage_payoffs(scenario, source)
    strategies = _choose_strategies(settings.strategies, ev.REPEATED_GAME_STRATEGIES, source)
    full = ev.repeated_game_matrix(stage["R"], stage["S"], stage["T"], stage["P"], settings.rounds)
    index = [ev.REPEATED_GAME_STRATEGIES.index(s) for s in strategies]
    return {
        "strategies": strategies,
        "matrix": full[np.ix_(index, index)],
        "stage_game": stage,
        "notes": notes,
    }


def _n_lab_analysis(
    params: dsair.DsairParams, strategies: tuple[str, ...], settings: EvolutionSettings
) -> dict[str, Any]:
    """Small-mutation analysis of AS vs AU in races of N labs (hypergeometric group sampling)."""
    Z, beta = settings.population, settings.selection_intensity
    if Z < params.N:
        raise ValueError(f"population {Z} is smaller than the group size N={params.N}")
    f_as, f_au = dsair.n_lab_population_payoffs(params, Z, np.arange(1, Z))  # j = AU players
    fitness = {("AS", "AU"): (f_as, f_au), ("AU", "AS"): (f_au[::-1], f_as[::-1])}
    idx = {name: i for i, name in enumerate(strategies)}
    logs = np.full((2, 2), -np.inf)
    for (resident, mutant), (f_res, f_mut) in fitness.items():
        logs[idx[resident], idx[mutant]] = ev.fixation_probability_from_fitness(
            f_res, f_mut, beta
        ).log_rho
    return _summarise(strategies, logs, Z, beta, settings.fitness, None, {
        f"{strategies[0]} vs {strategies[1]}": (
            "AS" if dsair.n_lab_as_risk_dominant(params) else "AU"
        )
    })


def _summarise(
    strategies: tuple[str, ...],
    logs: np.ndarray,
    Z: int,
    beta: float,
    fitness: str,
    matrix: np.ndarray | None,
    risk_dominance: dict[str, str],
) -> dict[str, Any]:
    log_pi = ev.log_stationary_distribution(logs)
    pairs = [(a, b) for a in range(len(strategies)) for b in range(len(strategies)) if a != b]
    key = {(a, b): f"{strategies[a]}->{strategies[b]}" for a, b in pairs}
    return {
        "strategies": list(strategies),
        "stationary": {s: float(np.exp(lp)) for s, lp in zip(strategies, log_pi)},
        "fixation": {key[p]: float(np.exp(logs[p])) for p in pairs},
        "fixation_neutral_units": {key[p]: float(np.exp(logs[p] + np.log(Z))) for p in pairs},
        "payoff_matrix": None if matrix is None else matrix.tolist(),
        "population": Z,
        "selection_intensity": beta,
        "fitness": fitness,
        "log_fixation": {key[p]: float(logs[p]) for p in pairs},
        "log10_fixation_neutral_units": {
            key[p]: float((logs[p] + np.log(Z)) / np.log(10)) for p in pairs
        },
        "log_stationary": {s: float(lp) for s, lp in zip(strategies, log_pi)},
        "risk_dominance": risk_dominance,
        "most_abundant": strategies[int(np.argmax(log_pi))],
    }


def replicator(matrix: np.ndarray, strategies: tuple[str, ...]) -> dict[str, Any]:
    """Replicator dynamics (nashpy) from the uniform mixture until the shares settle.

    Time runs to ``50 / spread`` where ``spread`` is the range of the payoff matrix, so the
    trajectory covers the same number of "payoff differences" whatever the payoff scale."""
    n = len(strategies)
    spread = float(np.ptp(matrix))
    horizon = 50.0 / spread if spread > 0 else 1.0
    time = np.linspace(0.0, horizon, REPLICATOR_POINTS)
    start = np.full(n, 1.0 / n)
    shares = ev.replicator_dynamics(matrix, start, time)
    shares = np.clip(shares, 0.0, None)
    shares /= shares.sum(axis=1, keepdims=True)
    final = shares[-1]
    return {
        "start": {s: float(x) for s, x in zip(strategies, start)},
        "time": time.tolist(),
        "shares": {s: shares[:, i].tolist() for i, s in enumerate(strategies)},
        "final": {s: float(x) for s, x in zip(strategies, final)},
        "settled": bool(np.max(np.abs(shares[-1] - shares[-REPLICATOR_POINTS // 20])) < 1e-3),
    }


def evolve(scenario: Scenario, source: str = "<scenario>", variants: bool = True) -> dict[str, Any]:
    """Everything `coopsim evolve` reports, as JSON-ready data.

    The contract keys ``strategies``, ``stationary``, ``fixation`` (``"X->Y"``: a single ``Y``
    mutant fixating among ``X``), ``fixation_neutral_units`` (``rho * Z``) and ``payoff_matrix``,
    plus the settings, log-space values, pairwise risk dominance, the replicator trajectory, and
    for DSAIR the zone, the conditions and the thresholds in ``p_r``. With ``variants`` and a
    scenario that has variants, ``variants[name]`` holds the same analysis for every variant.

    Raises :class:`ScenarioError` (``field="evolution.strategies"``) for unknown or too few
    strategies, and (``field="game.model"``) for the precipice model.
    """
    settings = scenario.evolution or EvolutionSettings()
    setup = _population_game(scenario, settings, source)
    strategies = setup["strategies"]
    Z, beta = settings.population, settings.selection_intensity
    if setup["matrix"] is None:
        result = _n_lab_analysis(setup["params"], strategies, settings)
        result["replicator"] = None
    else:
        matrix = setup["matrix"]
        analysis = ev.small_mutation_analysis(matrix, strategies, Z, beta, settings.fitness)
        logs = np.full((len(strategies),) * 2, -np.inf)
        for name, value in analysis.log_fixation.items():
            a, b = name.split("->")
            logs[strategies.index(a), strategies.index(b)] = value
        result = _summarise(
            strategies, logs, Z, beta, settings.fitness, matrix, analysis.risk_dominance
        )
        result["replicator"] = replicator(matrix, strategies)
    result = {
        "scenario": scenario.name,
        "model": scenario.game.model,
        **result,
        "strategy_meanings": {s: STRATEGY_MEANINGS[s] for s in strategies},
        "notes": setup["notes"],
    }
    if scenario.game.model == "dsair":
        result.update(dsair_conditions(setup["params"]))
    else:
        result["stage_game"] = setup["stage_game"]
        result["rounds"] = settings.rounds
    if variants and scenario.variants:
        result["variants"] = {
            name: evolve(variant, source, variants=False)
            for name, variant in resolve_variants(scenario, source).items()
        }
    return jsonable(result)


# --------------------------------------------------------------------------- DSAIR


def _regime(p: dsair.DsairParams) -> str:
    prize_per_round = p.B / p.W
    if prize_per_round >= 10 * p.b:
        return "early"
    if prize_per_round <= p.b / 10:
        return "late"
    return "intermediate"


def dsair_conditions(p: dsair.DsairParams) -> dict[str, Any]:
    """Zone, the two conditions behind it, and the thresholds in ``p_r`` (exact and limits).

    Two labs per race: Eq. 2 and its thresholds. ``N > 2``: Appendix B's conditions (all-SAFE vs
    all-UNSAFE groups; N-player risk dominance of AS over AU)."""
    if p.N > 2:
        everyone_safe = dsair.n_lab_race_payoffs(p, p.N).safe
        everyone_unsafe = dsair.n_lab_race_payoffs(p, 0).unsafe
        preferred = bool(everyone_safe > everyone_unsafe)
        selected = bool(dsair.n_lab_as_risk_dominant(p))
        thresholds = {
            "collective_preference": {
                "exact": dsair.n_lab_collective_threshold(p),
                "early": 1 - 1 / p.s,
            },
            "as_risk_dominance": {
                "exact": dsair.n_lab_risk_dominance_threshold(p),
                "early": dsair.n_lab_risk_dominance_threshold_early(p),
            },
        }
        conditions = {"safety_collectively_preferred": preferred, "as_risk_dominant": selected}
        zone = ("compliance" if selected else "dilemma") if preferred else (
            "unsafe_preferred_safe_selected" if selected else "innovation"
        )
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
        conditions = {
            "safety_collectively_preferred": bool(dsair.safety_collectively_preferred(p)),
            "as_risk_dominant": bool(dsair.as_risk_dominant(p)),
            "cs_risk_dominant": bool(dsair.cs_risk_dominant(p)),
        }
        zone = str(dsair.zone(p))
    return {
        "zone": zone,
        "zone_meaning": ZONE_MEANINGS[zone],
        "conditions": conditions,
        "thresholds": thresholds,
        "regime": _regime(p),
        "prize_per_round": p.B / p.W,
        "p_r": p.p_r,
        "cs_vs_au": p.cs_vs_au,
    }


def _label(row: tuple[float, ...], names: tuple[str, ...]) -> str:
    parts = [f"{names[i]}" if x == 1 else f"{x:.3g} {names[i]}" for i, x in enumerate(row) if x > 0]
    return " + ".join(parts)


def dsair_solution(scenario: Scenario, source: str = "<scenario>") -> dict[str, Any]:
    """`coopsim solve` for a DSAIR scenario: the race-averaged game and where it sits.

    Two labs: Eq. 2's 3x3 matrix (AS, AU, CS; or ``evolution.strategies``) and every Nash
    equilibrium of the symmetric game (A, A transposed) from :func:`coopsim.theory.equilibria.solve`.
    ``N > 2`` labs: the group payoffs of Appendix B and the pure symmetric-game equilibria (how
    many labs play SAFE when nobody gains by switching)."""
    from coopsim.theory.equilibria import solve

    p = dsair_params(scenario)
    settings = scenario.evolution or EvolutionSettings()
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "model": "dsair",
        "parameters": scenario.game.model_dump(mode="json", exclude={"trust"}),
        "per_round_payoffs": dsair.per_round_payoffs(p),
    }
    if p.N == 2:
        names = _choose_strategies(settings.strategies, dsair.STRATEGIES, source)
        A = dsair.race_payoff_matrix(p, names)
        found = solve(A, A.T)
        result.update(
            strategies=list(names),
            payoff_matrix=A.tolist(),
            equilibria=[
                {
                    "row": list(e.row),
                    "col": list(e.column),
                    "payoffs": list(e.payoffs),
                    "pure": e.pure,
                    "symmetric": bool(np.allclose(e.row, e.column)),
                    "pareto_efficient": e.pareto_efficient,
                    "label": f"({_label(e.row, names)}, {_label(e.column, names)})",
                }
                for e in found.equilibria
            ],
            degenerate=found.degenerate,
            solvers=list(found.methods),
            solvers_agree=found.methods_agree,
        )
    else:
        ks = np.arange(p.N + 1)
        race = [dsair.n_lab_race_payoffs(p, k) for k in ks]
        result["group_payoffs"] = [
            {"safe_labs": int(k), "AS": race[k].safe, "AU": race[k].unsafe} for k in ks
        ]
        result["equilibria"] = [
            {"safe_labs": int(k), "unsafe_labs": int(p.N - k),
             "payoffs": {"AS": race[k].safe, "AU": race[k].unsafe}}
            for k in ks
            if (k == 0 or race[k].safe >= race[k - 1].unsafe)
            and (k == p.N or race[k].unsafe >= race[k + 1].safe)
        ]
    result.update(dsair_conditions(p))
    return jsonable(result)


# --------------------------------------------------------------------------- precipice


def safety_rule(p: precipice.PrecipiceParams) -> dict[str, Any]:
    """The equilibrium safety rule in words and as a formula, with this scenario's numbers."""
    n, mu, e = p.teams, p.mu, p.enmity
    if p.information == "none":
        value = min(mu / (e * n), 1.0)
        return {
            "formula": "s = min(mu / (e n), 1)",
            "in_words": "no team knows any capability, so every team takes the same safety "
            f"level: mu/(e n) = {mu:g}/({e:g} x {n}) = {mu / (e * n):.4g}, capped at 1",
            "safety": value,
        }
    if p.information == "private":
        k = precipice.private_divisor(p)
        capped = (f"teams with c >= {k:.4g} are fully safe" if mu > k
                  else f"no team reaches full safety, since c <= mu = {mu:g}")
        return {
            "formula": "s(c) = min(c / (e n - e + 1), 1)",
            "in_words": "each team knows only its own capability c and takes safety in "
            f"proportion to it: s = c / {k:.4g} ({capped})",
            "divisor": k,
        }
    return {
        "formula": "s = min(Delta / e, 1) for the leader",
        "in_words": "capabilities are public, so only the leader's choice matters: it keeps "
        f"just enough of its lead Delta over the second team, s = Delta / {e:g}, capped at 1",
        "enmity": e,
    }


def precipice_solution(scenario: Scenario) -> dict[str, Any]:
    """`coopsim solve` for a precipice scenario: safety rule and probability of disaster.

    The Monte Carlo estimate simulates ``game.monte_carlo_races`` races with a generator seeded
    from ``SeedSequence(scenario.seed, spawn_key=(PRECIPICE_STREAM,))``. Its standard error is
    ``sqrt(P (1 - P) / races)`` with ``P`` the closed form; the two agree when they are within
    :data:`AGREEMENT_STANDARD_ERRORS` standard errors (a false alarm about once in 16 000 runs)."""
    p = precipice_params(scenario)
    closed = precipice.disaster_probability(p)
    races = scenario.game.monte_carlo_races
    rng = np.random.default_rng(
        np.random.SeedSequence(scenario.seed, spawn_key=(PRECIPICE_STREAM,))
    )
    simulated = precipice.simulate_disaster_probability(p, races, rng)
    se = math.sqrt(closed * (1 - closed) / races)
    difference = simulated - closed
    z = difference / se if se > 0 else (0.0 if difference == 0 else math.inf)
    return jsonable({
        "scenario": scenario.name,
        "model": "precipice",
        "parameters": {"teams": p.teams, "mu": p.mu, "enmity": p.enmity,
                       "information": p.information},
        "safety_rule": {"information": p.information, **safety_rule(p)},
        "disaster_probability": {
            "closed_form": closed,
            "monte_carlo": simulated,
            "races": races,
            "standard_error": se,
            "difference": difference,
            "z_score": z,
            "tolerance_standard_errors": AGREEMENT_STANDARD_ERRORS,
            "agree": bool(abs(z) <= AGREEMENT_STANDARD_ERRORS),
            "seed": scenario.seed,
        },
        "winner_expected_safety": 1 - closed,
        "by_information": {
            info: precipice.disaster_probability(precipice_params(scenario, info))
            for info in precipice.INFORMATION
        },
    })


# --------------------------------------------------------------------------- charts


def race_charts(
    scenario: Scenario, subtitle: str, evolution: dict[str, Any] | None = None,
    precipice_result: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The charts that fit the scenario, by file name (pass results already computed to reuse them).

    * DSAIR: stationary distribution with invasion diagram, replicator dynamics, zone maps over
      (s, p_r) and (p_fo, p_r) around the scenario's parameters (two labs per race);
    * five-factor / matrix game with an ``evolution:`` section: the evolution charts;
    * precipice: disaster probability against mu for the three information conditions.
    """
    from coopsim.charts import evolution as evolution_charts
    from coopsim.charts import races as race_chart_builders

    model = scenario.game.model
    charts: dict[str, Any] = {}
    if model == "precipice":
        result = precipice_result or precipice_solution(scenario)
        charts["precipice-disaster-vs-mu"] = race_chart_builders.disaster_vs_mu_chart(
            result, subtitle
        )
        return charts
    if model in ("five_factors", "matrix") and scenario.evolution is None and evolution is None:
        return charts
    result = evolution or evolve(scenario)
    charts["evolution-stationary-invasion"] = evolution_charts.stationary_invasion_chart(
        result, subtitle
    )
    if result.get("replicator"):
        charts["evolution-replicator"] = evolution_charts.replicator_chart(result, subtitle)
    if result.get("variants"):
        charts["evolution-stationary-by-variant"] = evolution_charts.variant_stationary_chart(
            result, subtitle
        )
    if model == "dsair" and scenario.game.N == 2:
        p = dsair_params(scenario)
        charts["dsair-zones-s-p_r"] = race_chart_builders.zone_map_chart(p, "s", subtitle)
        charts["dsair-zones-p_fo-p_r"] = race_chart_builders.zone_map_chart(p, "p_fo", subtitle)
    return charts


# --------------------------------------------------------------------------- in words


def leaders_text(stationary: dict[str, float]) -> str:
    """The most abundant strategy, or the tied ones (within 1% of the largest share)."""
    top = max(stationary.values())
    leaders = [name for name, share in stationary.items() if share >= 0.99 * top]
    return leaders[0] if len(leaders) == 1 else " and ".join(leaders) + " (tied)"


def neutral_units_text(log10_value: float) -> str:
    """``rho Z`` from its log10, readable at any size (``3.2e-87`` stays exact)."""
    if log10_value > -3 and log10_value < 4:
        return f"{10 ** log10_value:.3g}"
    exponent = math.floor(log10_value)
    return f"{10 ** (log10_value - exponent):.2g}e{exponent:+d}"


def _threshold_lines(result: dict[str, Any]) -> list[str]:
    names = {
        "collective_preference": "safety collectively preferred (all SAFE beats all UNSAFE)",
        "as_risk_dominance": "AS risk-dominates AU",
        "cs_risk_dominance": "CS risk-dominates AU",
    }
    forms = sorted({form for t in result["thresholds"].values() for form in t})
    order = [f for f in ("exact", "early", "late") if f in forms]
    rows = [
        [names[name], *[values.get(form) for form in order]]
        for name, values in result["thresholds"].items()
    ]
    lines = [
        f"Thresholds in p_r (each condition holds when p_r is above its threshold; the "
        f"scenario has p_r = {fmt(result['p_r'])}):",
        "",
    ]
    header = ["condition", *[{"exact": "exact (finite W)", "early": "early limit (B/W >> b)",
                              "late": "late limit (W -> inf)"}[f] for f in order]]
    return lines + markdown_table(header, rows) + [""]


def evolve_markdown(result: dict[str, Any], heading_level: int = 2) -> str:
    """The evolve result in words (Markdown)."""
    h = "#" * heading_level
    names = result["strategies"]
    lines = [
        f"{h} Evolution: {result['scenario']}",
        "",
        f"Population Z = {result['population']}, selection intensity beta = "
        f"{fmt(result['selection_intensity'])}, fitness {result['fitness'].replace('_', ' ')}, "
        "small-mutation limit.",
        "",
        "Strategies: " + "; ".join(f"{s} = {result['strategy_meanings'][s]}" for s in names) + ".",
        "",
        f"**Long-run share of time** (stationary distribution); most abundant: "
        f"**{leaders_text(result['stationary'])}**",
        "",
    ]
    lines += markdown_table(["strategy", "share of time"], [[s, result["stationary"][s]] for s in names])
    lines += [
        "",
        "**Fixation** of a single mutant (X->Y: one Y among X), in units of the neutral 1/Z "
        "(above 1: selection favours the invasion):",
        "",
    ]
    lines += markdown_table(
        ["resident \\ mutant", *names],
        [
            [a, *[
                "" if a == b else neutral_units_text(result["log10_fixation_neutral_units"][f"{a}->{b}"])
                for b in names
            ]]
            for a in names
        ],
    )
    if result.get("payoff_matrix") is not None:
        lines += ["", "Payoff matrix (average payoff per round, row against column):", ""]
        lines += markdown_table(
            ["row \\ column", *names],
            [[a, *row] for a, row in zip(names, result["payoff_matrix"])],
        )
    lines += ["", "Risk dominance: " + "; ".join(
        f"{pair}: {winner}" for pair, winner in result["risk_dominance"].items()
    ) + "."]
    if result.get("replicator"):
        final = result["replicator"]["final"]
        lines += ["", "Replicator dynamics (infinite population, from equal shares) end at "
                  + ", ".join(f"{s} {final[s]:.3f}" for s in names)
                  + ("." if result["replicator"]["settled"] else " (still moving).")]
    if result["model"] == "dsair":
        lines += ["", f"**Zone: {result['zone']}** — {result['zone_meaning']}. "
                  f"Regime: {result['regime']} (prize per round B/W = {fmt(result['prize_per_round'])}); "
                  f"CS-vs-AU entry: {result['cs_vs_au']}.", ""]
        lines += _threshold_lines(result)
    else:
        stage = result["stage_game"]
        lines += ["", f"Stage game R = {fmt(stage['R'])}, S = {fmt(stage['S'])}, "
                  f"T = {fmt(stage['T'])}, P = {fmt(stage['P'])}, repeated over "
                  f"{fmt(result['rounds'])} rounds."]
    for note in result["notes"]:
        lines += ["", f"Note: {note}."]
    if result.get("variants"):
        lines += ["", f"{h}# Variants", ""]
        lines += markdown_table(
            ["variant", *names, "most abundant", *(["zone"] if result["model"] == "dsair" else [])],
            [
                [name, *[v["stationary"].get(s) for s in names], leaders_text(v["stationary"]),
                 *([v["zone"]] if result["model"] == "dsair" else [])]
                for name, v in result["variants"].items()
            ],
        )
    return "\n".join(lines).rstrip() + "\n"


def solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
    """`coopsim solve` output for the race models, in words (Markdown)."""
    h = "#" * heading_level
    if solution["model"] == "precipice":
        d, rule, par = solution["disaster_probability"], solution["safety_rule"], solution["parameters"]
        lines = [
            f"{h} Racing to the precipice: {solution['scenario']}",
            "",
            f"{par['teams']} teams, capabilities uniform on [0, {fmt(par['mu'])}], enmity "
            f"{fmt(par['enmity'])}, information: {par['information']}.",
            "",
            f"**Equilibrium safety rule:** `{rule['formula']}` — {rule['in_words']}.",
            "",
            f"**Probability of disaster:** {d['closed_form']:.4f} (closed form); "
            f"{d['monte_carlo']:.4f} from {d['races']:,} simulated races (seed {d['seed']}), "
            f"standard error {d['standard_error']:.4f}, {d['z_score']:+.2f} SE: "
            + ("agree" if d["agree"] else "DISAGREE")
            + f" (tolerance {d['tolerance_standard_errors']:g} SE).",
            "",
            "The same race under each information condition (closed form):",
            "",
        ]
        lines += markdown_table(
            ["information", "probability of disaster"],
            [[info, p] for info, p in solution["by_information"].items()],
        )
        return "\n".join(lines).rstrip() + "\n"
    lines = [f"{h} DSAIR race: {solution['scenario']}", ""]
    pi = solution["per_round_payoffs"]
    lines += [
        "Per-round payoffs (Eq. 1): " + ", ".join(f"{k} = {fmt(v)}" for k, v in pi.items()) + ".",
        "",
    ]
    if "payoff_matrix" in solution:
        names = solution["strategies"]
        lines += ["Average payoff per round over a race (Eq. 2), row against column:", ""]
        lines += markdown_table(["row \\ column", *names],
                        [[a, *row] for a, row in zip(names, solution["payoff_matrix"])])
        lines += ["", f"{h}# Nash equilibria of the symmetric race game", ""]
        lines += markdown_table(
            ["equilibrium", "payoffs", "symmetric", "Pareto efficient"],
            [[e["label"], f"{fmt(e['payoffs'][0])}, {fmt(e['payoffs'][1])}", e["symmetric"],
              e["pareto_efficient"]] for e in solution["equilibria"]],
        )
        if solution["degenerate"]:
            lines += ["", "The game is degenerate (AS and CS earn the same against AS and CS): "
                      "equilibria may form continua; listed are those found by "
                      + " and ".join(solution["solvers"]) + "."]
    else:
        lines += [f"Races of {solution['parameters']['N']} labs (Appendix B): average payoff per "
                  "round by number of SAFE labs in the group:", ""]
        lines += markdown_table(["SAFE labs", "AS", "AU"],
                        [[g["safe_labs"], g["AS"], g["AU"]] for g in solution["group_payoffs"]])
        lines += ["", "Pure equilibria (no lab gains by switching): "
                  + ", ".join(f"{e['safe_labs']} SAFE / {e['unsafe_labs']} UNSAFE"
                              for e in solution["equilibria"]) + "."]
    lines += ["", f"**Zone: {solution['zone']}** — {solution['zone_meaning']}. Regime: "
              f"{solution['regime']} (B/W = {fmt(solution['prize_per_round'])}).", ""]
    lines += _threshold_lines(solution)
    return "\n".join(lines).rstrip() + "\n"
