"""Published network results, reproduced qualitatively with the imitation engine.

Santos & Pacheco, "Scale-free networks provide a unifying framework for the emergence of
cooperation", PRL 95, 098104 (2005), Fig. 1: in the weak prisoner's dilemma (R = 1, T = b,
S = P = 0) with accumulated payoffs and imitation of neighbours, Barabasi-Albert networks keep
cooperators dominant over the whole range 1 < b < 2, while on homogeneous networks of the same
average degree (z = 4) cooperation collapses as soon as b is well above 1.

Szolnoki, Perc & Danku, "Towards effective payoffs in the prisoner's dilemma game on scale-free
networks", Physica A 387, 2075 (2008), Fig. 1: normalising payoffs by degree removes the
advantage; with fully normalised (average) payoffs the scale-free network collapses to the
regular-graph result. Both papers use N = 10^4; their Fermi rule has noise K = 0.1, i.e.
selection intensity beta = 1/K = 10 (Santos & Pacheco used a proportional rule instead).

Here N = 300, 500 rounds, the last 100 averaged, three seeds, b = 1.5: small enough for CI, and
the thresholds (a clear majority against almost none) are far from the values the runs give.
"""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.abm.network_engine import ImitationEngine
from coopsim.scenario.spec import Scenario

LABS, ROUNDS, LONG_RUN, SEEDS, B = 300, 500, 100, (0, 1, 2), 1.5


def cooperators(network_type: str, payoffs: str) -> float:
    """Long-run share of cooperating labs, averaged over seeds (each seed: its own graph)."""
    shares = []
    for seed in SEEDS:
        scenario = Scenario.model_validate({
            "name": "weak PD on a network", "seed": seed,
            "game": {"model": "matrix", "R": 1, "S": 0, "T": B, "P": 0},
            "labs": [{"name": "Lab", "count": LABS,
                      "strategy": {"type": "imitation", "selection_intensity": 10}}],
            "dynamics": {"rounds": ROUNDS,
                         "network": {"type": network_type, "degree": 4, "payoffs": payoffs}},
        })
        result = ImitationEngine(scenario, np.random.default_rng(seed)).run(ROUNDS, LONG_RUN)
        shares.append(np.nanmean(result.lab_cooperation))
    return float(np.mean(shares))


@pytest.fixture(scope="module")
def outcomes():
    return {
        ("scale_free", "accumulated"): cooperators("scale_free", "accumulated"),
        ("random_regular", "accumulated"): cooperators("random_regular", "accumulated"),
        ("scale_free", "average"): cooperators("scale_free", "average"),
    }


def test_scale_free_keeps_cooperators_where_random_regular_loses_them(outcomes):
    # Santos & Pacheco (2005), Fig. 1: BA cooperation stays high at b = 1.5, homogeneous
    # networks of the same average degree have lost nearly all cooperators.
    assert outcomes[("scale_free", "accumulated")] > 0.6
    assert outcomes[("random_regular", "accumulated")] < 0.05


def test_degree_normalised_payoffs_remove_the_advantage(outcomes):
    # Szolnoki, Perc & Danku (2008), Fig. 1: with average (fully normalised) payoffs the
    # scale-free network does as badly as the regular one.
    assert outcomes[("scale_free", "average")] < 0.05
    assert outcomes[("scale_free", "accumulated")] - outcomes[("scale_free", "average")] > 0.5
