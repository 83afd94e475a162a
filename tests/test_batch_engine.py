"""The batched engine (coopsim.abm.batch) against the Mesa model (coopsim.abm.model.LabModel).

1. Same seed, same run: a run played inside a batch -- among runs of other scenarios with other
   numbers -- gives the Mesa model's tables value for value, for every strategy and intervention
   type, with trembles, partial observability and incidents, on round robin, random pairs with
   an odd number of labs, a network and targeted interventions.
2. Grouping: a run's results do not depend on which runs share its batch or their order.
3. Same distribution: on *independent* seeds, 200 batched replicates (interleaved with 200 runs
   of a decoy scenario with other numbers) and 200 Mesa runs give indistinguishable
   distributions of long-run cooperation, cumulative incidents and welfare. Test: two-sample
   Kolmogorov-Smirnov per scenario and measure, family-wise level 0.001 with a Bonferroni
   correction (each of the m comparisons at 0.001 / m).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import ks_2samp

from coopsim.abm.batch import run_batch
from coopsim.abm.runner import long_run_rounds, records_tables, simulate_one
from coopsim.policy import INTERVENTIONS
from coopsim.abm.strategies import STRATEGIES
from tests.abm_scenarios import STAG_HUNT, make_scenario

ALL_STRATEGIES = [
    {"type": "trust_best_response", "prior_strength": 3},
    {"type": "tit_for_tat"},
    {"type": "grim_trigger"},
    {"type": "reinforcement", "exploration": 0.1},
    {"type": "imitation", "initial_cooperation": 0.6},
    {"type": "always_cooperate"},
    {"type": "always_defect"},
]
INTERVENTION_SPECS = {
    "audit_and_fine": {"detection_probability": 0.5, "fine": 3},
    "safety_subsidy": {"amount": 1},
    "joint_research": {"upside_increase": 1, "exposure_reduction": 1},
    "transparency": {"observability": 0.9},
    "accurate_beliefs": {"rate": 0.2},
    "liability": {},
    "peer_punishment": {"cost": 0.5, "fine": 2},
    "reward": {"amount": 1},
    "voluntary_commitment": {"pledge_cost": 0.2, "sanction": 4},
}
ROUNDS = 30


def busy_scenario(intervention: str, *, tremble=0.05, probability=0.1, observability=0.7,
                  matching="random_pairs", scale=1.0, **extra):
    """Seven labs, one per strategy, with trembles, partial observability, incidents and one
    intervention acting from round 5 (``scale`` multiplies its amounts)."""
    spec = {"type": intervention, "start": 5,
            **{k: v * scale if k != "observability" else v for k, v in INTERVENTION_SPECS[intervention].items()},
            **extra}
    labs = [(strategy, 1, {"trust": 0.3 + 0.1 * k, "perceived": {"advantage": 6}})
            for k, strategy in enumerate(ALL_STRATEGIES)]
    return make_scenario(labs, game=STAG_HUNT, interventions=[spec], rounds=ROUNDS, matching=matching,
                         tremble=tremble, observability=observability,
                         incidents={"probability": probability, "cost": 4, "borne_by": "all"})


def decoy(intervention: str, **extra):
    """The same shape with other numbers: more trembles and incidents, larger amounts."""
    return busy_scenario(intervention, tremble=0.2, probability=0.3, observability=0.4, scale=2.0, **extra)


def test_the_catalogue_covers_every_strategy_and_intervention():
    assert {s["type"] for s in ALL_STRATEGIES} == set(STRATEGIES)
    assert set(INTERVENTION_SPECS) == set(INTERVENTIONS)


CASES = [(name, {}) for name in INTERVENTION_SPECS] + [
    ("audit_and_fine", {"matching": "round_robin"}),
    ("audit_and_fine", {"targets": {"labs": ["Kind 0", "Kind 3"]}}),
    ("reward", {"budget": "peer", "cost": 0.5}),
]


def _split(options: dict) -> tuple[dict, dict]:
    scenario_options = {k: options[k] for k in ("matching",) if k in options}
    return scenario_options, {k: v for k, v in options.items() if k not in scenario_options}


@pytest.mark.parametrize("intervention, options", CASES)
def test_a_batched_run_is_the_mesa_run_value_for_value(intervention, options):
    scenario_options, extra = _split(options)
    target = busy_scenario(intervention, **scenario_options, **extra)
    other = decoy(intervention, **scenario_options, **extra)
    # runs of two scenarios of one shape (other numbers) interleaved in one engine
    runs = [(scenario, np.random.SeedSequence([9, r])) for r in range(3) for scenario in (other, target)]
    records = run_batch([s for s, _ in runs], [seed for _, seed in runs])
    for replicate, ((scenario, seed), record) in enumerate(zip(runs, records)):
        mesa = simulate_one(scenario, "v", replicate, seed)
        batched = records_tables(scenario, "v", replicate, record)
        pd.testing.assert_frame_equal(mesa.rounds, batched.rounds, check_exact=True)
        pd.testing.assert_frame_equal(mesa.labs, batched.labs, check_exact=True)


def test_a_network_run_is_the_mesa_run_value_for_value():
    labs = [(strategy, 2, {"trust": 0.6}) for strategy in ALL_STRATEGIES]
    network = {"type": "small_world", "degree": 4, "rewiring": 0.3}
    target = make_scenario(labs, rounds=ROUNDS, network=network, tremble=0.05, observability=0.6,
                           incidents={"probability": 0.1, "cost": 4, "borne_by": "defector"},
                           interventions=[{"type": "safety_subsidy", "amount": 1,
                                           "targets": {"highest_degree": 3}}])
    seeds = [np.random.SeedSequence([3, r]) for r in range(2)]
    records = run_batch([target, target], seeds)
    for replicate, seed in enumerate(seeds):
        mesa = simulate_one(target, "v", replicate, seed)
        batched = records_tables(target, "v", replicate, records[replicate])
        pd.testing.assert_frame_equal(mesa.rounds, batched.rounds, check_exact=True)
        pd.testing.assert_frame_equal(mesa.labs, batched.labs, check_exact=True)


def test_results_do_not_depend_on_how_runs_are_grouped():
    runs = [(busy_scenario("peer_punishment"), 1), (decoy("peer_punishment"), 2),
            (busy_scenario("reward", matching="round_robin"), 3), (busy_scenario("peer_punishment"), 4)]
    together = run_batch([s for s, _ in runs], [seed for _, seed in runs], labs=False)
    reversed_ = run_batch([s for s, _ in runs[::-1]], [seed for _, seed in runs[::-1]], labs=False)[::-1]
    alone = [run_batch([s], [seed], labs=False)[0] for s, seed in runs]
    for a, b, c in zip(together, reversed_, alone):
        for name, values in a.model.items():
            assert np.array_equal(values, b.model[name]) and np.array_equal(values, c.model[name]), name
    assert not np.array_equal(together[0].model["welfare"], together[3].model["welfare"])


@pytest.mark.parametrize("matching", ["random_pairs", "round_robin"])
def test_results_do_not_depend_on_how_far_ahead_uniforms_are_drawn(monkeypatch, matching):
    # blocks of one round's uniforms, and the whole run's at once, against the default blocks:
    # a generator's uniforms are the same however the draws are split
    import coopsim.abm.engine as engine

    scenario = busy_scenario("peer_punishment", matching=matching)
    seeds = [np.random.SeedSequence([4, r]) for r in range(3)]

    def tables():
        alone = simulate_one(scenario, "v", 0, seeds[0])
        batched = run_batch([scenario] * 3, seeds)
        return alone, [records_tables(scenario, "v", r, record) for r, record in enumerate(batched)]

    default_alone, default_batched = tables()
    for per_run in (1, 1 << 20):
        monkeypatch.setattr(engine, "UNIFORMS_AHEAD_PER_RUN", per_run)
        alone, batched = tables()
        pd.testing.assert_frame_equal(alone.labs, default_alone.labs, check_exact=True)
        for ours, theirs in zip(batched, default_batched):
            pd.testing.assert_frame_equal(ours.rounds, theirs.rounds, check_exact=True)
            pd.testing.assert_frame_equal(ours.labs, theirs.labs, check_exact=True)
    pd.testing.assert_frame_equal(alone.rounds, batched[0].rounds, check_exact=True)


def _measures(runs, fraction: float) -> dict[str, np.ndarray]:
    tail = long_run_rounds(ROUNDS, fraction)
    return {
        "long_run_cooperation": np.array([r["cooperation_rate"][-tail:].mean() for r in runs]),
        "cumulative_incidents": np.array([r["incidents"].sum() for r in runs]),
        "welfare": np.array([r["welfare"].sum() for r in runs]),
    }


STATISTICAL_CASES = list(INTERVENTION_SPECS)
REPLICATES = 200
LEVEL = 0.001 / (len(STATISTICAL_CASES) * 3)  # Bonferroni: family-wise 0.001 over all comparisons


@pytest.mark.parametrize("intervention", STATISTICAL_CASES)
def test_batched_and_mesa_runs_have_the_same_distributions(intervention):
    target, other = busy_scenario(intervention), decoy(intervention)
    scenarios = [s for _ in range(REPLICATES) for s in (other, target)]
    seeds = [np.random.SeedSequence([1, r, k]) for r in range(REPLICATES) for k in range(2)]
    records = run_batch(scenarios, seeds, labs=False)
    batched = [r.model for r in records[1::2]]
    mesa = []
    for r in range(REPLICATES):  # independent seeds: the same distribution, not the same runs
        rounds = simulate_one(target, "v", r, np.random.SeedSequence([2, r])).rounds
        mesa.append({name: rounds[name].to_numpy() for name in ("cooperation_rate", "incidents", "welfare")})
    fraction = target.dynamics.long_run_fraction
    ours, theirs = _measures(batched, fraction), _measures(mesa, fraction)
    for measure in ours:
        assert ks_2samp(ours[measure], theirs[measure]).pvalue > LEVEL, measure
    decoys = _measures([r.model for r in records[::2]], fraction)
    # the test can tell scenarios apart: the decoy's incidents differ (q = 0.3 against 0.1)
    assert ks_2samp(decoys["cumulative_incidents"], theirs["cumulative_incidents"]).pvalue < LEVEL


def test_a_sweep_task_gives_the_same_row_alone_on_mesa_and_in_any_group():
    from coopsim.scenario.loading import loads_scenario
    from coopsim.sweep.plan import build_plan
    from coopsim.sweep.task import run_task, run_tasks

    plan = build_plan(loads_scenario(SWEEP), "s.yaml")
    together = run_tasks(plan.tasks, 11)
    backwards = run_tasks(plan.tasks[::-1], 11)[::-1]
    for task, row, other in zip(plan.tasks, together, backwards):
        assert row == other == run_task(task, 11) == run_tasks([task], 11)[0]
    assert len({row["welfare"] for row in together}) == len(together)


SWEEP = """\
name: sweep test
seed: 5
game: {trust: 0.6, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}
labs:
  - {name: Lab, count: 3, strategy: {type: reinforcement}}
  - {name: Copier, count: 2, strategy: {type: imitation}}
dynamics: {rounds: 25, replicates: 3, tremble: 0.05, matching: random_pairs, observability: 0.5,
           incidents: {probability: 0.1, cost: 3}}
interventions: [{type: peer_punishment, cost: 0.5, fine: 2, start: 4}]
sweep:
  parameters: {game.trust: [0.3, 0.8], "interventions[0].fine": [1, 3]}
"""
