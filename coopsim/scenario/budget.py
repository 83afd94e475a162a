"""Up-front estimates of the time and memory a scenario asks for, and the limits beyond which
coopsim refuses it rather than hang or run out of memory.

The estimates are linear cost models with coefficients measured on the development machine
(2 cores, Python 3.11), rounded up; they only need to be right within a small factor to tell a
run of minutes from one of years. Every bundled scenario is estimated below a second.

Iterated model, one run (a replicate of a variant) with ``L`` labs, ``M`` matches per round
(round robin ``L (L - 1) / 2``, random pairs ``floor(L / 2)``) and ``R`` rounds::

    seconds = R (ROUND + L LAB_ROUND + M MATCH)
    bytes   = R L LAB_ROUND_BYTES          the per-lab, per-round table, kept for every run
            + L^2 PAIR_BYTES + M MATCH_BYTES   what labs remember of each other; a round's matches

Evolution in a population of ``Z`` with ``k`` strategies: ``Z k (k - 1)`` fixation terms; DSAIR
races of ``N > 2`` labs weigh every state by a hypergeometric law whose cost grows as
``Z^2 N``. Racing to the precipice: ``races x teams`` simulated capabilities, drawn in batches of
at most 100,000 races. The DSAIR race on a network, one run of ``G`` generations with ``E`` linked
pairs (complete graph ``L (L - 1) / 2``, otherwise ``L degree / 2``) racing up to ``ceil(W)``
rounds::

    seconds = G (ROUND + E ceil(W) RACE_EDGE_ROUND)
    bytes   = E (ceil(W) + 1) RACE_EDGE_ROUND_BYTES   a generation's random numbers and state

A sweep runs one task per grid point, variant and replicate: its estimate is the sum over tasks
(compute time, which workers share) and its grid is limited to MAX_GRID_POINTS points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from coopsim.scenario.spec import EvolutionSettings, Scenario

# Limits: far above every bundled scenario and test, far below what a workstation can hold.
MAX_MEMORY_BYTES = 8 * 2**30
MAX_SECONDS = 6 * 3600.0  # one scenario (run, solve, evolve), on one core
MAX_SWEEP_SECONDS = 1000 * 3600.0  # a whole sweep, in core-hours shared by its workers
MAX_GRID_POINTS = 100_000
MAX_SWEEP_TASKS = 2_000_000  # each task is a record of a few hundred bytes in the plan

# Measured costs (seconds and bytes), rounded up.
ROUND = 5e-4
LAB_ROUND = 5e-5
MATCH = 1e-6
LAB_ROUND_BYTES = 700
PAIR_BYTES = 2
MATCH_BYTES = 64
FIXATION_TERM = 3e-7
FIXATION_TERM_BYTES = 80
GROUP_TERM = 3e-8  # per Z^2 N, DSAIR with N > 2
PRECIPICE_DRAW = 2e-7
PRECIPICE_DRAW_BYTES = 64
PRECIPICE_BATCH = 100_000
RACE_EDGE_ROUND = 3e-6  # one round of one linked pair's race (coopsim.abm.network_race)
RACE_EDGE_ROUND_BYTES = 64


@dataclass(frozen=True)
class Estimate:
    """What some work needs, and the scenario field that sizes it most."""

    seconds: float
    memory: float
    what: str
    field: tuple
    subject: str = "the iterated model"


@dataclass(frozen=True)
class Excess:
    """A scenario field asking for more than the limits, and the message that says so."""

    field: tuple
    message: str
    variant: str | None = None


def matches_per_round(labs: int, matching: str) -> int:
    """Pairs that play one round: all pairs (round robin) or a perfect matching."""
    return labs * (labs - 1) // 2 if matching == "round_robin" else labs // 2


def iterated_run(scenario: Scenario, replicates: int | None = None) -> Estimate:
    """All replicates (default: dynamics.replicates) of one resolved variant of the iterated
    model."""
    dynamics = scenario.dynamics
    labs, rounds = scenario.lab_count(), dynamics.rounds
    replicates = dynamics.replicates if replicates is None else replicates
    matches = matches_per_round(labs, dynamics.matching)
    seconds = replicates * rounds * (ROUND + labs * LAB_ROUND + matches * MATCH)
    memory = replicates * rounds * labs * LAB_ROUND_BYTES + labs**2 * PAIR_BYTES + matches * MATCH_BYTES
    return Estimate(
        float(seconds), float(memory),
        f"{replicates:,} replicate(s) of {rounds:,} rounds with {labs:,} labs",
        _largest_factor(scenario),
    )


def _largest_factor(scenario: Scenario) -> tuple:
    """The field that multiplies the work most, relative to its default."""
    biggest = max(range(len(scenario.labs)), key=lambda i: scenario.labs[i].count)
    candidates = {
        ("dynamics", "rounds"): scenario.dynamics.rounds / 100,
        ("dynamics", "replicates"): scenario.dynamics.replicates / 10,
        ("labs", biggest, "count"): scenario.lab_count() / 2,
    }
    return max(candidates, key=candidates.get)


def evolution(scenario: Scenario) -> Estimate | None:
    """`coopsim evolve` (and the evolution section of `run`), if the scenario has one."""
    model = scenario.game.model
    if model == "precipice" or (scenario.evolution is None and model != "dsair"):
        return None
    settings = scenario.evolution or EvolutionSettings()
    Z = settings.population
    field = ("evolution", "population")
    if model == "dsair" and scenario.game.N > 2:
        N = scenario.game.N
        return Estimate(float(GROUP_TERM * Z**2 * N), float(8 * 4 * Z * N),
                        f"a population of {Z:,} in races of N = {N:,} labs", field,
                        "the evolutionary analysis")
    if settings.strategies:
        k = len(settings.strategies)
    elif model == "dsair":
        from coopsim.theory.dsair import STRATEGIES

        k = len(STRATEGIES)
    else:
        from coopsim.theory.evolution import REPEATED_GAME_STRATEGIES

        k = len(REPEATED_GAME_STRATEGIES)
    terms = Z * k * (k - 1)
    return Estimate(float(FIXATION_TERM * terms), float(FIXATION_TERM_BYTES * terms),
                    f"a population of {Z:,} with {k} strategies", field, "the evolutionary analysis")


def precipice_races(scenario: Scenario) -> Estimate | None:
    """The Monte Carlo check of the precipice model's disaster probability."""
    game = scenario.game
    if game.model != "precipice":
        return None
    races, teams = game.monte_carlo_races, game.teams
    biggest = ("game", "monte_carlo_races") if races / 200_000 >= teams / 2 else ("game", "teams")
    return Estimate(float(PRECIPICE_DRAW * races * teams),
                    float(PRECIPICE_DRAW_BYTES * min(races, PRECIPICE_BATCH) * teams),
                    f"{races:,} simulated races of {teams:,} teams", biggest,
                    "the Monte Carlo check of the disaster probability")


def network_race(scenario: Scenario) -> Estimate | None:
    """All replicates of the DSAIR race on one variant's network (None without one)."""
    network = scenario.dynamics.network
    if scenario.game.model != "dsair" or network is None:
        return None
    labs, d = scenario.lab_count(), scenario.dynamics
    edges = labs * (labs - 1) / 2 if network.type == "complete" else labs * network.degree / 2
    rounds = math.ceil(scenario.game.W)
    seconds = d.replicates * d.rounds * (ROUND + edges * rounds * RACE_EDGE_ROUND)
    biggest = ("dynamics", "rounds") if d.rounds / 100 >= edges / 1000 else ("labs",)
    return Estimate(seconds, edges * (rounds + 1) * RACE_EDGE_ROUND_BYTES,
                    f"{d.replicates:,} x {d.rounds:,} generations of races on {edges:,.0f} links",
                    biggest, "the race on a network")


def scenario_excess(scenario: Scenario, variants: dict[str, Scenario]) -> Excess | None:
    """The first way in which running `scenario` (every variant) would exceed the limits."""
    for name, variant in variants.items():
        label = name if scenario.variants else None
        game = variant.game
        if game.model == "dsair":
            population = (variant.evolution or EvolutionSettings()).population
            if game.N > population:
                return Excess(("game", "N"), f"N = {game.N:,} labs per race is more than the "
                              f"population of {population:,} labs (evolution.population)", label)
        for estimate in (evolution(variant), precipice_races(variant), network_race(variant)):
            if estimate is not None and not fits(estimate, MAX_SECONDS):
                return Excess(estimate.field, refusal(estimate, MAX_SECONDS), label)
    if scenario.game.model in ("five_factors", "matrix"):
        runs = [(name, iterated_run(v)) for name, v in variants.items()]
        seconds, memory = sum(e.seconds for _, e in runs), sum(e.memory for _, e in runs)
        if seconds > MAX_SECONDS or memory > MAX_MEMORY_BYTES:
            name, worst = max(runs, key=lambda item: item[1].seconds + item[1].memory / 1e9)
            what = worst.what if len(runs) == 1 else f"{len(runs)} variants, the largest {worst.what}"
            label = name if scenario.variants else None
            total = Estimate(seconds, memory, what, worst.field)
            return Excess(worst.field, refusal(total, MAX_SECONDS), label)
    return None


def fits(estimate: Estimate, max_seconds: float) -> bool:
    return estimate.seconds <= max_seconds and estimate.memory <= MAX_MEMORY_BYTES


def refusal(estimate: Estimate, max_seconds: float) -> str:
    """The message of a refused estimate: what was asked, the estimate and the limits."""
    return (
        f"{estimate.subject} would need {estimate.what}: about {duration(estimate.seconds)} of compute and "
        f"{size(estimate.memory)} of memory; coopsim refuses work estimated above "
        f"{duration(max_seconds)} or {size(MAX_MEMORY_BYTES)} (see README, Bad input)"
    )


def sweep_excess(points: int, tasks: int = 0, seconds: float = 0.0, planned: int | None = None) -> str | None:
    """Why a sweep of `points` grid points is refused, if it is: too many points, or (counted
    over its first `planned` points, default all) too many tasks or too much compute."""
    if points > MAX_GRID_POINTS:
        return (f"the grid has {points:,} points; a sweep is limited to {MAX_GRID_POINTS:,} "
                "(see README, Bad input)")
    so_far = "" if planned is None or planned == points else f" (its first {planned:,} grid points alone)"
    if tasks > MAX_SWEEP_TASKS:
        return (f"the sweep has more than {MAX_SWEEP_TASKS:,} runs{so_far} (grid points x variants "
                "x replicates), the limit (see README, Bad input)")
    if seconds > MAX_SWEEP_SECONDS:
        return (f"the sweep would take at least {duration(seconds)} of compute{so_far}; coopsim "
                f"refuses sweeps estimated above {duration(MAX_SWEEP_SECONDS)} (see README, Bad input)")
    return None


def duration(seconds: float) -> str:
    """'3.2 hours', '41 days', '2.1e+05 years'."""
    for unit, length in (("years", 365.25 * 86400), ("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= length:
            return f"{_number(seconds / length)} {unit}"
    return f"{_number(seconds)} seconds"


def size(nbytes: float) -> str:
    """'12 GiB', '3.4e+06 TiB'."""
    for unit, length in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= length:
            return f"{_number(nbytes / length)} {unit}"
    return f"{nbytes:.0f} bytes"


def _number(value: float) -> str:
    if value < 1000:
        return f"{value:.3g}"
    return f"{value:,.0f}" if value < 1e6 else f"{value:.2g}"
