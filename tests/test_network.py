"""Labs on networks: the complete graph is the round robin, a ring matches a hand calculation,
edge files are validated line by line, and the vectorised engine is the Mesa model's round."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from typer.testing import CliRunner

from coopsim.abm import LabModel, simulate
from coopsim.abm.network import build_network
from coopsim.abm.network_engine import ImitationEngine
from coopsim.cli import app
from coopsim.scenario.loading import ScenarioError, load_scenario
from tests.abm_scenarios import PRISONERS_DILEMMA, make_scenario

WEAK_PD = {"model": "matrix", "R": 1, "S": 0, "T": 1.5, "P": 0}


def with_network(scenario, network):
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["dynamics"]["network"] = network
    return type(scenario).model_validate(data)


# --------------------------------------------------------------------------- complete graph


def test_complete_graph_reproduces_the_round_robin_exactly():
    # Every strategy, trembles, partial observability, incidents and an audit: the complete
    # network must give byte-identical tables to today's round robin (same matches in the same
    # order, same neighbour choice for imitators, same per-match payoffs).
    strategies = ["trust_best_response", "tit_for_tat", "grim_trigger", "reinforcement",
                  "imitation", "always_cooperate", "always_defect"]
    base = make_scenario(
        [(s, 2) for s in strategies], rounds=30, replicates=2, tremble=0.05, observability=0.7,
        incidents={"probability": 0.1, "cost": 4, "borne_by": "all"},
        interventions=[{"type": "audit_and_fine", "start": 10, "detection_probability": 0.5, "fine": 3}],
    )
    today = simulate(base)
    complete = simulate(with_network(base, {"type": "complete"}))
    pd.testing.assert_frame_equal(today.rounds, complete.rounds)
    pd.testing.assert_frame_equal(today.labs, complete.labs)


# --------------------------------------------------------------------------- ring, by hand


def ring_of_six(beta: float):
    """Labs C 1, C 2, C 3 (cooperating at first), D 1, D 2, D 3 (defecting) on a ring:
    C1-C2-C3-D1-D2-D3-C1, weak PD b = 1.5, accumulated payoffs."""
    return make_scenario(
        [({"type": "imitation", "selection_intensity": beta, "initial_cooperation": 1}, 3, {"name": "C"}),
         ({"type": "imitation", "selection_intensity": beta, "initial_cooperation": 0}, 3, {"name": "D"})],
        game=WEAK_PD, rounds=2,
        network={"type": "ring", "degree": 2, "payoffs": "accumulated"},
    )


def test_ring_imitation_matches_a_hand_calculation():
    # Hand calculation, round 0 payoffs (R = 1, T = 1.5, S = P = 0, summed over 2 neighbours):
    # C1 = 1 (C2 cooperates, D3 defects), C2 = 2, C3 = 1, D1 = 1.5 (exploits C3), D2 = 0,
    # D3 = 1.5. Each lab picks one of its two neighbours with probability 1/2:
    #   C1, C3 switch to D iff they pick D3 / D1 and accept: 1/2 * expit(beta * (1.5 - 1));
    #   D1, D3 switch to C iff they pick C3 / C1 and accept: 1/2 * expit(beta * (1 - 1.5));
    #   C2 and D2 see only their own action around them and can never change.
    # (Without the network, D2 would copy a better-off cooperator now and then.)
    beta, replicates = 2.0, 400
    scenario = ring_of_six(beta)
    actions = []
    for seed in range(replicates):
        model = LabModel(scenario, rng=np.random.default_rng(seed))
        model.step()
        # each kind is one strategy object holding its labs' actions for the next round
        actions.append(np.where(model.strategy_of_lab == 0, model.strategies[0].action[0],
                                model.strategies[-1].action[0]))
    names = [agent.name for agent in model.agents]
    second = pd.DataFrame(1 - np.array(actions), columns=names)  # 1 = cooperates in round 1
    assert (second["C 2"] == 1).all() and (second["D 2"] == 0).all()
    to_defect, to_cooperate = 0.5 * expit(beta * 0.5), 0.5 * expit(-beta * 0.5)
    expected = {"C 1": 1 - to_defect, "C 3": 1 - to_defect, "D 1": to_cooperate, "D 3": to_cooperate}
    for lab, p in expected.items():
        standard_error = np.sqrt(p * (1 - p) / replicates)
        assert abs(second[lab].mean() - p) < 4 * standard_error, lab


def test_ring_with_strong_selection_is_deterministic_by_hand():
    # Alternating C, D, C, D on a ring of 8: every cooperator earns 0 and sees two defectors
    # earning 2T = 3, every defector sees two cooperators earning 0. With very strong selection
    # all cooperators copy defection after round 0 and nobody copies back: cooperation 0.5, 0, 0.
    labs = [({"type": "imitation", "selection_intensity": 1e6, "initial_cooperation": start}, 1,
             {"name": f"Lab {i}"}) for i, start in enumerate([1, 0] * 4)]
    scenario = make_scenario(labs, game=WEAK_PD, rounds=3,
                             network={"type": "ring", "degree": 2, "payoffs": "accumulated"})
    rounds = simulate(scenario).rounds
    assert rounds["cooperation_rate"].tolist() == [0.5, 0.0, 0.0]


# --------------------------------------------------------------------------- generated graphs


@pytest.mark.parametrize("network, degrees", [
    ({"type": "ring", "degree": 4}, {4}),
    ({"type": "random_regular", "degree": 3}, {3}),
    ({"type": "small_world", "degree": 4, "rewiring": 0.0}, {4}),  # p = 0: the ring itself
])
def test_homogeneous_graphs_have_the_requested_degree(network, degrees):
    scenario = make_scenario([("always_cooperate", 20)], network=network)
    assert set(build_network(scenario).degree.tolist()) == degrees


def test_scale_free_graph_has_the_requested_average_degree_and_hubs():
    # Barabasi-Albert with m = 2: 2m(N - m)/N links per lab on average, and a heavy tail.
    scenario = make_scenario([("always_cooperate", 500)], seed=3,
                             network={"type": "scale_free", "degree": 4})
    degree = build_network(scenario).degree
    assert degree.mean() == pytest.approx(4 * (500 - 2) / 500)
    assert degree.min() == 2 and degree.max() > 5 * degree.mean()
    again = build_network(make_scenario([("always_cooperate", 500)], seed=3,
                                        network={"type": "scale_free", "degree": 4}))
    assert np.array_equal(again.indices, build_network(scenario).indices)  # seeded


def test_impossible_networks_are_bad_input():
    with pytest.raises(ValueError, match="degree must be even"):
        make_scenario([("always_cooperate", 10)], network={"type": "ring", "degree": 3})
    with pytest.raises(ValueError, match="needs more than 10 labs"):
        make_scenario([("always_cooperate", 10)], network={"type": "random_regular", "degree": 10})
    with pytest.raises(ValueError, match="leave matching at round_robin"):
        make_scenario([("always_cooperate", 10)], matching="random_pairs",
                      network={"type": "complete"})


# --------------------------------------------------------------------------- edge files

SCENARIO_WITH_FILE = """name: file network
game: {shared_upside: 3, advantage: 5, exposure: 1, shared_downside: 0.5}
labs:
  - {name: Alpha}
  - {name: Beta}
  - {name: Small, count: 2}
dynamics: {rounds: 3, replicates: 1, network: {file: edges.csv}}
"""


def test_edge_file_builds_the_analysts_graph(write_yaml):
    write_yaml("source,target\nAlpha,Beta\nBeta,Small 1\n\n# Small 2 only meets Alpha\nSmall 2,Alpha\n",
               "edges.csv")
    scenario = load_scenario(write_yaml(SCENARIO_WITH_FILE))
    network = build_network(scenario)
    assert list(zip(network.first.tolist(), network.second.tolist())) == [(0, 1), (0, 3), (1, 2)]
    assert network.degree.tolist() == [2, 2, 1, 1]


def test_edge_file_problems_are_reported_with_their_lines(write_yaml):
    write_yaml("source,target\nAlpha,Beta\nAlpha,Gamma\nBeta,Beta\nBeta,Alpha\nSmall 1\n", "edges.csv")
    path = write_yaml(SCENARIO_WITH_FILE)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert "edges.csv, line 3: field 'dynamics.network.file': unknown lab 'Gamma'" in text
    assert "line 4" in text and "self-loop: lab 'Beta' linked to itself" in text
    assert "line 5" in text and "duplicate edge 'Beta'-'Alpha' (already on line 2)" in text
    assert "line 6" in text and "expected two lab names" in text
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "line 3" in result.output and "Gamma" in result.output


def test_edge_file_without_header_or_missing_is_bad_input(write_yaml):
    write_yaml("Alpha,Beta\n", "edges.csv")
    with pytest.raises(ScenarioError, match="line 1.*header"):
        load_scenario(write_yaml(SCENARIO_WITH_FILE))
    with pytest.raises(ScenarioError, match="edge file not found"):
        load_scenario(write_yaml(SCENARIO_WITH_FILE.replace("edges.csv", "nowhere.csv")))


# --------------------------------------------------------------------------- engine = Mesa


def mesa_run(scenario, seed):
    model = LabModel(scenario, rng=np.random.default_rng(seed))
    for _ in range(scenario.dynamics.rounds):
        model.step()
    return model


@pytest.mark.parametrize("network, observability", [
    ({"type": "scale_free", "degree": 4, "payoffs": "accumulated"}, 1.0),
    ({"type": "small_world", "degree": 4, "rewiring": 0.3, "payoffs": "average"}, 0.0),
    ({"type": "complete", "payoffs": "accumulated"}, 1.0),
])
def test_engine_plays_the_mesa_models_round(network, observability):
    # Same seed, same draws: identical actions every round, and the same reporters (payoff sums
    # and trust up to floating-point rounding). Per-lab payoffs differ (five factors overridden).
    scenario = make_scenario(
        [({"type": "imitation", "selection_intensity": 3, "initial_cooperation": 0.6}, 30,
          {"advantage": 4.5})],
        game=PRISONERS_DILEMMA, rounds=60, network=network, observability=observability,
    )
    model = mesa_run(scenario, 11)
    engine = ImitationEngine(scenario, np.random.default_rng(11))
    result = engine.run(60, 15)
    mesa_rounds = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    assert np.array_equal(model.strategies[0].action[0], result.action)
    assert mesa_rounds["cooperation_rate"].tolist() == result.rounds["cooperation_rate"].tolist()
    for column in ("mean_trust", "welfare", "lab_payoffs"):
        assert np.allclose(mesa_rounds[column], result.rounds[column], rtol=1e-12), column
    labs = model.datacollector.get_agent_vars_dataframe()["cooperation"].unstack()
    assert np.allclose(labs.iloc[-15:].mean().to_numpy(), result.lab_cooperation)


def test_models_without_play_between_labs_are_not_played_on_networks():
    # The precipice model is a one-shot race with a closed form: say so, don't ignore the network.
    # (The DSAIR race is played on networks: tests/test_network_race.py.)
    with pytest.raises(ValueError, match="precipice model is not played on networks"):
        make_scenario([("always_cooperate", 4)], game={"model": "precipice", "teams": 2, "mu": 1.5,
                                                       "enmity": 1.0, "information": "none"},
                      network={"type": "ring", "degree": 2})
