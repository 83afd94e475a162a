"""Imitation on a scale-free network at scale: 10,000 developers for 10,000 rounds.

Both runs play the weak prisoner's dilemma (R = 1, T = 1.5, S = P = 0) with Fermi imitation of
a random neighbour (beta = 10) and accumulated payoffs, synchronous updates, on the same
Barabasi-Albert graph (average degree 4), in this process:

* ``engine``: :class:`coopsim.abm.network_engine.ImitationEngine` (the round of the Mesa model,
  vectorised; per-round table off, long-run measures on);
* ``baseline``: a plain loop over rounds with a scipy.sparse adjacency: every round, neighbour
  sums by a sparse product, every lab's payoff, a random neighbour per lab, the Fermi
  probability for every lab, a uniform per lab.

Prints lab-rounds per second for each and their ratio. Run it on a quiet machine; both runs see
the same load because they run back to back here.

    python benchmarks/network_scale.py [--labs 10000] [--rounds 10000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.special import expit

from coopsim.abm.network import build_network
from coopsim.abm.network_engine import ImitationEngine
from coopsim.scenario.spec import Scenario

B, BETA = 1.5, 10.0


def scenario(labs: int, rounds: int) -> Scenario:
    return Scenario.model_validate({
        "name": "network scale", "seed": 1,
        "game": {"model": "matrix", "R": 1, "S": 0, "T": B, "P": 0},
        "labs": [{"name": "Developer", "count": labs,
                  "strategy": {"type": "imitation", "selection_intensity": BETA}}],
        "dynamics": {"rounds": rounds, "network": {"type": "scale_free", "degree": 4,
                                                   "payoffs": "accumulated"}},
    })


def baseline(network, rounds: int, rng: np.random.Generator) -> float:
    """The plain sparse-numpy loop; returns the final share of cooperators."""
    adjacency, degree = network.adjacency(), network.degree
    start, indices = network.indptr[:-1], network.indices
    cooperate = rng.random(degree.size) < 0.5
    for _ in range(rounds):
        c = cooperate.astype(float)
        partners_c = adjacency @ c
        payoff = np.where(cooperate, partners_c * 1.0, partners_c * B)
        model = indices[start + rng.integers(0, degree)]
        p = expit(BETA * (payoff[model] - payoff))
        copy = rng.random(degree.size) < p
        cooperate = np.where(copy, cooperate[model], cooperate)
    return float(cooperate.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=10_000)
    args = parser.parse_args()
    spec = scenario(args.labs, args.rounds)
    network = build_network(spec)
    lab_rounds = args.labs * args.rounds
    print(f"{args.labs} labs on a Barabasi-Albert network (average degree "
          f"{network.degree.mean():.2f}), {args.rounds} rounds, b = {B}, beta = {BETA}")

    began = time.perf_counter()
    engine = ImitationEngine(spec, np.random.default_rng(1), network=network)
    result = engine.run(args.rounds, long_run_rounds=max(1, args.rounds // 10), record=False)
    engine_time = time.perf_counter() - began

    began = time.perf_counter()
    final = baseline(network, args.rounds, np.random.default_rng(1))
    baseline_time = time.perf_counter() - began

    print(f"engine:   {engine_time:6.1f} s  {lab_rounds / engine_time / 1e6:6.2f} M lab-rounds/s  "
          f"(cooperators at the end: {result.labs_cooperating[-1]:.3f})")
    print(f"baseline: {baseline_time:6.1f} s  {lab_rounds / baseline_time / 1e6:6.2f} M lab-rounds/s  "
          f"(cooperators at the end: {final:.3f})")
    print(f"engine / baseline speed: {baseline_time / engine_time:.2f}x")


if __name__ == "__main__":
    main()
