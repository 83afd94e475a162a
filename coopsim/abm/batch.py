"""Many runs of the iterated model as a few array programs: replicates, sweep points, samples.

:func:`run_batch` takes runs (a resolved scenario and a seed each), sorts them into groups of
one *shape* (:func:`shape_key`) and plays each group through one
:class:`~coopsim.abm.engine.Engine`, with a batch axis, instead of one Mesa model per run. Each
run keeps its own random stream (``numpy.random.default_rng(seed)``, used as
:class:`~coopsim.abm.model.LabModel` uses it), so a run's results depend only on its scenario
and seed: not on the other runs, their order or how they are grouped, and they are those of the
Mesa model on the same seed (tests check every reporter, value for value).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.abm.engine import Engine, start_stream, strategy_groups
from coopsim.abm.records import round_records
from coopsim.abm.network import build_network
from coopsim.abm.timeline import Timeline
from coopsim.scenario.spec import Scenario

PAIR_CELLS_PER_BATCH = 1 << 22  # runs x labs x labs per engine (bounds memory, not results)


@dataclass(frozen=True)
class RunRecords:
    """One run's reporters by round: ``model[name]`` has shape (rounds,), ``labs[name]``
    (rounds, labs) (empty when lab records were not asked for)."""

    model: dict[str, np.ndarray]
    labs: dict[str, np.ndarray]


def shape_key(scenario: Scenario, timeline: Timeline) -> tuple:
    """What runs sharing an engine must have in common: rounds, labs, matching or network, which
    labs share a strategy spec and its type, which draws each round makes."""
    d = scenario.dynamics
    specs, of_lab = strategy_groups(scenario)
    network = None if d.network is None else (scenario.seed, d.network.model_dump_json())
    return (d.rounds, timeline.n_labs, d.matching, network, tuple(s.type for s in specs),
            tuple(of_lab), d.tremble > 0, d.incidents.probability > 0, timeline.plan_changes(d.rounds))


def run_batch(scenarios: list[Scenario], seeds: list, labs: bool = True) -> list[RunRecords]:
    """Play run k = (``scenarios[k]``, ``seeds[k]``) for its ``dynamics.rounds`` rounds; a seed
    is anything ``numpy.random.default_rng`` takes. Runs given the same scenario object share
    its rules. ``labs=False`` keeps only the model-level reporters."""
    timelines: dict[int, Timeline] = {}
    networks: dict[int, object] = {}
    groups: dict[tuple, list[int]] = {}
    for k, scenario in enumerate(scenarios):
        if id(scenario) not in timelines:
            network = build_network(scenario) if scenario.dynamics.network is not None else None
            timelines[id(scenario)] = Timeline(scenario, None if network is None else network.degree)
            networks[id(scenario)] = network
        groups.setdefault(shape_key(scenario, timelines[id(scenario)]), []).append(k)
    results: list[RunRecords | None] = [None] * len(scenarios)
    for members in groups.values():
        n = timelines[id(scenarios[members[0]])].n_labs
        step = max(1, PAIR_CELLS_PER_BATCH // (n * n))
        for start in range(0, len(members), step):
            chunk = members[start:start + step]
            records = _run_group([timelines[id(scenarios[k])] for k in chunk],
                                 [start_stream(seeds[k]) for k in chunk],
                                 networks[id(scenarios[chunk[0]])], labs)
            for k, record in zip(chunk, records):
                results[k] = record
    return results


def _run_group(timelines: list[Timeline], streams: list, network, with_labs: bool) -> list[RunRecords]:
    """Run one engine over runs of one shape; per-run records, each array contiguous."""
    rounds = timelines[0].scenario.dynamics.rounds
    engine = Engine(timelines, streams, network, rounds)
    model_rows: dict[str, list] = {}
    lab_rows: dict[str, list] = {}
    for _ in range(rounds):
        model, labs = round_records(engine, engine.step())
        for name, values in model.items():
            model_rows.setdefault(name, []).append(values)
        if with_labs:
            for name, values in labs.items():
                lab_rows.setdefault(name, []).append(values)
    model_arrays = {name: np.ascontiguousarray(np.stack(rows, axis=1)) for name, rows in model_rows.items()}
    lab_arrays = {name: np.ascontiguousarray(np.stack(rows, axis=1)) for name, rows in lab_rows.items()}
    return [
        RunRecords({name: values[b] for name, values in model_arrays.items()},
                   {name: values[b] for name, values in lab_arrays.items()})
        for b in range(engine.size)
    ]
