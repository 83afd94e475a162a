"""Policy interventions: hand-calculated expected games, the expected game against the simulated
one, the issue-9 reproduction, no-op warnings, and the one-class-plus-one-line promise."""

from __future__ import annotations

import itertools
import warnings
import zlib

import numpy as np
import pytest
from pydantic import Field

from coopsim.abm.model import LabModel
from coopsim.abm.strategies import STRATEGIES, Strategy
from coopsim.analyses import sensitivity as sa
from coopsim.analyses.oneshot import analyse_with_policies
from coopsim.policy import INTERVENTIONS, Intervention, InterventionBase, RoundRules
from coopsim.policy.expected import expected_game
from coopsim.scenario.base import Strict
from coopsim.scenario.loading import ScenarioWarning, json_schema, loads_scenario
from coopsim.scenario.spec import Scenario
from coopsim.games.stage import expand_labs
from tests.strategy_harness import MOVE, registered, scripted_strategy

# R = 3, S = -1, T = 5, P = -0.5
PD = {"shared_upside": 3, "advantage": 5, "exposure": 1, "shared_downside": 0.5}


def scenario_with(interventions=(), incidents=None, labs=None, **dynamics) -> Scenario:
    return Scenario.model_validate({
        "name": "policy test",
        "game": PD,
        "labs": labs or [{"name": "A"}, {"name": "B"}],
        "dynamics": {"incidents": incidents or {}, **dynamics},
        "interventions": list(interventions),
    })


def expected_rstp(scenario: Scenario) -> list[float]:
    labs = expand_labs(scenario)
    table = np.stack([lab.payoffs.matrix() for lab in labs])
    (R, S), (T, P) = expected_game(scenario, table, table).true[0]
    return [R, S, T, P]


# --------------------------------------------------------------------------- hand calculations


@pytest.mark.parametrize(
    ("interventions", "incidents", "rstp"),
    [
        ([], None, [3, -1, 5, -0.5]),
        # Audits: expected fine d*f = 0.5*4 = 2 on every defection: T and P fall by 2.
        ([{"type": "audit_and_fine", "detection_probability": 0.5, "fine": 4}], None, [3, -1, 3, -2.5]),
        # Two audits stack: 0.5*4 + 0.25*2 = 2.5.
        ([{"type": "audit_and_fine", "detection_probability": 0.5, "fine": 4},
          {"type": "audit_and_fine", "detection_probability": 0.25, "fine": 2}], None, [3, -1, 2.5, -3]),
        # Subsidy of 2 per cooperating match: R and S rise by 2.
        ([{"type": "safety_subsidy", "amount": 2}], None, [5, 1, 5, -0.5]),
        # Joint research: R + 1; exposure 1 - 3 floored at 0, so S = 0 (not +2).
        ([{"type": "joint_research", "upside_increase": 1, "exposure_reduction": 3}], None, [4, 0, 5, -0.5]),
        # Incidents q*C = 2, borne by the defector: T and P fall by 2.
        ([], {"probability": 0.5, "cost": 4, "borne_by": "defector"}, [3, -1, 3, -2.5]),
        # Shared by the 2 labs: each defection costs each lab 1; mutual defection is two.
        ([], {"probability": 0.5, "cost": 4, "borne_by": "all"}, [3, -2, 4, -2.5]),
        # Liability makes the defector pay even though costs are shared.
        ([{"type": "liability"}], {"probability": 0.5, "cost": 4, "borne_by": "all"}, [3, -1, 3, -2.5]),
        # Transparency and accurate beliefs change what labs see and believe, not the payoffs.
        ([{"type": "transparency", "observability": 1}], None, [3, -1, 5, -0.5]),
        # Peer punishment, seen with o = 0.5: S - o*c = -1 - 0.5, T - o*F = 5 - 2.
        ([{"type": "peer_punishment", "cost": 1, "fine": 4}], None, [3, -1.5, 3, -0.5]),
        # Public reward of 2 for seen safe play: R and S rise by o*r = 1.
        ([{"type": "reward", "amount": 2}], None, [4, 0, 5, -0.5]),
        # Peer reward: a seen safe pair swaps r = 4 for c = 1 each way: R + o*(r - c) = 4.5.
        ([{"type": "reward", "budget": "peer", "amount": 4, "cost": 1}], None, [4.5, -1, 5, -0.5]),
        # Voluntary commitment: F = 4 >= T - R = 2 and R - e > P, so the lab pledges: every
        # payoff - e = 0.5, T and P a further - o*F = 2.
        ([{"type": "voluntary_commitment", "pledge_cost": 0.5, "sanction": 4}], None, [2.5, -1.5, 2.5, -3]),
    ],
)
def test_expected_game_by_hand(interventions, incidents, rstp):
    scenario = scenario_with(interventions, incidents, observability=0.5)
    assert expected_rstp(scenario) == pytest.approx(rstp)


def test_issue_nine_reproduction_in_both_views():
    """Joint research with shared incident costs: research lifts S from -1 to 0 *before* the
    incident share of 1 (q*C/N = 0.5*4/2), so S = -1, T = 4.5, P = -2, R = 3.5; the critical
    trust is (P - S)/((R - T) - (S - P)) = (-2 + 1)/(-1 - 1) = 0.5, a chicken game in which
    a lab at trust 0.6 defects, and the simulated labs do."""
    text = """
name: joint research with shared incidents
game: {trust: 0.6, shared_upside: 3, advantage: 5.5, exposure: 1, shared_downside: 0}
labs:
  - {name: A, strategy: {type: trust_best_response, prior_strength: 1000}}
  - {name: B, strategy: {type: trust_best_response, prior_strength: 1000}}
dynamics: {rounds: 30, replicates: 1, incidents: {probability: 0.5, cost: 4, borne_by: all}}
interventions: [{type: joint_research, upside_increase: 0.5, exposure_reduction: 3}]
"""
    scenario = loads_scenario(text)
    policy = analyse_with_policies(scenario)["policy"]["baseline"]
    assert policy["payoff_matrices"]["row"] == [[3.5, -1.0], [4.5, -2.0]]
    assert policy["trust_threshold"] == pytest.approx(0.5)
    assert policy["cooperate_is_best_response"] is False
    model = LabModel(scenario, rng=np.random.default_rng(0))
    for _ in range(30):
        model.step()
    assert model.decision_payoffs[0].tolist() == [[3.5, -1.0], [4.5, -2.0]]
    assert model.datacollector.get_model_vars_dataframe()["cooperation_rate"].max() == 0


# --------------------------------------------------------------------------- expected = simulated

SETTINGS = {
    "audit_and_fine": lambda rng: {"detection_probability": rng.uniform(0.1, 0.9), "fine": rng.uniform(0.5, 5)},
    "safety_subsidy": lambda rng: {"amount": rng.uniform(0.5, 3)},
    "joint_research": lambda rng: {"upside_increase": rng.uniform(0, 2), "exposure_reduction": rng.uniform(0, 3)},
    "transparency": lambda rng: {"observability": rng.uniform(0.6, 1)},
    "accurate_beliefs": lambda rng: {"rate": rng.uniform(0.1, 0.5)},
    "liability": lambda rng: {},
    "peer_punishment": lambda rng: {"cost": rng.uniform(0.2, 2), "fine": rng.uniform(0.5, 5)},
    "reward": lambda rng: {"amount": rng.uniform(0.5, 3), "budget": "public"} if rng.random() < 0.5
    else {"amount": rng.uniform(0.5, 3), "budget": "peer", "cost": rng.uniform(0.2, 2)},
    # With T = 5, R = 3, P - S = 0.5 labs pledge iff sanction >= 2: both happen.
    "voluntary_commitment": lambda rng: {"pledge_cost": rng.uniform(0.1, 1), "sanction": rng.uniform(1, 6)},
}
# Every intervention alone with N in {2, 3, 5}; every pair with N = 3 (keeps the grid small).
COMBINATIONS = [((kind,), n) for kind in SETTINGS for n in (2, 3, 5)]
COMBINATIONS += [(pair, 3) for pair in itertools.combinations(SETTINGS, 2)]
PROFILES = {"all cooperate": lambda i: "C", "all defect": lambda i: "D",
            "alternating": lambda i: "CD" if i % 2 else "DC"}
ROUNDS = 200


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("borne_by", ["defector", "all"])
@pytest.mark.parametrize(("kinds", "n_labs"), COMBINATIONS, ids=lambda v: "+".join(v) if isinstance(v, tuple) else f"N{v}")
def test_expected_game_equals_the_simulated_one(kinds, borne_by, n_labs, profile):
    """Each lab's mean realised payoff per round equals what the policy view predicts: the sum
    over its matches of its expected per-match payoff, plus its share of incidents in matches it
    is not in (``external_cost_per_defection`` per defection). Scripted labs fix the actions, so
    only audits and incidents are random; the tolerance is 5 standard errors of the mean of the
    per-round differences (exact equality when nothing is random)."""
    rng = np.random.default_rng(zlib.crc32(repr((kinds, borne_by, n_labs, profile)).encode()))
    interventions = [{"type": kind, **SETTINGS[kind](rng)} for kind in kinds]
    incidents = {"probability": rng.uniform(0.1, 0.6), "cost": rng.uniform(1, 6), "borne_by": borne_by}
    scripts = [PROFILES[profile](i) for i in range(n_labs)]
    with scripted_strategy():
        labs = [{"name": f"L{i}", "strategy": {"type": "scripted", "moves": moves},
                 "perceived": {"advantage": 7}} for i, moves in enumerate(scripts)]
        scenario = scenario_with(interventions, incidents, labs, observability=0.5, rounds=ROUNDS)
        model = LabModel(scenario, rng=np.random.default_rng(7))
        for _ in range(ROUNDS):
            model.step()
    table = np.stack([lab.payoffs.matrix() for lab in expand_labs(scenario)])
    game = expected_game(scenario, table, table)
    realised = model.datacollector.get_agent_vars_dataframe()["payoff"].unstack().to_numpy()
    predicted = np.zeros_like(realised)
    for t in range(ROUNDS):
        acts = [MOVE[s[t % len(s)]] for s in scripts]
        for i in range(n_labs):
            own = sum(game.true[i, acts[i], acts[j]] for j in range(n_labs) if j != i)
            elsewhere = sum(acts[j] + acts[k] for j, k in itertools.combinations(range(n_labs), 2)
                            if i not in (j, k))
            predicted[t, i] = own - game.external_cost_per_defection * elsewhere
    difference = realised - predicted
    tolerance = 5 * difference.std(axis=0, ddof=1) / np.sqrt(ROUNDS) + 1e-9
    assert np.all(np.abs(difference.mean(axis=0)) <= tolerance)
    # The one-shot policy view reports the same game for the first pair of labs.
    reported = analyse_with_policies(scenario)["policy"]["baseline"]
    assert np.allclose(reported["payoff_matrices"]["row"], game.true[0])
    assert reported["external_incident_cost_per_defection"] == pytest.approx(game.external_cost_per_defection)


# --------------------------------------------------------------------------- no-ops


def test_interventions_that_cannot_act_are_warned_about_and_left_out_of_the_policy_game():
    text = """name: no-ops
game: {shared_upside: 3, advantage: 5, exposure: 1, shared_downside: 0.5}
dynamics: {rounds: 20, observability: 1}
interventions:
  - {type: transparency, observability: 0.9}
  - {type: audit_and_fine, start: 25, detection_probability: 0.5, fine: 4}
"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scenario = loads_scenario(text, "noop.yaml")
    messages = sorted(str(w.message) for w in caught if issubclass(w.category, ScenarioWarning))
    assert messages == [
        "noop.yaml, line 5: field 'interventions[0]': this intervention does nothing: its "
        "observability 0.9 is not above dynamics.observability 1, so labs see no more than without it",
        "noop.yaml, line 6: field 'interventions[1]': this intervention does nothing: its window "
        "opens at round 25, but the run has only 20 rounds",
    ]
    policy = analyse_with_policies(scenario)["policy"]["baseline"]
    assert policy["payoff_matrices"]["row"] == [[3, -1], [5, -0.5]]  # the audit never acts


# --------------------------------------------------------------------------- one class, one line


class HalveTemptation(Intervention):
    """Test-only: cuts every lab's T by ``share`` of itself."""

    paper_strategy = 4
    levers = ("share",)

    class Spec(InterventionBase):
        """Cuts the temptation payoff."""

        share: float = Field(0.5, ge=0, le=1, description="Share of T removed.")

    def apply(self, rules: RoundRules) -> None:
        rules.true = rules.true.copy()
        rules.true[:, 1, 0] *= 1 - self.spec.share
        rules.perceived = rules.true.copy()


class CopyCat(Strategy):
    """Test-only: cooperates in even rounds."""

    short_name = "CC"
    meaning = "cooperates in even rounds"
    colour = "#111111"

    class Spec(Strict):
        """Cooperates in even rounds."""

    def decide(self, entries, engine, uniform):
        return np.full(entries.me.shape, engine.round % 2, dtype=np.int8)


def test_a_new_intervention_and_strategy_are_one_class_plus_one_line():
    with registered(INTERVENTIONS, "halve_temptation", HalveTemptation), \
            registered(STRATEGIES, "copy_cat", CopyCat):
        schema = json_schema()
        assert "HalveTemptation" in schema["$defs"] and "CopyCat" in schema["$defs"]
        scenario = scenario_with(
            [{"type": "halve_temptation", "share": 0.5}],
            labs=[{"name": "A", "strategy": {"type": "copy_cat"}}, {"name": "B"}],
            rounds=4,
        )
        assert expected_rstp(scenario) == pytest.approx([3, -1, 2.5, -0.5])  # T = 5 / 2
        model = LabModel(scenario, rng=np.random.default_rng(0))
        for _ in range(4):
            model.step()
        cooperation = model.datacollector.get_agent_vars_dataframe()["cooperation"].unstack()
        assert cooperation.iloc[:, 0].tolist() == [1, 0, 1, 0]
        assert model.rules.true[0, 1, 0] == 2.5
        assert "interventions[0].share" in {lever.path for lever in sa.levers(scenario, 0.5)}
    with pytest.raises(Exception):
        scenario_with([{"type": "halve_temptation"}])  # gone again when unregistered


# --------------------------------------------------------------------------- sensitivity levers


def test_sensitivity_varies_what_the_labs_play_and_the_levers_inside_variants():
    text = """name: levers
game: {trust: 0.7, shared_upside: 4, advantage: 3, exposure: 2, shared_downside: 1}
labs: [{name: Frontier, advantage: 6}, {name: Newcomer, advantage: 2}]
variants:
  baseline: {}
  audits: {interventions: [{type: audit_and_fine, detection_probability: 0.5, fine: 6}]}
"""
    paths = {lever.path for lever in sa.levers(loads_scenario(text), 0.5)}
    assert "game.advantage" not in paths  # every lab overrides it: varying it changes nothing
    assert {"labs[0].advantage", "labs[1].advantage", "game.exposure"} <= paths
    assert {"variants.audits.interventions[0].detection_probability",
            "variants.audits.interventions[0].fine"} <= paths
