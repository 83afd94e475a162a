"""The DSAIR race on a network (coopsim.abm.network_race): every linked pair races with the very
rules of the two-lab race, then labs copy better-off neighbours.

Where the expected figures come from:

* exact reproduction: the races on a complete graph are DsairRace's races on the same stream
  (the block layout of coopsim.abm.race_play), number for number;
* the well-mixed reference: replicator dynamics of AS against AU with the Eq. 2 entries
  (coopsim.theory.dsair, the closed form), computed here by hand from R, S, T, P;
* the network direction: Cimpeanu, Santos, Pereira, Lenaerts & Han, "Artificial intelligence
  development races in heterogeneous settings", Sci. Rep. 12, 1723 (2022), abstract: with
  scale-free networks "the conflicts that exist in homogeneous settings are significantly
  reduced" (AS survives inside the dilemma zone, where homogeneous structures lose it). The
  paper's figure numbers were not available to this test, so only the direction is checked, on
  a small case (200 developers, 200 generations) and with the margins stated below. Its
  disappearance with degree-normalised (average) payoffs is the race analogue of Szolnoki, Perc &
  Danku (Physica A 387, 2008) for the prisoner's dilemma.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from coopsim.abm.network import build_graph, build_network, from_graph, from_pairs
from coopsim.abm.network_race import NetworkRace
from coopsim.abm.race import DsairRace
from coopsim.games.dsair_network import network_race_dynamics, well_mixed_reference
from coopsim.scenario.loading import ScenarioError, load_scenario, loads_scenario
from coopsim.scenario.spec import NetworkSpec
from coopsim.theory import dsair
from coopsim.theory.dsair import DsairParams

# Inside the DSAIR dilemma zone (1 - 1/s = 0.33 < p_r = 0.7 < 1 - 1/(3s) = 0.78, early regime
# B/W = 100 >= 10 b). Eq. 2: R = AS vs AS = b/2 - c + B/W = 51, S = AS vs AU = pi12 = -1 + 4/2.5
# = 0.6, T = AU vs AS = (1 - 0.7)(1.5 x 100 + 4 x 1.5/2.5) = 45.72, P = AU vs AU =
# 0.3 (75 + 2) = 23.1: a coordination game, well-mixed rest point x* = (P - S)/(R - T + P - S)
# = 22.5 / 27.78 = 0.81, so from half AS a well-mixed population ends with no AS at all.
DILEMMA = DsairParams(b=4.0, c=1.0, s=1.5, B=1000.0, W=10.0, p_r=0.7, p_fo=0.0)
HAND = {"R": 51.0, "S": 0.6, "T": 45.72, "P": 23.1}


def network(kind: str, n: int, payoffs: str = "accumulated", seed: int = 1):
    spec = NetworkSpec(type=kind, degree=4, payoffs=payoffs)
    if kind == "complete":
        return from_pairs(spec, *np.triu_indices(n, k=1), n)
    return from_graph(spec, build_graph(spec, n, seed))


def test_the_hand_computed_game_is_eq2_and_its_well_mixed_reference():
    (R, S), (T, P) = dsair.race_payoff_matrix(DILEMMA, ("AS", "AU"))
    assert (R, S, T, P) == pytest.approx((HAND["R"], HAND["S"], HAND["T"], HAND["P"]))
    assert dsair.zone(DILEMMA) == "dilemma"
    reference = well_mixed_reference(**HAND)
    assert reference["game"] == "coordination" and reference["end"] == 0.0
    assert reference["threshold"] == pytest.approx(22.5 / 27.78, abs=1e-4)
    # The other kinds of 2x2 game, by hand: a prisoner's dilemma (AU dominates), AS dominant,
    # a snowdrift (stable coexistence at x* = 1/2).
    assert well_mixed_reference(R=3, S=0, T=5, P=1)["end"] == 0.0
    assert well_mixed_reference(R=5, S=2, T=3, P=1)["end"] == 1.0
    assert well_mixed_reference(R=3, S=1, T=4, P=0)["end"] == pytest.approx(0.5)


@pytest.mark.parametrize("labs", [2, 4])
@pytest.mark.parametrize("strategy", ["AU", "CS", "AS"])
def test_on_a_complete_graph_the_races_are_the_well_mixed_race_abm_number_for_number(labs, strategy):
    """Every lab plays one strategy, so imitation changes nothing and each edge's races are
    those of the two-lab Mesa model: race k of generation g is DsairRace's race g E + k."""
    params = DsairParams(b=4.0, c=1.0, s=2.0, B=100.0, W=25.0, p_r=0.3, p_fo=0.2)
    graph = network("complete", labs)
    edges, generations = graph.first.size, 6
    engine = NetworkRace(params, graph, ("AS", "AU", "CS"), 1.0, np.random.default_rng(9),
                         initial=np.full(labs, ("AS", "AU", "CS").index(strategy)))
    run = engine.run(generations, 2, record=True)
    race_stream = np.random.default_rng(9).spawn(2)[0]
    model = DsairRace(params, (strategy, strategy), rng=race_stream)
    model.run_races(generations * edges)
    records = model.race_records()
    for lab in (0, 1):
        expected = records[records["lab"] == lab]["average_payoff"].to_numpy()
        assert run.race_payoffs[:, :, lab].ravel().tolist() == expected.tolist()
    assert (run.shares[:, ("AS", "AU", "CS").index(strategy)] == 1).all()


def test_imitation_on_a_ring_by_hand():
    """Three labs on a triangle (every lab has the other two as neighbours), p_r = p_fo = 0 so races are
    exactly Eq. 2 per round. Labs 0 and 1 play AS, lab 2 AU. Accumulated payoffs: lab 0 = R + S,
    lab 1 = R + S, lab 2 = 2 T. With a huge selection intensity a lab copies exactly when its
    picked neighbour earned more."""
    params = replace(DILEMMA, p_r=0.0)
    (R, S), (T, P) = dsair.race_payoff_matrix(params, ("AS", "AU"))
    spec = NetworkSpec(type="file", file="triangle.csv", payoffs="accumulated")
    graph = from_pairs(spec, np.array([0, 0, 1]), np.array([1, 2, 2]), 3)
    engine = NetworkRace(params, graph, ("AS", "AU"), 1e6, np.random.default_rng(0), initial=np.array([0, 0, 1]))
    per_round = engine.races(0)
    assert engine.fitness(per_round) == pytest.approx([R + S, R + S, 2 * T])
    assert 2 * T > R + S  # p_r = 0: AU earns 150 + 2.4 per race round against AS, twice
    before = engine.strategy.copy()
    pick, _ = np.random.default_rng(0).spawn(2)[1].random((2, 3))  # the engine's next draws
    engine.imitate(engine.fitness(per_round))
    neighbours = {0: [1, 2], 1: [0, 2], 2: [0, 1]}
    for lab in range(3):
        model = neighbours[lab][int(pick[lab] * 2)]
        copies = [R + S, R + S, 2 * T][model] > [R + S, R + S, 2 * T][lab]
        assert engine.strategy[lab] == (before[model] if copies else before[lab])


def long_run_as(kind: str, payoffs: str = "accumulated", replicates: int = 16) -> np.ndarray:
    graph = network(kind, 200, payoffs)
    return np.array([
        np.nanmean(NetworkRace(DILEMMA, graph, ("AS", "AU"), 1.0, np.random.default_rng(r)).run(200, 50).lab_shares[:, 0])
        for r in range(replicates)
    ])


def test_scale_free_networks_keep_safe_development_inside_the_dilemma_zone():
    """Cimpeanu et al. (2022)'s direction: on a Barabasi-Albert network (average degree 4,
    accumulated payoffs) AS survives in most runs, while a random regular graph of the same
    degree -- homogeneous, like the well-mixed population, which from half AS loses every AS
    (x* = 0.81 above) -- loses AS in every run. Margins: scale-free mean AS share above 0.4
    (the runs end at all AS or all AU; 16 runs), random regular below 0.02."""
    scale_free, regular = long_run_as("scale_free"), long_run_as("random_regular")
    assert scale_free.mean() > 0.4
    assert regular.mean() < 0.02
    # Degree-normalised (average) payoffs take the hubs' advantage away: AS is lost there too.
    assert long_run_as("scale_free", "average", replicates=8).mean() < 0.02


def test_peer_punishment_raises_safe_play_on_a_homogeneous_network():
    """Peer punishment (cost 1, fine 30, every sighting certain) changes AS vs AU to S' = S - 1,
    T' = T - 30 per round (coopsim.policy.peer_punishment), so by hand the well-mixed rest point
    falls to (P - S')/(R - T' + P - S') = 23.5 / (35.28 + 23.5) = 0.40 < 1/2: from half AS, AS now
    takes over. On the random regular graph, where AS was lost in every run, it now wins."""
    text = """name: punish on a network
seed: 3
game: {model: dsair, b: 4, c: 1, s: 1.5, B: 1000, W: 10, p_r: 0.7, p_fo: 0}
labs: [{name: Developer, count: 200}]
evolution: {strategies: [AS, AU]}
dynamics: {rounds: 150, replicates: 6, network: {type: random_regular, degree: 4, payoffs: accumulated}}
variants:
  none: {}
  punishment: {interventions: [{type: peer_punishment, cost: 1, fine: 30}]}
"""
    result = network_race_dynamics(loads_scenario(text))
    none, punished = result["variants"]["none"], result["variants"]["punishment"]
    S2, T2 = HAND["S"] - 1, HAND["T"] - 30
    by_hand = (HAND["P"] - S2) / (HAND["R"] - T2 + HAND["P"] - S2)
    assert by_hand == pytest.approx(0.40, abs=0.005)
    assert punished["well_mixed"]["threshold"] == pytest.approx(by_hand)
    assert punished["well_mixed"]["end"] == 1.0 and none["well_mixed"]["end"] == 0.0
    assert none["long_run"]["AS"]["high"] < 0.05
    assert punished["long_run"]["AS"]["low"] > 0.9


EDGES = "source,target\nAlpha,Beta\nBeta,Small 1\nSmall 2,Alpha\n"
FILE_SCENARIO = """name: race on a file network
seed: 2
game: {model: dsair, b: 4, c: 1, s: 1.5, B: 1000, W: 10, p_r: 0.7, p_fo: 0}
labs:
  - {name: Alpha}
  - {name: Beta}
  - {name: Small, count: 2}
  - {name: Loner}
evolution: {strategies: [AS, AU]}
dynamics: {rounds: 20, replicates: 3, network: {file: edges.csv}}
"""


def test_networks_from_files_work_for_the_race(write_yaml):
    write_yaml(EDGES, "edges.csv")
    scenario = load_scenario(write_yaml(FILE_SCENARIO))
    graph = build_network(scenario)
    assert list(zip(graph.first.tolist(), graph.second.tolist())) == [(0, 1), (0, 3), (1, 2)]
    result = network_race_dynamics(scenario)["variants"]["baseline"]
    assert result["network"] == "file" and result["labs"] == 5 and result["max_degree"] == 2
    # The Loner has no neighbour: it neither races nor counts; four labs are in degree classes.
    assert sum(c["labs"] for c in result["by_degree"]["classes"]) == 4
    write_yaml(EDGES + "Alpha,Gamma\n", "edges.csv")
    with pytest.raises(ScenarioError, match="line 5.*unknown lab 'Gamma'"):
        load_scenario(write_yaml(FILE_SCENARIO))


def test_what_the_race_on_a_network_refuses():
    base = FILE_SCENARIO.replace("{file: edges.csv}", "{type: ring, degree: 2}")
    with pytest.raises(ScenarioError, match="tremble does not apply to the DSAIR race"):
        loads_scenario(base.replace("rounds: 20", "rounds: 20, tremble: 0.1"))
    with pytest.raises(ScenarioError, match="audit_and_fine does not apply to the DSAIR race"):
        loads_scenario(base + "interventions: [{type: audit_and_fine, detection_probability: 0.5, fine: 3}]\n")
    mixed = base + "variants:\n  net: {}\n  nonet:\n    dynamics: {network: null}\n"
    with pytest.raises(ScenarioError, match="either every variant races on a dynamics.network or none"):
        loads_scenario(mixed)
    # rounds count generations on a network: fewer than W is fine there.
    assert loads_scenario(base.replace("rounds: 20", "rounds: 3")).dynamics.rounds == 3


def test_a_race_on_a_network_too_large_to_run_is_refused_up_front():
    """Budget (coopsim.scenario.budget.network_race): 10,000 labs on the complete graph are
    5e7 links racing 10 rounds: about 1e10 bytes per generation, above the 8 GiB limit."""
    huge = FILE_SCENARIO.replace("{file: edges.csv}", "{type: complete}").replace(
        "  - {name: Loner}\n", "  - {name: Crowd, count: 10000}\n")
    with pytest.raises(ScenarioError, match="the race on a network would need .* links"):
        loads_scenario(huge)


def test_the_bundled_scenario_reports_the_direction_with_its_numbers():
    """scenarios/dsair-network-race.yaml through `coopsim run`'s analysis: the report states the
    numbers the README quotes (seed 11) and says where each network stands against the
    well-mixed reference (no AS from half AS, x* = 0.81 by hand above)."""
    from coopsim.analyses.run import run
    from tests.conftest import ROOT

    result = run(load_scenario(ROOT / "scenarios" / "dsair-network-race.yaml"))
    measured = result.extras["race_dynamics"]["variants"]
    scale_free = measured["scale_free"]["long_run"]["AS"]
    assert (round(scale_free["mean"], 2), round(scale_free["low"], 2), round(scale_free["high"], 2)) == (0.57, 0.26, 0.82)
    assert measured["random_regular"]["long_run"]["AS"]["high"] == 0.0
    assert measured["scale_free_average_payoffs"]["long_run"]["AS"]["high"] == 0.0
    assert measured["scale_free"]["well_mixed"]["threshold"] == pytest.approx(22.5 / 27.78, abs=1e-4)
    text = next(body for title, body, _ in result.sections if title == "The race played by agents")
    assert "0.5728 [0.2645, 0.8189], is above that" in text
    assert "0 [0, 0], is not clearly different from that" in text


def test_targeted_punishment_on_a_network_acts_on_the_targeted_labs_only(write_yaml):
    """peer_punishment targeted at Beta (coopsim.policy.targets.apply_to, as in the lab model: the
    targeted labs pay and are paid). Alpha (AS) - Beta (AU) - Small 1 (AS), Small 2 (AU) - Alpha,
    p_r = p_fo = 0, W = 10, s = 1.5. Beta is fined 5 per round in each of its races against an AS
    neighbour (two races of W/s = 6.67 rounds); the untargeted AS labs pay no cost, and Small 2,
    not targeted, is not fined."""
    from coopsim.games.dsair_race import race_rules

    write_yaml(EDGES, "edges.csv")
    text = FILE_SCENARIO.replace("p_r: 0.7", "p_r: 0") + (
        "interventions: [{type: peer_punishment, cost: 1, fine: 5, targets: {labs: [Beta]}}]\n")
    scenario = load_scenario(write_yaml(text))
    graph = build_network(scenario)
    params = replace(DILEMMA, p_r=0.0)
    initial = np.array([0, 1, 0, 1, 0])  # Alpha AS, Beta AU, Small 1 AS, Small 2 AU, Loner AS
    punished = NetworkRace(params, graph, ("AS", "AU"), 1.0, np.random.default_rng(0),
                           race_rules(scenario, graph.size, graph.degree), initial).races(0)
    plain = NetworkRace(params, graph, ("AS", "AU"), 1.0, np.random.default_rng(0), None, initial).races(0)
    # Edges in order: (Alpha, Beta), (Alpha, Small 2), (Beta, Small 1); race payoff per round.
    assert (punished - plain) == pytest.approx(np.array([[0, -5], [0, 0], [-5, 0]]))


def test_each_strategys_share_by_degree_and_its_chart():
    """Per degree class the strategies' long-run shares sum to 1 (every playing lab plays one),
    and the classes' shares weighted by their labs give back each strategy's long-run share of
    all labs (the same labs, generations and replicates, grouped differently). The chart draws
    exactly those shares, the well-mixed end of Eq. 2 as a rule, and a title quoting them."""
    import json

    from coopsim.games.dsair import Dsair
    from coopsim.games.dsair_network import network_race_headline

    scenario = loads_scenario(FILE_SCENARIO.replace("{file: edges.csv}", "{type: scale_free, degree: 2}")
                              .replace("rounds: 20", "rounds: 30").replace("count: 2", "count: 12"))
    result = network_race_dynamics(scenario)
    variant = result["variants"]["baseline"]
    classes = variant["by_degree"]["classes"]
    assert len(classes) >= 2
    for c in classes:
        assert sum(c["shares"].values()) == pytest.approx(1.0)
    labs = sum(c["labs"] for c in classes)
    for strategy in ("AS", "AU"):
        pooled = sum(c["labs"] * c["shares"][strategy] for c in classes) / labs
        assert pooled == pytest.approx(variant["long_run"][strategy]["mean"])
    charts = Dsair.dynamics_charts(result, "subtitle")
    spec = json.dumps(charts["race-shares-by-degree"].to_dict())
    rows = [row for rows in charts["race-shares-by-degree"].to_dict()["datasets"].values() for row in rows]
    drawn = {(r["neighbours"], r["strategy"]): r["share"] for r in rows if "strategy" in r}
    assert drawn == {(c["degree_class"], s): c["shares"][s] for c in classes for s in ("AS", "AU")} | {
        ("all labs", s): variant["long_run"][s]["mean"] for s in ("AS", "AU")}
    end = variant["well_mixed"]["end"]
    assert end is not None and any(r.get("share") == end and "well mixed" in r.get("text", "") for r in rows)
    title = network_race_headline(result)
    assert title == (f"Long-run share of AS: {100 * variant['long_run']['AS']['mean']:.1f}% on baseline; "
                     f"a well-mixed population ends at {100 * end:.1f}%")
    assert title in spec


def test_network_race_findings_compare_each_network_with_the_well_mixed_end():
    """The verdict follows the interval against the well-mixed end of Eq. 2: above it, below it,
    or not clearly apart from it; none without an interval (one replicate) or an end."""
    from coopsim.analyses.findings_races import network_race_findings

    def variant(mean, low, high, end):
        return {"network": "scale_free", "payoffs": "accumulated", "labs": 200,
                "long_run": {"AS": {"mean": mean, "low": low, "high": high}}, "well_mixed": {"end": end}}

    race = {"network": True, "strategies": ["AS", "AU"], "variants": {
        "above": variant(0.57, 0.26, 0.82, 0.0), "below": variant(0.1, 0.05, 0.2, 1.0),
        "same": variant(0.0, 0.0, 0.0, 0.0), "unclear": variant(0.5, 0.2, 0.8, 0.4)}}
    texts = [f.text for f in network_race_findings(race)]
    assert texts[0] == ("Above (200 labs on a scale free network, accumulated payoffs): AS holds 57.0% "
                        "[26.0, 82.0] of labs in the long run, above the 0.0% at which the replicator "
                        "dynamics of a well-mixed population playing Eq. 2 end.")
    assert ", below the 100.0% at which" in texts[1]
    assert ", not clearly different from the 0.0% at which" in texts[2]
    assert ", not clearly different from the 40.0% at which" in texts[3]
    lone = {**race, "variants": {"lone": {**variant(0.57, 0.57, 0.57, 0.0), "replicates": 1},
                                 "unknown": {**variant(0.5, 0.2, 0.8, 0.4), "well_mixed": {"end": None}}}}
    found = network_race_findings(lone)
    assert not any("replicator" in f.text for f in found)  # no comparison without an interval or an end
    assert any(f.caveat and f.text.startswith("Lone: one replicate") for f in found)
    assert network_race_findings({"network": False}) == [] == network_race_findings(None)
