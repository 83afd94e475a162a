"""Caveats of `coopsim run`'s findings: each one appears when, and only when, the results call for it."""

from __future__ import annotations

import pandas as pd
import pytest

from coopsim.analyses.findings import run_findings
from coopsim.analyses.findings_caveats import _unsettled
from coopsim.analyses.run import run
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT
from tests.test_lab_by_lab import THREE_LABS


def caveats(result) -> list[str]:
    return [f.text for f in run_findings(result) if f.caveat]


def scenario(name: str, **overrides):
    return with_overrides(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), overrides)


def test_a_policy_window_that_never_opens():
    result = run(scenario("prisoners-dilemma-race", **{"dynamics.rounds": 25, "dynamics.replicates": 2}))
    assert any("In audits and fines, the audit and fine intervention does nothing: its window opens at "
               "round 30, but the run has only 25 rounds" in text for text in caveats(result))
    result = run(scenario("prisoners-dilemma-race", **{"dynamics.rounds": 40, "dynamics.replicates": 2}))
    assert not any("does nothing" in text for text in caveats(result))


def test_identical_replicates_and_a_run_that_has_not_settled():
    """frontier-vs-newcomer is deterministic and keeps swinging (no period in its last 25 rounds);
    the assurance game settles at once (period 1)."""
    result = run(scenario("frontier-vs-newcomer"))
    summary = result.summary.iloc[0]
    assert summary["deterministic"] and pd.isna(summary["long_run_cycle_period"])
    texts = caveats(result)
    assert "Every replicate of baseline is identical (no random element in the scenario): the interval is a single value." in texts
    assert any("the run has not settled: cooperation in its final 25 rounds" in text for text in texts)
    settled = caveats(run(scenario("assurance-trust-decides")))
    assert any("Every replicate of baseline is identical" in text for text in settled)
    assert not any("not settled" in text or "cycle" in text for text in settled)


def test_a_cycle_is_named_with_its_period():
    summary = pd.DataFrame([
        {"variant": "steady", "deterministic": True, "long_run_rounds": 20, "long_run_cycle_period": 1},
        {"variant": "swinging", "deterministic": True, "long_run_rounds": 20, "long_run_cycle_period": 2},
        {"variant": "noisy", "deterministic": False, "long_run_rounds": 20, "long_run_cycle_period": pd.NA},
    ]).set_index("variant")
    texts = [f.text for f in _unsettled(summary)]
    assert texts == ["In swinging, the long run is a cycle of period 2 rounds, not a steady state: "
                     "long-run cooperation is its average."]


def test_a_late_policy_that_meets_eroded_trust():
    """late_joint_research makes the expected game a stag hunt with critical trust 1/3 (hand:
    R 5, S -1.5, T 4, P -1), which the labs' trust of 0.75 clears; but it starts in round 20,
    when trust has already fallen below 1/3, and the labs keep defecting."""
    result = run(scenario("joint-research-changes-the-answer", **{"dynamics.replicates": 4}))
    rounds = result.tables["rounds"]
    trust_at_20 = rounds[(rounds["variant"] == "late_joint_research") & (rounds["round"] == 20)]["mean_trust"].mean()
    assert trust_at_20 < 1 / 3
    text = next(t for t in caveats(result) if t.startswith("In late joint research"))
    assert "cooperating is the best response with the policy in force" in text
    assert f"when its policy starts in round 20 the labs' mean trust is already {trust_at_20:.2g}" in text
    assert "critical trust 0.333" in text
    # joint research from round 0 agrees with its one-shot verdict: no caveat for it.
    assert not any(t.startswith("In joint research,") for t in caveats(result))


def test_a_verdict_overturned_by_trust_that_moved(tmp_path):
    """Under joint research the newcomer (exposure 3 - 0.5) plays R 5, S -2.5, T 4, P -1: critical
    trust 1.5 / 2.5 = 0.6 above its trust of 0.5, so the one-shot game says defect; a departure
    from that is explained by its long-run trust past 0.6, when that is what happened."""
    path = tmp_path / "three.yaml"
    path.write_text(THREE_LABS)
    result = run(load_scenario(path))
    newcomer = next(lab for lab in result.oneshot["policy"]["joint_research"]["labs"] if lab["name"] == "Newcomer")
    assert newcomer["trust_threshold"] == pytest.approx(0.6) and not newcomer["cooperate_is_best_response"]
    row = result.tables["lab_summary"].set_index(["variant", "kind"]).loc[("joint_research", "Newcomer")]
    departures = [t for t in caveats(result) if t.startswith("In joint research, Newcomer departs")]
    assert row["cooperation_mean"] >= 0.5 and row["trust_mean"] > 0.6  # what this seed gives
    assert len(departures) == 1
    assert f"its trust rose to {row['trust_mean']:.2g} in the long run, past its critical trust 0.6" in departures[0]
