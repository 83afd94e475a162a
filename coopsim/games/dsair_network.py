"""The DSAIR race on a network, run for a ``model: dsair`` scenario whose ``dynamics:`` has a
``network`` (:mod:`coopsim.abm.network_race`): how much safe development survives when labs race
their neighbours and copy better-off ones (Cimpeanu, Santos, Pereira, Lenaerts & Han, Sci. Rep.
2022).

Per variant, each of ``dynamics.replicates`` replicates plays ``dynamics.rounds`` generations on
the scenario's graph (built from the scenario seed, so every replicate races on the same graph)
with the strategies ``evolution.strategies`` (default AS, AU, CS) and the imitation strength
``evolution.selection_intensity``. Measures:

* each strategy's long-run share: the share of labs playing it over the last
  ``long_run_fraction`` of generations, per replicate, mean with a 95% interval across replicates
  (BCa bootstrap, as for every share: :mod:`coopsim.theory.intervals`);
* each strategy's long-run share by degree class (doubling bins, as for the lab model on
  networks): the mean over the class's labs of each lab's share of long-run generations playing
  it, averaged over replicates (the text quotes the first strategy's, AS by default).

Beside them, the well-mixed reference from Eq. 2 alone: when AS against AU is a coordination game
(AS best against AS, AU best against AU) the replicator dynamics of an infinite well-mixed
population lets AS take over only from a share of AS above ``x* = (P - S) / (R - T + P - S)``
(R = Eq. 2 of AS vs AS, S of AS vs AU, T of AU vs AS, P of AU vs AU); when AU dominates, AS dies
out from any mixture. Seeds: replicate r of the variant at position v uses
``SeedSequence([seed, v, r])``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from coopsim.abm.network import build_network
from coopsim.abm.network_race import NetworkRace
from coopsim.abm.runner import long_run_rounds, replicate_seed
from coopsim.analyses.evolution import choose_strategies, jsonable
from coopsim.analyses.networks import degree_class
from coopsim.games.dsair import dsair_params
from coopsim.games.dsair_race import race_rules
from coopsim.scenario.loading import resolve_variants
from coopsim.scenario.spec import EvolutionSettings, Scenario
from coopsim.theory import dsair
from coopsim.theory.intervals import interval_method, mean_interval

SHARE_BOUNDS = (0.0, 1.0)


def against_well_mixed(share: dict[str, float], end: float) -> str:
    """Where a network's long-run share (``mean``, ``low``, ``high``: its 95% interval) lies
    against the well-mixed replicator end: ``above`` or ``below`` when the interval clears it,
    else ``not clearly different from``. The one rule of the report's text and its findings."""
    if share["low"] > end:
        return "above"
    if share["high"] < end:
        return "below"
    return "not clearly different from"


def well_mixed_reference(R: float, S: float, T: float, P: float, start: float = 0.5) -> dict[str, Any]:
    """AS against AU in an infinite well-mixed population (replicator dynamics) with payoffs R
    (AS vs AS), S (AS vs AU), T (AU vs AS), P (AU vs AU). AS's fitness advantage at share x of AS
    is ``(S - P) + x (R - T - S + P)``: with a = S - P and d = R - T, AS dominates when both are
    >= 0, AU when both are <= 0, and otherwise there is a rest point ``x* = -a / (d - a)``,
    unstable (coordination: AS takes over from above it) when a < 0 < d, stable (coexistence)
    when d < 0 < a. Returns the game, x* and the share of AS the dynamics ends at from ``start``
    (``None`` exactly at an unstable x*)."""
    a, d = S - P, R - T
    if a == 0 and d == 0:
        return {"game": "neutral", "threshold": None, "start": start, "end": start}
    if a >= 0 and d >= 0:
        return {"game": "AS dominates", "threshold": None, "start": start, "end": 1.0}
    if a <= 0 and d <= 0:
        return {"game": "AU dominates", "threshold": None, "start": start, "end": 0.0}
    rest = float(-a / (d - a))
    if a < 0:
        return {"game": "coordination", "threshold": rest, "start": start,
                "end": None if start == rest else float(start > rest)}
    return {"game": "coexistence", "threshold": rest, "start": start, "end": rest}


def eq2_reference(params: dsair.DsairParams, rules: Any) -> dict[str, Any]:
    """The well-mixed reference of Eq. 2 plus the interventions' expected payments at generation 0."""
    from coopsim.games.dsair_race import expected_payments

    A = dsair.race_payoff_matrix(params, ("AS", "AU"))
    active = rules(0) if rules else None
    cells = [float(A[i, j]) + expected_payments(params, x, y, active)
             for i, x in enumerate(("AS", "AU")) for j, y in enumerate(("AS", "AU"))]
    return {**well_mixed_reference(*cells), "payments": active is not None}


def has_network(scenario: Scenario) -> bool:
    return any(v.dynamics.network is not None for v in resolve_variants(scenario).values())


def network_race_dynamics(scenario: Scenario, progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Long-run strategy shares on each variant's network (see the module docstring)."""
    variants = resolve_variants(scenario)
    settings = scenario.evolution or EvolutionSettings()
    strategies = choose_strategies(settings.strategies, dsair.STRATEGIES, "<scenario>")
    total = sum(v.dynamics.replicates for v in variants.values())
    done = 0
    result: dict[str, Any] = {"network": True, "strategies": list(strategies),
                              "interval": interval_method(SHARE_BOUNDS), "variants": {}}
    for index, (name, variant) in enumerate(variants.items()):
        d = variant.dynamics
        if d.network is None:
            raise ValueError(f"variant {name!r} has no dynamics.network: give every variant one "
                             "(the race on a network and the race between strategy pairs are "
                             "different questions)")
        params = dsair_params(variant)
        beta = (variant.evolution or settings).selection_intensity
        network = build_network(variant)
        rules = race_rules(variant, network.size, network.degree)
        tail = long_run_rounds(d.rounds, d.long_run_fraction)
        shares, per_lab, series = [], [], []
        for replicate in range(d.replicates):
            rng = np.random.default_rng(replicate_seed(variant.seed, index, replicate))
            run = NetworkRace(params, network, strategies, beta, rng, rules).run(d.rounds, tail)
            shares.append(np.nanmean(run.lab_shares, axis=0))
            per_lab.append(run.lab_shares)
            series.append(run.shares)
            done += 1
            if progress:
                progress(done, total)
        shares = np.array(shares)
        long_run = {s: dict(zip(("mean", "low", "high"), mean_interval(shares[:, k], SHARE_BOUNDS)))
                    for k, s in enumerate(strategies)}
        degree = pd.Series(network.degree)
        labels, low = degree_class(degree)
        played = network.degree > 0
        lab_mean = np.full(per_lab[0].shape, np.nan)  # lab x strategy, mean over replicates
        lab_mean[played] = np.array(per_lab)[:, played].mean(axis=0)
        table = pd.DataFrame({"degree_class": labels, "lowest": low,
                              **{s: lab_mean[:, k] for k, s in enumerate(strategies)}})[degree > 0]
        grouped = table.groupby(["lowest", "degree_class"])
        by_degree = grouped[list(strategies)].mean().join(grouped.size().rename("labs")).reset_index().sort_values("lowest")
        result["variants"][name] = {
            "network": d.network.type, "payoffs": d.network.payoffs, "labs": int(network.size),
            "mean_degree": float(network.degree.mean()), "max_degree": int(network.degree.max(initial=0)),
            "generations": d.rounds, "long_run_generations": tail, "replicates": d.replicates,
            "selection_intensity": beta, "long_run": long_run,
            "by_degree": {"strategy": strategies[0], "classes": [
                {"degree_class": r["degree_class"], "labs": int(r["labs"]),
                 "shares": {s: float(r[s]) for s in strategies}}
                for _, r in by_degree.iterrows()]},
            "mean_share_per_generation": np.mean(series, axis=0).tolist(),
            "well_mixed": eq2_reference(params, rules) if tuple(strategies) == ("AS", "AU") else None,
            "zone": str(dsair.zone(params)),
        }
    return jsonable(result)


def class_shares(degree_class: dict[str, Any], first: str) -> dict[str, float]:
    """A degree class's long-run share of each strategy (a result saved before every strategy's
    share was kept has the first strategy's alone, as ``share``)."""
    return degree_class["shares"] if "shares" in degree_class else {first: degree_class["share"]}


def network_race_headline(result: dict[str, Any]) -> str:
    """The first strategy's long-run share in each variant, beside where a well-mixed population
    from half AS ends (Eq. 2), e.g. 'Long-run share of AS: 57.3% on scale free, 1.2% on random
    regular; a well-mixed population ends at 0.0%'."""
    from coopsim.analyses.headlines import percent
    from coopsim.labels import words

    first = result["strategies"][0]
    held = [f"{percent(v['long_run'][first]['mean'])} on {words(name)}" for name, v in result["variants"].items()]
    title = f"Long-run share of {first}: {', '.join(held)}"
    ends = [v["well_mixed"]["end"] for v in result["variants"].values()
            if v["well_mixed"] is not None and v["well_mixed"]["end"] is not None]
    if ends and len(set(ends)) == 1 and len(ends) == len(result["variants"]):
        title += f"; a well-mixed population ends at {percent(ends[0])}"
    return title


def network_race_markdown(result: dict[str, Any]) -> str:
    """The race on a network in words: long-run shares per variant, by degree class, and the
    well-mixed reference."""
    from coopsim.analyses.oneshot_text import fmt, markdown_table
    from coopsim.labels import words

    strategies = result["strategies"]
    rows = []
    for name, v in result["variants"].items():
        shares = [f"{fmt(v['long_run'][s]['mean'])} [{fmt(v['long_run'][s]['low'])}, "
                  f"{fmt(v['long_run'][s]['high'])}]" for s in strategies]
        rows.append([words(name), f"{words(v['network'])} ({v['labs']} labs, mean degree {fmt(v['mean_degree'])}, "
                     f"max {v['max_degree']})", v["payoffs"], *shares])
    first = next(iter(result["variants"].values()))
    lines = [
        f"Every linked pair of labs raced one whole race per generation, for {first['generations']:,} "
        f"generations in each of {first['replicates']} replicates; then every lab copied a random "
        "neighbour's strategy with the Fermi probability (selection intensity "
        f"{fmt(first['selection_intensity'])}), comparing its race payoffs per round summed over "
        "its races (accumulated) or averaged (average). Long-run share: share of labs playing the "
        f"strategy over the last {first['long_run_generations']:,} generations, mean across "
        f"replicates with a 95% {result['interval']} interval.",
        "",
        *markdown_table(["variant", "network", "payoffs", *[f"long-run share of {s}" for s in strategies]], rows),
        "",
    ]
    for name, v in result["variants"].items():
        reference = ""
        if (w := v["well_mixed"]) is not None:
            game = {"coordination": f"a coordination game (AS takes over from more than "
                                    f"{fmt(w['threshold'])} AS)",
                    "coexistence": f"a game of coexistence at {fmt(w['threshold'] or 0)} AS"}.get(w["game"], w["game"])
            payments = " (with the interventions' expected payments)" if w.get("payments") else ""
            reference = f" AS against AU{payments} is {game}"
            if w["end"] is not None:
                shares = v["long_run"]["AS"]
                verdict = against_well_mixed(shares, w["end"])
                reference += (f"; from half AS a well-mixed population ends at {fmt(w['end'])} AS, and "
                              f"on this network the long-run share, {fmt(shares['mean'])} "
                              f"[{fmt(shares['low'])}, {fmt(shares['high'])}], is {verdict} that")
            reference += "."
        shown = v["by_degree"]["strategy"]
        lines.append(f"- **{words(name)}** (zone of Eq. 2: {v['zone']}):{reference} Share of {shown} by "
                     "degree class: " + ", ".join(f"{c['degree_class']}: {fmt(class_shares(c, shown)[shown])} "
                                                  f"({c['labs']} labs)" for c in v["by_degree"]["classes"]) + ".")
    return "\n".join(lines).rstrip() + "\n"
