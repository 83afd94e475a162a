"""Networks in a run: simulate on the scenario's graph, compare with the complete graph, and say
whether the structure helped.

For each variant with a ``dynamics.network`` the iterated model runs as usual (replicate r of
variant v on ``SeedSequence([seed, v, r])``); when every lab imitates with one rule and nothing
else draws random numbers (see :func:`coopsim.abm.network_engine.engine_obstacle`) the
vectorised engine plays the same rounds, so thousands of labs stay fast, and the per-round
``labs`` table (one row per lab per round) is not produced. The same variant then runs again on
the complete graph (every lab meets every other, the same payoff convention) as the well-mixed
baseline. Measures:

* a lab's long-run cooperation: its share of cooperative choices over the last
  ``long_run_fraction`` of rounds, averaged over replicates;
* the share of labs cooperating in the long run, per replicate (the mean over labs of the
  above), with a 95% interval across replicates (BCa bootstrap, as for every share: see
  :mod:`coopsim.theory.intervals`), on the network and on the complete graph.
  "Structure helped" when the network's interval lies wholly above the complete graph's,
  "hurt" when wholly below, otherwise "no clear difference";
* cooperation by degree class: labs grouped by degree in doubling bins (1, 2-3, 4-7, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from coopsim.abm.network import build_network
from coopsim.abm.network_engine import ImitationEngine, engine_obstacle
from coopsim.abm.runner import SimulationResult, long_run_rounds, replicate_seed, simulate_one, summarise
from coopsim.scenario.loading import resolve_variants, with_overrides
from coopsim.scenario.spec import Scenario
from coopsim.analyses.findings import Writer, interval_text, words
from coopsim.analyses.headlines import percent
from coopsim.theory.intervals import interval_method, mean_interval
from coopsim.games.stage import expand_labs

DRAWN_LABS = 300  # networks up to this size are drawn in the report
SHARE_BOUNDS = (0.0, 1.0)  # a share of labs: its interval is a BCa bootstrap (theory.intervals)
Progress = Callable[[int, int], None]


def has_network(scenario: Scenario) -> bool:
    """Whether any variant of the scenario plays on a network."""
    return any(v.dynamics.network is not None for v in resolve_variants(scenario).values())


def complete_baseline(variant: Scenario) -> Scenario:
    """The same variant with every lab meeting every other (same payoff convention)."""
    payoffs = variant.dynamics.network.payoffs if variant.dynamics.network else "average"
    return with_overrides(variant, {"dynamics.network": {"type": "complete", "payoffs": payoffs}})


def _replicates(variant: Scenario, name: str, index: int, seed: int, tick) -> tuple[list, list, list]:
    """Every replicate of one variant: rounds tables, per-round lab tables (Mesa only) and
    each lab's long-run cooperation per replicate."""
    d = variant.dynamics
    tail = long_run_rounds(d.rounds, d.long_run_fraction)
    engine = engine_obstacle(variant) is None
    network = build_network(variant) if engine and d.network.type != "complete" else None
    rounds, labs, per_lab = [], [], []
    for replicate in range(d.replicates):
        stream = replicate_seed(seed, index, replicate)
        if engine:
            result = ImitationEngine(variant, np.random.default_rng(stream), network).run(d.rounds, tail)
            table = result.rounds
            table.insert(0, "replicate", replicate)
            table.insert(0, "variant", name)
            rounds.append(table)
            per_lab.append(result.lab_cooperation)
        else:
            run = simulate_one(variant, name, replicate, stream)
            rounds.append(run.rounds)
            labs.append(run.labs)
            late = run.labs[run.labs["round"] >= d.rounds - tail]
            per_lab.append(late.groupby("lab", sort=False)["cooperation"].mean().to_numpy())
        tick()
    return rounds, labs, per_lab


def simulate_with_network(scenario: Scenario, progress: Progress | None = None) -> tuple[SimulationResult, dict, dict]:
    """Simulate every variant on its network and on the complete graph.

    Returns the usual tables (``labs`` empty when the engine ran), the network tables
    (``network_labs``, ``network_degree``, ``network_edges``) and the JSON-ready comparison."""
    variants = resolve_variants(scenario)
    total = 2 * sum(v.dynamics.replicates for v in variants.values())
    done = [0]

    def tick():
        done[0] += 1
        if progress:
            progress(done[0], total)

    all_rounds, all_labs, lab_rows, edge_rows, comparison = [], [], [], [], {}
    for index, (name, variant) in enumerate(variants.items()):
        rounds, labs, per_lab = _replicates(variant, name, index, scenario.seed, tick)
        all_rounds += rounds
        all_labs += labs
        if variant.dynamics.network is None:
            done[0] += variant.dynamics.replicates
            continue
        baseline = complete_baseline(variant)
        if variant.dynamics.network.type == "complete":
            base_per_lab = per_lab
            done[0] += variant.dynamics.replicates
        else:
            base_per_lab = _replicates(baseline, name, index, scenario.seed, tick)[2]
        n_labs = variant.lab_count()
        # the complete graph of many labs is never built (N(N-1)/2 links): its degrees are known
        network = build_network(variant) if variant.dynamics.network.type != "complete" or n_labs <= DRAWN_LABS else None
        degree = network.degree if network is not None else np.full(n_labs, n_labs - 1)
        cooperation = np.nanmean(np.vstack(per_lab), axis=0) if per_lab else np.full(degree.size, np.nan)
        positions = _layout(network, scenario.seed)
        names = [lab.name for lab in expand_labs(variant)]
        kinds = [lab.kind for lab in expand_labs(variant)]
        for lab in range(degree.size):
            x, y = positions.get(lab, (np.nan, np.nan))
            lab_rows.append({"variant": name, "lab": names[lab], "kind": kinds[lab], "degree": int(degree[lab]),
                             "long_run_cooperation": cooperation[lab], "x": x, "y": y})
        if positions:
            edge_rows += [{"variant": name, "source": names[a], "target": names[b]}
                          for a, b in zip(network.first.tolist(), network.second.tolist())]
        comparison[name] = _compare(variant, degree, per_lab, base_per_lab)
    rounds = pd.concat(all_rounds, ignore_index=True)
    labs = pd.concat(all_labs, ignore_index=True) if all_labs else pd.DataFrame()
    fractions = {n: v.dynamics.long_run_fraction for n, v in variants.items()}
    simulation = SimulationResult(rounds=rounds, labs=labs, summary=summarise(rounds, fractions))
    network_labs = pd.DataFrame(lab_rows)
    tables = {"network_labs": network_labs, "network_degree": degree_classes(network_labs)}
    if edge_rows:
        tables["network_edges"] = pd.DataFrame(edge_rows)
    return simulation, tables, comparison


def _layout(network, seed: int) -> dict[int, tuple[float, float]]:
    """networkx spring-layout positions for a drawable network (else none)."""
    if network is None or network.size > DRAWN_LABS:
        return {}
    import networkx as nx

    positions = nx.spring_layout(network.graph(), seed=seed)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def _share(per_lab: list[np.ndarray]) -> list[float]:
    return [float(np.nanmean(values)) for values in per_lab]


def _compare(variant: Scenario, degree: np.ndarray, per_lab, base_per_lab) -> dict:
    """The network's long-run share of cooperating labs against the complete graph's."""
    on_network = mean_interval(_share(per_lab), SHARE_BOUNDS)
    complete = mean_interval(_share(base_per_lab), SHARE_BOUNDS)
    if on_network[1] > complete[2]:
        verdict = "helped"
    elif on_network[2] < complete[1]:
        verdict = "hurt"
    else:
        verdict = "no clear difference"
    spec = variant.dynamics.network
    return {
        "network": spec.type, "payoffs": spec.payoffs, "labs": int(degree.size),
        "mean_degree": float(degree.mean()), "max_degree": int(degree.max(initial=0)),
        "replicates": variant.dynamics.replicates,
        "cooperating_labs": dict(zip(("mean", "low", "high"), on_network)),
        "complete_graph": dict(zip(("mean", "low", "high"), complete)),
        "structure": verdict,
    }


def degree_class(degree: pd.Series) -> pd.Series:
    """Doubling degree bins: 0, 1, 2-3, 4-7, 8-15, ..."""
    low = np.where(degree > 0, 2 ** np.floor(np.log2(np.maximum(degree, 1))), 0).astype(int)
    high = np.where(low > 0, 2 * low - 1, 0)
    return pd.Series([f"{a}" if a == b else f"{a}-{b}" for a, b in zip(low, high)], index=degree.index), low


def degree_classes(network_labs: pd.DataFrame) -> pd.DataFrame:
    """Mean long-run cooperation of the labs in each degree class, per variant."""
    if network_labs.empty:
        return pd.DataFrame(columns=["variant", "degree_class", "lowest_degree", "labs", "long_run_cooperation"])
    labels, low = degree_class(network_labs["degree"])
    table = network_labs.assign(degree_class=labels, lowest_degree=low)
    grouped = table.groupby(["variant", "degree_class", "lowest_degree"], sort=False)
    out = grouped.agg(labs=("lab", "size"), long_run_cooperation=("long_run_cooperation", "mean")).reset_index()
    position = {name: i for i, name in enumerate(network_labs["variant"].unique())}  # scenario order
    out = out.assign(position=out["variant"].map(position))
    return out.sort_values(["position", "lowest_degree"], kind="stable").drop(columns="position").reset_index(drop=True)


NETWORK_WORDS = {
    "complete": "the complete graph", "ring": "a ring", "small_world": "a small-world network",
    "scale_free": "a scale-free network", "random_regular": "a random regular network",
    "file": "the network of the scenario's edge file",
}
PAYOFF_WORDS = {"accumulated": "labs compare payoffs summed over their partners",
                "average": "labs compare payoffs per partner"}
STRUCTURE_WORDS = {"helped": "helps cooperation", "hurt": "hurts cooperation",
                   "no clear difference": "makes no clear difference"}
BASELINE_WORDS = "when every lab meets every other"


def network_description(variant: Scenario) -> str:
    """Who meets whom in a variant, in words: 'a scale-free network (average degree 4), labs
    comparing payoffs summed over their partners', or its matching when it has no network."""
    spec = variant.dynamics.network
    if spec is None:
        return f"{variant.dynamics.matching.replace('_', ' ')} matching"
    detail = {"complete": " (every lab plays every other)", "file": f" ({Path(spec.file or '').name})",
              "scale_free": f" (average degree {spec.degree})",
              "small_world": f" ({spec.degree} neighbours each, links rewired with probability {spec.rewiring:g})",
              }.get(spec.type, f" ({spec.degree} neighbours each)")
    return f"{NETWORK_WORDS[spec.type]}{detail}, {PAYOFF_WORDS[spec.payoffs].replace('compare', 'comparing')}"


def _verdict(c: dict, on: str, full: str) -> str:
    """'helps cooperation', 'makes no clear difference (the intervals overlap)', ..."""
    overlap = " (the intervals overlap)" if c["structure"] == "no clear difference" and on != full else ""
    return STRUCTURE_WORDS[c["structure"]] + overlap


def _shares(w, name: str, c: dict) -> tuple[str, str]:
    """The network's and the complete graph's long-run shares of cooperating labs as printed,
    each number quoted from ``network.json``."""
    return tuple(interval_text(*(w.quote("network", f"{name}.{key}", part, c[key][part])
                                 for part in ("mean", "low", "high")))
                 for key in ("cooperating_labs", "complete_graph"))


def _network_words(w, name: str, c: dict) -> str:
    """'a scale-free network (1,000 labs, average degree 3.99)', numbers quoted from ``network.json``."""
    labs = w.quote("network", name, "labs", c["labs"])
    if c["network"] == "complete":
        return f"the complete graph ({labs:,.0f} labs, every lab meets every other)"
    return f"{NETWORK_WORDS[c['network']]} ({labs:,.0f} labs, average degree " \
           f"{w.quote('network', name, 'mean_degree', c['mean_degree']):.3g})"


def network_findings(comparison: dict | None) -> list:
    """The long-run share of cooperating labs on each variant's network against the complete
    graph's, and whether the structure helped (the verdict of :func:`_compare`): one finding
    when every variant plays on the same network (it is described once), else one per variant."""
    comparison = comparison or {}
    findings = []
    for group in _same_network(comparison):
        w = Writer()
        where = f"On {_network_words(w, group[0], comparison[group[0]])}, "
        shares = {name: _shares(w, name, comparison[name]) for name in group}
        if len(group) > 1:
            clauses = [f"with {words(name)} {on}" + (f" of labs cooperate in the long run against {full} {BASELINE_WORDS}"
                                                      if not i else f" against {full}")
                       + f" (the structure {_verdict(comparison[name], on, full)})"
                       for i, (name, (on, full)) in enumerate(shares.items())]
            text = where + "; ".join(clauses) + "."
        else:
            name, (on, full) = group[0], shares[group[0]]
            c = comparison[name]
            named = f" ({words(name)})" if len(comparison) > 1 else ""
            text = where + (f"{on} of labs cooperate in the long run{named}." if c["network"] == "complete" else
                            f"{on} of labs cooperate in the long run{named}, against {full} {BASELINE_WORDS}: "
                            f"the structure {_verdict(c, on, full)}.")
        findings.append(w.finding(text))
    return findings


def _same_network(comparison: dict) -> list[list[str]]:
    """The variants in one group when they share network type, size and average degree, else one each."""
    shapes = {(c["network"], c["labs"], c["mean_degree"]) for c in comparison.values()}
    return [list(comparison)] if len(shapes) == 1 and comparison else [[name] for name in comparison]


def structure_headline(comparison: dict) -> str:
    """Title of the network drawing (the verdict, then the numbers): in the variant whose
    network moves the share of cooperating labs furthest from the complete graph's, e.g. 'With
    audit frontier only, the network helps cooperation: 58.4% [47.2, 84.8] of labs cooperate,
    against 33.3% when every lab meets every other'."""
    gap = {name: abs(c["cooperating_labs"]["mean"] - c["complete_graph"]["mean"])
           for name, c in comparison.items() if c["network"] != "complete"}
    if not gap:
        name, c = next(iter(comparison.items()))
        return f"Every lab meets every other: {_shares(Writer(), name, c)[0]} of labs cooperate"
    name = max(gap, key=gap.get)  # the first of equals: scenario order
    c = comparison[name]
    on, full = _shares(Writer(), name, c)
    where = f"With {words(name)}, the" if len(comparison) > 1 else "The"
    return f"{where} network {_verdict(c, on, full)}: {on} of labs cooperate, against {full} {BASELINE_WORDS}"


def _neighbours(degree_class: str) -> str:
    return f"{degree_class} neighbour" + ("" if degree_class == "1" else "s")


def degree_headline(degree_table: pd.DataFrame) -> str:
    """Title of the cooperation-by-degree chart (the claim, then the numbers): in the variant
    where the best-connected and the least connected degree classes differ most, their long-run
    cooperation (the mean over the class's labs in ``network_degree.csv``), e.g. 'With scale
    free, the best-connected labs cooperate more: labs with 64-127 neighbours cooperate 100.0% of
    the time in the long run, those with 2-3 neighbours 88.5%'."""
    table = degree_table.dropna(subset=["long_run_cooperation"]).sort_values("lowest_degree", kind="stable")
    several = degree_table["variant"].nunique() > 1
    ends = {variant: (part.iloc[0], part.iloc[-1]) for variant, part in table.groupby("variant", sort=False)
            if len(part) > 1}
    if not ends:
        return "Each variant's labs fall in one degree class: " + "; ".join(
            f"{'with ' + words(row.variant) + ', ' if several else ''}labs with {_neighbours(row.degree_class)} "
            f"cooperate {percent(row.long_run_cooperation)} of the time in the long run" for row in table.itertuples())
    gaps = {variant: abs(top.long_run_cooperation - low.long_run_cooperation) for variant, (low, top) in ends.items()}
    variant = max(gaps, key=gaps.get)
    low, top = ends[variant]
    where = f"With {words(variant)}, the" if several else "The"
    numbers = (f"labs with {_neighbours(top.degree_class)} cooperate {percent(top.long_run_cooperation)} of the "
               f"time in the long run, those with {_neighbours(low.degree_class)} {percent(low.long_run_cooperation)}")
    if percent(top.long_run_cooperation) == percent(low.long_run_cooperation):
        return f"{where} best- and least connected labs cooperate alike: {numbers}"
    more = "more" if top.long_run_cooperation > low.long_run_cooperation else "less"
    return f"{where} best-connected labs cooperate {more}: {numbers}"


def network_markdown(comparison: dict, degree_table: pd.DataFrame) -> str:
    """The network section: each variant's network and payoff convention, the finding (did the
    structure help, with the numbers), and cooperation by degree class."""
    lines = []
    for name, c in comparison.items():
        on, full = _shares(Writer(), name, c)
        replicates = f"{c['replicates']} replicate{'s' if c['replicates'] != 1 else ''}"
        method = f"95% {interval_method(SHARE_BOUNDS)} intervals across {replicates}"
        text = (f"**{words(name)}**: {NETWORK_WORDS[c['network']]}, {c['labs']:,} labs (average degree "
                f"{c['mean_degree']:.3g}, largest {c['max_degree']}); {PAYOFF_WORDS[c['payoffs']]}. ")
        if c["network"] == "complete":
            text += f"{on} of labs cooperate in the long run ({method})."
        else:
            text += (f"{on} of labs cooperate in the long run, against {full} {BASELINE_WORDS} ({method}): "
                     f"the structure **{_verdict(c, on, full)}**.")
        lines += [text, ""]
    if not degree_table.empty:
        lines += ["Long-run cooperation by degree class (labs with that many neighbours):", "",
                  "| policy variant | neighbours | labs | long-run cooperation |", "|---|---|---|---|"]
        for row in degree_table.itertuples():
            value = "n/a" if pd.isna(row.long_run_cooperation) else percent(row.long_run_cooperation)
            lines.append(f"| {words(row.variant)} | {row.degree_class} | {row.labs} | {value} |")
    return "\n".join(lines)


def add_network_section(result, subtitle: str) -> None:
    """Network charts and the findings section of a run (from its saved tables: no simulation)."""
    from coopsim.charts import network as network_charts

    comparison = result.extras.get("network")
    if not comparison or "network_labs" not in result.tables:
        return
    variants = [v for v in resolve_variants(result.scenario) if v in comparison]
    degree_table = result.tables["network_degree"]
    names = []
    if not degree_table.empty:
        result.charts["cooperation-by-degree"] = network_charts.degree_class_chart(
            degree_table, variants, subtitle, degree_headline(degree_table))
        names.append("cooperation-by-degree")
    if "network_edges" in result.tables:
        result.charts["network-drawing"] = network_charts.network_drawing_chart(
            result.tables["network_labs"], result.tables["network_edges"], variants, subtitle,
            structure_headline(comparison))
        names.append("network-drawing")
    result.sections.append(("Networks", network_markdown(comparison, degree_table), names))
