"""Games classified per second: coopsim's closed-form phase grid against nashpy per game.

Both are measured in the same run on the same machine; the ratio is what to compare across runs.
Usage: python benchmarks/phase_throughput.py [--side 1000] [--nashpy-games 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from coopsim.theory.equilibria import solve
from coopsim.theory.stage_game import Payoffs, bimatrix, classify_payoffs
from coopsim.analyses.phase import Axis, phase_grid
from coopsim.scenario.loading import loads_scenario

SCENARIO = """\
name: benchmark
game: {trust: 0.6, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=1000, help="grid side (side x side cells)")
    parser.add_argument("--nashpy-games", type=int, default=2000, help="games solved with nashpy")
    args = parser.parse_args()
    scenario = loads_scenario(SCENARIO)
    x = Axis("game.exposure", np.linspace(0, 5, args.side))
    y = Axis("game.shared_upside", np.linspace(-2, 6, args.side))

    start = time.perf_counter()
    phase_grid(scenario, x, y)
    closed_seconds = time.perf_counter() - start
    closed_rate = args.side**2 / closed_seconds

    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for exposure, upside in zip(rng.uniform(0, 5, args.nashpy_games), rng.uniform(-2, 6, args.nashpy_games)):
        p = Payoffs.from_factors(upside, 3.0, exposure, 1.0)
        classify_payoffs(p)
        solve(*bimatrix(p, p))
    nashpy_rate = args.nashpy_games / (time.perf_counter() - start)

    print(f"closed form: {args.side}x{args.side} grid in {closed_seconds:.2f} s = {closed_rate:,.0f} games/s")
    print(f"nashpy per game: {nashpy_rate:,.0f} games/s ({args.nashpy_games} games)")
    print(f"ratio closed form / nashpy: {closed_rate / nashpy_rate:,.0f}x")


if __name__ == "__main__":
    main()
