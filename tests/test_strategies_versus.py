"""Every deterministic decision rule against scripted partners (expected moves worked out by hand
from each rule's definition in the README)."""

from __future__ import annotations

import pytest

from tests.strategy_harness import versus_test

STAG_HUNT = {"shared_upside": 4, "advantage": 3, "exposure": 3, "shared_downside": 1}


@pytest.mark.parametrize(
    ("strategy", "partner", "expected"),
    [
        ("always_cooperate", "DDDD", "CCCC"),
        ("always_defect", "CCCC", "DDDD"),
        # Tit for tat: C first, then the partner's previous move.
        ("tit_for_tat", "CDDCD", "CCDDC"),
        ("tit_for_tat", "DCDC", "CDCD"),
        # Grim trigger: C until the partner's first D is seen, D ever after.
        ("grim_trigger", "CCDCC", "CCCDD"),
        ("grim_trigger", "CCCC", "CCCC"),
    ],
)
def test_rules_against_scripted_partners(strategy, partner, expected):
    versus_test({"type": strategy}, partner, expected)


def test_tit_for_tat_keeps_its_memory_when_it_sees_nothing():
    # Observability 0: it never sees the partner, so it cooperates as with an unseen partner.
    versus_test({"type": "tit_for_tat"}, "DDDD", "CCCC", observability=0)


def test_trust_best_response_follows_its_belief_across_the_critical_trust():
    # Stag hunt R=4, S=-3, T=3, P=-1: cooperate iff b >= (P - S)/((R - T) - (S - P)) = 2/3.
    # Prior mean 0.7, strength 2 (a = 1.4 cooperations, b = 0.6 defections): round 0 belief 0.7
    # -> C. After the partner's D: 1.4/3 = 0.47 -> D. After C: 2.4/4 = 0.6 -> D. After C:
    # 3.4/5 = 0.68 -> C, and 4.4/6 = 0.73 -> C.
    versus_test(
        {"type": "trust_best_response", "prior_strength": 2},
        "DCCCC",
        "CDDCC",
        game={**STAG_HUNT, "trust": 0.7},
    )
