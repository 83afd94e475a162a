"""Throughput of the iterated model against a minimal Mesa model, in lab-rounds per second.

Both run in this process on the same Mesa version. The minimal model's agents do a trivial step
(one random draw) via ``AgentSet.shuffle_do`` and it has a comparable DataCollector (the same
number of model and agent reporters, read as attributes; Mesa's own, as a minimal model would
use, while the lab model's is ``LabDataCollector``, Mesa's with a collect specialised to its
reporters, which gives the same tables). ratio = the lab model's time per
lab-round / the minimal model's. Aim: ratio <= 2. Each case runs twice: all labs on one
strategy, and the labs taking all seven strategies in turn (seven vectorised groups per round,
the worst case for small N). A third column runs the same scenario's replicates through the
batched engine (``coopsim.abm.batch.run_batch``, BATCH runs at once, every lab reporter kept), as
``coopsim run`` and sweeps do. Timings interleave the models and keep each one's best, so load
from other processes hits all alike; still, run it on a quiet machine. Without a batched engine
(an older checkout on PYTHONPATH) the third column is left out.

    python benchmarks/abm_throughput.py
"""

from __future__ import annotations

import time

import mesa
import numpy as np

from coopsim.abm.model import AGENT_REPORTERS, MODEL_REPORTERS, LabModel
from coopsim.scenario.spec import Scenario

STRATEGIES = [
    {"type": "trust_best_response"},
    {"type": "tit_for_tat"},
    {"type": "grim_trigger"},
    {"type": "reinforcement"},
    {"type": "imitation"},
    {"type": "always_cooperate"},
    {"type": "always_defect"},
]
CASES = [("round_robin", 10, 2_000), ("random_pairs", 200, 500)]
MIXES = {"one strategy": STRATEGIES[:1], "all strategies": STRATEGIES}
REPEATS = 5
BATCH = 16


def scenario(matching: str, n_labs: int, rounds: int, strategies: list[dict]) -> Scenario:
    """A busy scenario: the labs take the strategies in turn, with trembles, partial
    observability, incidents and two overlapping interventions."""
    labs = [
        {
            "name": f"Lab {i}",
            "strategy": strategies[i % len(strategies)],
            "trust": 0.3 + 0.25 * (i % 3),
        }
        for i in range(n_labs)
    ]
    return Scenario.model_validate(
        {
            "name": "benchmark",
            "game": {"shared_upside": 4, "advantage": 3, "exposure": 3, "shared_downside": 1},
            "labs": labs,
            "dynamics": {
                "rounds": rounds,
                "matching": matching,
                "observability": 0.8,
                "tremble": 0.02,
                "incidents": {"probability": 0.05, "cost": 10, "borne_by": "all"},
            },
            "interventions": [
                {"type": "audit_and_fine", "detection_probability": 0.3, "fine": 2, "start": 0},
                {"type": "transparency", "observability": 0.95, "start": rounds // 2},
            ],
        }
    )


class TrivialAgent(mesa.Agent):
    """An agent whose step is one random draw; its reporters are plain attributes."""

    def __init__(self, model):
        super().__init__(model)
        for name in AGENT_REPORTERS:
            setattr(self, name, 0.0)

    def step(self):
        self.cooperation = self.model.random.random()


class MinimalModel(mesa.Model):
    """N trivial agents and a DataCollector with as many reporters as LabModel's."""

    def __init__(self, n_agents: int, seed: int = 0):
        super().__init__(rng=seed)
        TrivialAgent.create_agents(self, n_agents)
        for name in MODEL_REPORTERS:
            setattr(self, name, 0.0)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: name for name in MODEL_REPORTERS},
            agent_reporters={name: name for name in AGENT_REPORTERS},
        )

    def step(self):
        self.agents.shuffle_do("step")
        self.cooperation_rate = self.steps
        self.datacollector.collect(self)


def seconds(make_model, rounds: int) -> float:
    """Time to build a model and run it for `rounds` steps."""
    start = time.perf_counter()
    model = make_model()
    for _ in range(rounds):
        model.step()
    return time.perf_counter() - start


def batch_seconds(spec: Scenario) -> float | None:
    """Time to run BATCH replicates of ``spec`` through the batched engine (per run)."""
    try:
        from coopsim.abm.batch import run_batch
    except ImportError:
        return None
    start = time.perf_counter()
    run_batch([spec] * BATCH, [np.random.SeedSequence([0, r]) for r in range(BATCH)])
    return (time.perf_counter() - start) / BATCH


def main() -> None:
    """Per case, time the minimal model, the lab model and the batched engine alternately (so
    load on the machine hits all alike) and keep each one's best of REPEATS."""
    print(f"{'case':<46}{'lab model':>12}{'batched':>12}{'minimal':>12}{'ratio':>8}{'batched':>9}")
    for matching, n_labs, rounds in CASES:
        for mix, strategies in MIXES.items():
            spec = scenario(matching, n_labs, rounds, strategies)
            minimal = lab = batched = float("inf")
            for _ in range(REPEATS):
                minimal = min(minimal, seconds(lambda: MinimalModel(n_labs), rounds))
                lab = min(lab, seconds(lambda: LabModel(spec, rng=np.random.default_rng(0)), rounds))
                per_run = batch_seconds(spec)
                batched = min(batched, per_run if per_run is not None else float("nan"))
            work = n_labs * rounds
            case = f"{n_labs} labs x {rounds} {matching}, {mix}"
            print(f"{case:<46}{work / lab:>12,.0f}{work / batched:>12,.0f}{work / minimal:>12,.0f}"
                  f"{lab / minimal:>8.2f}{batched / minimal:>9.2f}")
    print(f"(lab-rounds per second; ratio = cost per lab-round / the minimal Mesa model's, aim <= 2;"
          f" batched: {BATCH} replicates in one engine)")


if __name__ == "__main__":
    main()
