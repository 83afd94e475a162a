"""Every analysis on every model: sweeps over race-model fields, and the choice strategies
(punishing, rewarding, committing) in `coopsim evolve`."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.analyses.evolution import evolve
from coopsim.games import game_model
from coopsim.scenario.loading import ScenarioError, loads_scenario
from coopsim.sweep.plan import build_plan
from coopsim.sweep.task import run_task

DSAIR = """
name: dsair sweep
seed: 3
game: {model: dsair, b: 4, c: 1, s: 1.5, B: 10000, W: 100, p_r: 0.6, p_fo: 0}
evolution: {population: 100, selection_intensity: 0.01}
"""


def _sweep(scenario, parameters):
    plan = build_plan(scenario, "s.yaml", parameters)
    return plan, [run_task(task, scenario.seed) for task in plan.tasks]


def test_a_dsair_sweep_over_p_r_crosses_the_thresholds_where_evolve_says():
    scenario = loads_scenario(DSAIR)
    thresholds = evolve(scenario)["thresholds"]
    preferred_at = thresholds["collective_preference"]["exact"]
    selected_at = thresholds["as_risk_dominance"]["exact"]
    assert 0 < preferred_at < selected_at < 1
    grid = [round(x, 3) for x in np.linspace(0, 1, 41)]
    plan, rows = _sweep(scenario, {"game.p_r": grid})
    assert plan.exact and plan.replicates == 1 and len(rows) == len(grid)
    zones = [row["zone"] for row in rows]
    # The paper's zones: innovation below the preference threshold, the dilemma between the two,
    # compliance above the risk-dominance threshold (both strict).
    expected = ["compliance" if p > selected_at else "dilemma" if p > preferred_at else "innovation"
                for p in grid]
    assert zones == expected
    changes = [grid[i + 1] for i in range(len(grid) - 1) if zones[i] != zones[i + 1]]
    assert len(changes) == 2  # both thresholds crossed, each exactly once
    for row in rows:
        assert row["collective_preference_threshold"] == pytest.approx(preferred_at, abs=1e-12)
        assert row["as_risk_dominance_threshold"] == pytest.approx(selected_at, abs=1e-12)
    # Safe play takes over once AS risk-dominates AU (selection favours it at Z = 100).
    safe = [row["stationary_safe_play"] for row in rows]
    assert all(s > 0.5 for s, p in zip(safe, grid) if p > selected_at + 0.05)
    assert all(s < 0.5 for s, p in zip(safe, grid) if p < selected_at - 0.05)


def _precipice_by_hand(n: int, mu: float, e: float, information: str) -> float:
    """Armstrong, Bostrom & Shulman's equilibrium rules, integrated by hand (see the README)."""
    if information == "none":
        return 1 - min(mu / (e * n), 1)
    if information == "private":
        k = e * n - e + 1
        return 1 - (mu / k) * n / (n + 1) if mu <= k else (k / mu) ** n / (n + 1)
    r = min(e / mu, 1)
    return 1 - mu / (e * (n + 1)) * (1 - (1 - r) ** (n + 1))


@pytest.mark.parametrize("information", ["none", "private", "public"])
def test_a_precipice_sweep_over_mu_matches_the_closed_form_at_every_point(information):
    scenario = loads_scenario(
        f"name: p\nseed: 5\ngame: {{model: precipice, teams: 3, mu: 1, enmity: 0.7, "
        f"information: {information}}}\n")
    grid = [0.2, 0.5, 1.0, 1.5, 2.1, 2.4, 3.0, 5.0]
    plan, rows = _sweep(scenario, {"game.mu": grid})
    assert [row["game.mu"] for row in rows] == grid
    for row in rows:
        mu = row["game.mu"]
        assert row["disaster_probability"] == pytest.approx(_precipice_by_hand(3, mu, 0.7, information), abs=1e-12)
        for other in ("none", "private", "public"):
            assert row[f"disaster_probability_{other}_information"] == pytest.approx(
                _precipice_by_hand(3, mu, 0.7, other), abs=1e-12)


def test_bad_sweep_fields_of_a_race_model_name_the_field():
    scenario = loads_scenario(DSAIR)
    with pytest.raises(ScenarioError) as info:
        build_plan(scenario, "s.yaml", {"game.s": [0.5, 2]})
    assert info.value.field == "game.s"
    with pytest.raises(ScenarioError) as info:
        build_plan(scenario, "s.yaml", {"game.speed": [2]})
    assert "game.speed" in str(info.value)


# --------------------------------------------------------------------------- choice strategies

FIVE = """
name: choices
seed: 1
game: {shared_upside: 3, exposure: 2, advantage: 5, shared_downside: 1}
labs: [{name: A, count: 2, strategy: {type: always_cooperate}}]
evolution: {population: 50, selection_intensity: 0.5, rounds: 10, strategies: %s}
interventions: %s
"""
SANCTIONS = ("[{type: peer_punishment, cost: 1, fine: 4}, "
             "{type: voluntary_commitment, pledge_cost: 0.5, sanction: 3}]")


def test_choice_strategies_payoff_matrix_by_hand_in_the_repeated_game():
    # R = 3, S = -2, T = 5, P = -1 over W = 10 rounds, every move seen (observability 1).
    # Punishment: cost c = 1 to the punisher, fine F = 4 to the punished, per unsafe move seen.
    # Pledge: e = 0.5 per round for a pledged lab, sanction 3 per unsafe move of a pledged lab.
    result = evolve(loads_scenario(FIVE % ("[AllC, AllD, TFT, PS, COM, FC, CP]", SANCTIONS)))
    names = result["strategies"]
    M = dict(((x, y), result["payoff_matrix"][i][j]) for i, x in enumerate(names) for j, y in enumerate(names))
    R, S, T, P, W = 3, -2, 5, -1, 10
    expected = {
        ("AllC", "AllD"): S,  # PS is listed: AllC no longer punishes
        ("AllD", "AllC"): T,
        ("PS", "AllD"): S - 1,
        ("AllD", "PS"): T - 4,
        ("PS", "TFT"): R,
        ("TFT", "AllD"): (S + (W - 1) * P) / W,
        ("COM", "COM"): R - 0.5,
        ("COM", "AllD"): S - 0.5,
        ("CP", "COM"): R,  # CP trusts the pledge
        ("COM", "CP"): R - 0.5,
        ("CP", "AllC"): T,  # ... and exploits labs that did not pledge
        ("CP", "CP"): P,
        ("FC", "CP"): T - 0.5 - 3,  # the fake committer is seen defecting: sanctioned
        ("CP", "FC"): S,
        ("FC", "TFT"): (T + (W - 1) * P) / W - 0.5 - 3,
        ("FC", "PS"): T - 4 - 0.5 - 3,  # punished and sanctioned
        ("PS", "FC"): S - 1,
    }
    for pair, value in expected.items():
        assert M[pair] == pytest.approx(value), pair
    assert result["strategy_meanings"]["PS"].startswith("always safe")


def test_choice_strategies_payoff_matrix_by_hand_in_the_dsair_race():
    # Eq. 1 with b = 4, c = 1, s = 1.5, p_fo = 0: pi12 = -1 + 4/2.5 = 0.6; pi21 = 1.5 * 4/2.5 = 2.4.
    text = DSAIR.replace("evolution: {", "evolution: {strategies: [AS, AU, CS, PS], ") + (
        "interventions: [{type: peer_punishment, cost: 1, fine: 40}]\n")
    result = evolve(loads_scenario(text))
    M = np.array(result["payoff_matrix"])
    AS, AU, CS, PS = range(4)
    assert M[AS, AU] == pytest.approx(0.6)  # AS no longer punishes
    assert M[PS, AU] == pytest.approx(0.6 - 1)
    # AU against PS: (1 - p_r)(s B/W + pi21) = 0.4 * (150 + 2.4), minus the fine every round.
    assert M[AU, PS] == pytest.approx(0.4 * 152.4 - 40)
    assert M[PS, PS] == pytest.approx(10000 / 200 + 1)  # B/(2W) + pi11, nobody punished
    # Without PS listed every safe lab punishes, as in the agent-based model; CS is safe in
    # the first of W/s = 66.7 rounds against AU, so it pays and inflicts a share s/W of the time.
    everyone = evolve(loads_scenario(text.replace(", PS]", "]")))
    E = np.array(everyone["payoff_matrix"])
    assert E[AS, AU] == pytest.approx(0.6 - 1)
    assert E[AU, CS] == pytest.approx(M[AU, CS] - 40 * 1.5 / 100)
    assert E[CS, AU] == pytest.approx(M[CS, AU] - 1 * 1.5 / 100)


def _safe_play(text: str) -> float:
    return evolve(loads_scenario(text))["stationary_safe_play"]


def test_a_larger_fine_makes_punishers_and_safe_play_spread():
    # A prisoner's dilemma: without sanctions defection takes over.
    strategies = "[AllC, AllD, TFT, PS]"
    shares = [_safe_play(FIVE % (strategies, f"[{{type: peer_punishment, cost: 1, fine: {fine}}}]"))
              for fine in (0, 2, 4)]
    assert shares[0] < shares[1] < shares[2]


def test_a_larger_pledge_sanction_drives_out_fake_committers():
    strategies = "[AllC, AllD, COM, FC, CP]"
    results = [evolve(loads_scenario(FIVE % (strategies, f"[{{type: voluntary_commitment, "
                                             f"pledge_cost: 0.5, sanction: {sanction}}}]")))
               for sanction in (0, 2, 4)]
    fakes = [r["stationary"]["FC"] for r in results]
    safe = [r["stationary_safe_play"] for r in results]
    assert fakes[0] > fakes[1] > fakes[2]
    assert safe[0] < safe[1] < safe[2]


def test_punishment_in_the_dsair_dilemma_moves_the_race_to_safety():
    base = DSAIR.replace("evolution: {", "evolution: {strategies: [AS, AU, PS], ")
    shares = [_safe_play(base + f"interventions: [{{type: peer_punishment, cost: 1, fine: {fine}}}]\n")
              for fine in (0, 40, 80)]
    assert shares[0] < 0.01 and shares[0] < shares[1] < shares[2]


def test_choice_strategies_need_the_intervention_that_offers_the_choice():
    with pytest.raises(ScenarioError) as info:
        evolve(loads_scenario(FIVE % ("[AllC, PS]", "[]")))
    assert info.value.field == "evolution.strategies" and "PS" in str(info.value)


def test_every_model_declares_what_it_measures():
    for text in (DSAIR, FIVE % ("[AllC, AllD]", "[]"),
                 "name: p\ngame: {model: precipice, teams: 2, mu: 1, enmity: 1, information: none}\n"):
        model = game_model(loads_scenario(text))
        assert model.provides("measure") and model.provides("phase")
        assert any(m.ranked for m in model.measures)


def test_sanctions_in_evolve_happen_only_when_the_move_is_seen():
    # Observability 0.5: a punisher sees an unsafe move half the time, so it pays 0.5 x 1 and
    # inflicts 0.5 x 4 per round in expectation, as the agent-based model's draws do.
    text = (FIVE % ("[AllC, AllD, PS]", "[{type: peer_punishment, cost: 1, fine: 4}]")
            + "dynamics: {observability: 0.5}\n")
    result = evolve(loads_scenario(text))
    M = np.array(result["payoff_matrix"])
    assert M[2, 1] == pytest.approx(-2 - 0.5) and M[1, 2] == pytest.approx(5 - 2.0)


def test_sensitivity_of_a_dsair_race_ranks_disaster_risk_first():
    from coopsim.analyses import sensitivity as sa
    from coopsim.sweep.plan import plan_points

    scenario = loads_scenario(DSAIR)
    chosen = sa.levers(scenario, 0.5)
    by_path = {lever.path: lever for lever in chosen}
    assert by_path["game.N"].whole and (by_path["game.N"].low, by_path["game.N"].high) == (2, 3)
    assert by_path["game.s"].low == pytest.approx(1.25)  # halfway to the exclusive bound s > 1
    ranked = sa.metrics(scenario)
    plan = plan_points(scenario, "s.yaml", {lever.path: [] for lever in chosen},
                       sa.one_at_a_time_points(chosen), 5)
    assert plan.replicates == 1
    import pandas as pd

    table = sa.one_at_a_time_table(chosen, pd.DataFrame([run_task(t, scenario.seed) for t in plan.tasks]), ranked,
                                   sa.metric_bounds(scenario), plan.exact)
    top = table.iloc[0]
    assert top["stationary_safe_play_effect_interval"] == sa.EXACT  # exact measures have no interval
    # p_r 0.3 -> 0.9 crosses both thresholds (0.34 and 0.78): from unsafe play to safe play.
    assert top["parameter"] == "game.p_r"
    assert top["stationary_safe_play_at_low"] < 0.01 and top["stationary_safe_play_at_high"] > 0.99


def test_a_lever_that_would_break_the_scenario_is_left_out_with_its_reason():
    from coopsim.analyses import sensitivity as sa

    text = DSAIR.replace("evolution: {", "evolution: {strategies: [AS, AU, CS], ")
    with pytest.raises(ScenarioError, match="only AS and AU are defined for races of N > 2"):
        loads_scenario(text.replace("p_fo: 0}", "p_fo: 0, N: 3}"))
    left_out: list = []
    paths = [lever.path for lever in sa.levers(loads_scenario(text), 0.5, left_out)]
    assert "game.N" not in paths and "game.p_r" in paths
    assert left_out[0][0] == "game.N" and "CS is not" in left_out[0][1]


@pytest.mark.parametrize("s, W, p_fo", [(1.5, 100, 0.0), (2.0, 7.0, 0.3), (3.0, 3.0, 1.0)])
def test_race_move_shares_weight_eq_1_into_eq_2(s, W, p_fo):
    # Without prize, disaster or collective risk, Eq. 2 is Eq. 1 averaged over the race's
    # rounds: the move-profile shares that price sanctions in evolve must give exactly that.
    from coopsim.theory import dsair

    p = dsair.DsairParams(b=4, c=1, s=s, B=0, W=W, p_r=0, p_fo=p_fo)
    shares = dsair.race_profiles(p)
    np.testing.assert_allclose(shares.sum(axis=(2, 3)), 1.0)
    np.testing.assert_allclose(np.einsum("xyab,ab->xy", shares, dsair.per_round_table(p)),
                               dsair.race_payoff_matrix(p))


def test_peer_rewarders_pay_to_reward_safe_partners_by_hand():
    # Peer reward: a safe lab that sees its partner play safe pays c = 1 to give it r = 2.
    text = FIVE % ("[AllC, AllD, RS]", "[{type: reward, budget: peer, amount: 2, cost: 1}]")
    result = evolve(loads_scenario(text))
    M = np.array(result["payoff_matrix"])
    AllC, AllD, RS = range(3)
    assert M[RS, RS] == pytest.approx(3 + 2 - 1)
    assert M[AllC, RS] == pytest.approx(3 + 2) and M[RS, AllC] == pytest.approx(3 - 1)
    assert M[AllC, AllC] == pytest.approx(3)  # only rewarders reward once RS is listed
    assert M[RS, AllD] == pytest.approx(-2) and M[AllD, RS] == pytest.approx(5)
    # A public reward is nobody's choice: RS is not offered.
    with pytest.raises(ScenarioError, match="'reward' choice"):
        evolve(loads_scenario(FIVE % ("[AllC, RS]", "[{type: reward, amount: 2}]")))


def test_the_dsair_phase_diagram_matches_pointwise_zones_and_the_thresholds():
    from dataclasses import replace

    from coopsim.analyses.phase import Axis
    from coopsim.analyses.race_phase import dsair_phase
    from coopsim.games.dsair import dsair_params
    from coopsim.theory import dsair

    scenario = loads_scenario(DSAIR)
    p = dsair_params(scenario)
    s_values, p_r_values = np.linspace(1.1, 4.0, 7), np.linspace(0.0, 1.0, 41)
    table = dsair_phase(scenario, Axis("game.s", s_values), Axis("game.p_r", p_r_values))
    assert len(table) == len(s_values) * len(p_r_values)
    for row in table.itertuples(index=False):
        s, p_r = row[0], row[1]
        cell = replace(p, s=s, p_r=p_r)
        assert row.zone == dsair.zone(cell)
        preferred = p_r > dsair.collective_preference_threshold(cell)
        selected = p_r > dsair.as_risk_dominance_threshold(cell)
        assert row.safety_collectively_preferred == preferred and row.as_risk_dominant == selected
    assert {"innovation", "dilemma", "compliance"} <= set(table["zone"])
    with pytest.raises(ScenarioError) as info:
        dsair_phase(scenario, Axis("game.N", np.array([2.0, 3.0])), Axis("game.p_r", p_r_values))
    assert info.value.field == "game.N"


def test_sweep_findings_follow_the_models_share_and_name_variants_the_sweep_cannot_move():
    """Findings of a DSAIR sweep follow safe play (the model's first ranked share) and cross 50%
    between the grid values around evolve's AS risk-dominance threshold (0.775 here); a variant
    that sets the swept p_r itself gets a caveat instead of a finding."""
    from coopsim.analyses.sweep_findings import lead_measures, sweep_findings
    from coopsim.sweep.results import aggregate, sweep_table

    scenario = loads_scenario(DSAIR + "variants:\n  swept: {game: {p_fo: 0}}\n  fixed_risk: {game: {p_r: 0.9}}\n")
    selected_at = evolve(scenario)["thresholds"]["as_risk_dominance"]["exact"]
    plan, rows = _sweep(scenario, {"game.p_r": [0.0, 0.5, 1.0]})
    summary = aggregate(sweep_table(plan, rows), ["game.p_r"], plan.measures, plan.exact)
    lead, peak = lead_measures(plan.measures)
    assert (lead, peak) == ("stationary_safe_play", "average_payoff")
    findings = sweep_findings(scenario, summary, ["game.p_r"], len(rows), len(rows), lead, peak)
    texts = [f.text for f in findings]
    assert 0.5 < selected_at < 1.0
    crossing = [t for t in texts if "crosses 50% between" in t]
    assert len(crossing) == 1 and "share of safe play" in crossing[0] and "0.5 and 1" in crossing[0]
    plan, rows = _sweep(scenario, {"game.p_r": [0.0, 0.1]})  # safe play 0 at both ends
    summary = aggregate(sweep_table(plan, rows), ["game.p_r"], plan.measures, plan.exact)
    flat = sweep_findings(scenario, summary, ["game.p_r"], len(rows), len(rows), lead, peak)[0].text
    assert flat.startswith("In swept, share of safe play is 0.0% at")
    assert "intervals overlap" not in flat  # exact values have no intervals
    assert not any(t.startswith("In fixed risk") for t in texts)
    caveats = [f.text for f in findings if f.caveat]
    assert any(t.startswith("Fixed risk sets its own") and "same at every grid point" in t for t in caveats)


def test_sensitivity_findings_read_a_share_in_percent_and_round_off_moves_as_none():
    """A stationary share that a parameter moves by 1e-14 is not 'moved most' by it: below 0.1
    percentage points the finding says no parameter moves it; a real move is read in percent."""
    import pandas as pd

    from coopsim.analyses.sensitivity_findings import LABEL, oat_findings, oat_headline

    def row(variant, label, low, high):
        return {"variant": variant, "parameter": "game.B", LABEL: label, "low_value": 5000.0,
                "high_value": 15000.0, "stationary_safe_play_at_low": low,
                "stationary_safe_play_at_high": high, "stationary_safe_play_effect": high - low}

    table = pd.DataFrame([row("flat", "Prize", 1e-14, 7e-43), row("moving", "Prize", 0.2, 0.75)])
    texts = [f.text for f in oat_findings(table, ("stationary_safe_play",), "sensitivity-oat")]
    assert texts[0] == ("In flat, no parameter moves share of safe play by as much as 0.1 percentage "
                        "points within the ranges tried.")
    assert "from 20.0% at prize 5,000 to 75.0% at 15,000" in texts[1]
    # The chart's title names the largest move in any variant, not the first variant's.
    assert oat_headline(table, "stationary_safe_play") == "Prize moves share of safe play most (in moving)"
    assert oat_headline(table.iloc[:1], "stationary_safe_play") == (
        "No parameter moves share of safe play within the ranges tried")


def _summary(values, variant="v", parameter="game.mu", interval="none (exact: computed once per grid point)"):
    import pandas as pd

    return pd.DataFrame({"point": range(len(values)), parameter: [0.5 * (k + 1) for k in range(len(values))],
                         "variant": variant, "replicates": 1, "disaster_probability_mean": values,
                         "disaster_probability_low": values, "disaster_probability_high": values,
                         "disaster_probability_interval": interval})


def test_sweep_findings_say_where_a_share_is_exactly_one_half_and_never_claim_a_side_it_leaves():
    """Hand-built exact summaries: a share that falls through exactly 50% is said to be 50% there
    (not 'stays above'); a share that never reaches 50% stays below; a flat one is the same at every
    grid point; a simulated single replicate gets a caveat (no interval)."""
    from coopsim.analyses.sweep_findings import sweep_findings, sweep_headline

    scenario = loads_scenario("name: p\nseed: 1\ngame: {model: precipice, teams: 2, mu: 1.5, enmity: 1, information: private}\n")
    lead = "disaster_probability"
    falls = sweep_findings(scenario, _summary([0.8, 0.5, 0.2]), ["game.mu"], 3, 3, lead, None)[0].text
    assert "falls from 80.0%" in falls and "exactly 50% at" in falls and "1" in falls
    assert "stays" not in falls
    below = sweep_findings(scenario, _summary([0.4, 0.3]), ["game.mu"], 2, 2, lead, None)[0].text
    assert below.endswith("it stays below 50% over the whole range.")
    flat = _summary([0.25, 0.25])
    assert sweep_headline(flat, ["game.mu"], lead, {"game.mu": "mu"}, lead).endswith("is 25.0% at every grid point")
    noisy = sweep_findings(scenario, _summary([0.8, 0.2], interval="BCa bootstrap"), ["game.mu"], 2, 2, lead, None)
    assert any(f.caveat and f.text.startswith("One replicate per grid point") for f in noisy)
    exact = sweep_findings(scenario, _summary([0.8, 0.2]), ["game.mu"], 2, 2, lead, None)
    assert not any(f.text.startswith("One replicate") for f in exact)


def test_sobol_indices_of_an_output_that_does_not_move_are_no_finding():
    """A stationary share that varies by 1e-14 over the whole Sobol sample gives indices with
    absurd intervals: the findings say it hardly moves instead of ranking them, and the chart's
    title follows the first variant whose output moves."""
    import pandas as pd

    from coopsim.analyses.sensitivity_findings import LABEL, sobol_findings, sobol_headline

    def row(variant, label, st, spread):
        return {"variant": variant, "metric": "stationary_safe_play", "parameter": "game.s", LABEL: label,
                "S1": st / 2, "S1_low": 0.0, "S1_high": st, "ST": st, "ST_low": st - 0.1,
                "ST_high": st + 0.1, "output_range": spread}

    table = pd.DataFrame([row("flat", "Speed", 0.7, 1e-14), row("moving", "Speed", 0.9, 0.6)])
    found = sobol_findings(table, "sensitivity-sobol", 32)
    assert found[0].caveat and found[0].text.startswith("In flat, share of safe play hardly moves")
    assert not found[1].caveat and found[1].text.startswith("In moving, speed accounts for")
    assert sobol_headline(table, "stationary_safe_play", 32) == (
        "Speed accounts for most of the variance in share of safe play (in moving)")
    assert sobol_headline(table.iloc[:1], "stationary_safe_play", 32) == (
        "No parameter moves share of safe play over the sample")
