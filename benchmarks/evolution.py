"""Speed of the small-mutation-limit analysis: stationary distribution for 3 and 5 strategies at
Z = 100, in coopsim and (when installed) in egttools, in the same run.

coopsim: :func:`coopsim.theory.evolution.log_fixation_matrix` (fixation probabilities in log space) and
:func:`coopsim.theory.evolution.log_stationary_distribution` (GTH elimination in log space).
egttools: ``PairwiseComparison(Z, Matrix2PlayerGameHolder(n, A))
.calculate_transition_and_fixation_matrix_sml(beta)`` and
``egttools.utils.calculate_stationary_distribution`` (its compiled C++ core). Both use the same
payoff matrices, Z and beta; the script first checks that the two stationary distributions agree.

egttools is a benchmark-only extra, never a dependency of coopsim:

    pip install egttools            # optional
    python benchmarks/evolution.py
"""

from __future__ import annotations

import platform
import timeit

import numpy as np

from coopsim.theory import evolution as ev
from coopsim.theory import dsair

Z = 100
BETA = 0.1
REPEATS = 7


def games() -> dict[str, np.ndarray]:
    """A 3-strategy DSAIR race (late regime, where all three strategies matter) and a seeded
    random 5-strategy game."""
    late = dsair.DsairParams(b=4, c=1, s=1.5, B=1e4, W=1e6, p_r=0.3, p_fo=0.0)
    rng = np.random.default_rng(5)
    return {
        "3 strategies (DSAIR AS/AU/CS)": dsair.race_payoff_matrix(late),
        "5 strategies (random game)": rng.uniform(0.0, 5.0, size=(5, 5)),
    }


def coopsim_stationary(matrix: np.ndarray) -> np.ndarray:
    logs = ev.log_fixation_matrix(matrix, Z, BETA, "exclude_self")
    return np.exp(ev.log_stationary_distribution(logs))


def egttools_stationary(matrix: np.ndarray) -> np.ndarray:
    from egttools.analytical import PairwiseComparison
    from egttools.games import Matrix2PlayerGameHolder
    from egttools.utils import calculate_stationary_distribution

    # Keep the game referenced while egttools uses it (it does not own it: a temporary crashes).
    game = Matrix2PlayerGameHolder(matrix.shape[0], matrix)
    evolver = PairwiseComparison(Z, game)
    transitions, _ = evolver.calculate_transition_and_fixation_matrix_sml(BETA)
    del evolver, game
    return calculate_stationary_distribution(transitions.transpose())


def best_time(function, matrix: np.ndarray) -> float:
    """Best of REPEATS timings of enough calls to take about 0.2 s, per call in seconds."""
    timer = timeit.Timer(lambda: function(matrix))
    calls, _ = timer.autorange()
    return min(timer.repeat(repeat=REPEATS, number=calls)) / calls


def main() -> None:
    try:
        import egttools

        egt_version = str(egttools.__version__).strip('"')
    except ImportError:
        egt_version = None
    print(f"Python {platform.python_version()}, numpy {np.__version__}, Z = {Z}, beta = {BETA}")
    if egt_version is None:
        print("egttools is not installed: timing coopsim only (pip install egttools to compare)")
    else:
        print(f"egttools {egt_version}")
    for name, matrix in games().items():
        ours = best_time(coopsim_stationary, matrix)
        line = f"{name}: coopsim {ours * 1e3:.3f} ms"
        if egt_version is not None:
            theirs = best_time(egttools_stationary, matrix)
            gap = float(np.max(np.abs(coopsim_stationary(matrix) - egttools_stationary(matrix))))
            line += (f", egttools {theirs * 1e3:.3f} ms, ratio coopsim/egttools "
                     f"{ours / theirs:.2f} (stationary distributions differ by at most {gap:.1e})")
        print(line)


if __name__ == "__main__":
    main()
