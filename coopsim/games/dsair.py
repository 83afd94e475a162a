"""The DSAIR race of Han, Pereira, Santos & Lenaerts (JAIR 69, 2020): labs develop AI SAFE or
UNSAFE; the race-averaged game (Eq. 2) for two labs, Appendix B's group game for N labs.

The mathematics is :mod:`coopsim.theory.dsair`; the race played round by round by agents is
:mod:`coopsim.abm.race` (run by :mod:`coopsim.games.dsair_race` when the scenario has a
``dynamics:`` block); where a game sits (zone, thresholds, regime) is
:mod:`coopsim.games.dsair_zones`; the words are :mod:`coopsim.games.dsair_text`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from coopsim.games.base import register
from coopsim.games.base import GameModel, PopulationGame, trust_field
from coopsim.games.dsair_measures import MEASURES, PHASE_MAPS, measure
from coopsim.games.dsair_zones import conditions
from coopsim.scenario.base import NonNegative, Probability, Strict

if TYPE_CHECKING:
    import numpy as np

    from coopsim.scenario.spec import EvolutionSettings, Scenario
    from coopsim.theory.dsair import DsairParams

# what the race played by agents reads (observability: sightings for interventions' payments)
DYNAMICS_FIELDS = ("rounds", "replicates", "observability")
# The race on a network (coopsim.abm.network_race) also reads these.
NETWORK_FIELDS = ("network", "long_run_fraction")


class DsairGame(Strict):
    """Han, Pereira, Santos & Lenaerts (2020) DSAIR race: SAFE vs UNSAFE development."""

    model: Literal["dsair"] = Field(description="Payoff model: the DSAIR AI race (Han et al. 2020).")
    b: NonNegative = Field(description="Benefit per round, shared in proportion to speed.")
    c: NonNegative = Field(description="Cost per round of SAFE development.")
    s: float = Field(gt=1.0, description="Speed of UNSAFE development relative to SAFE (s > 1).")
    B: NonNegative = Field(description="Prize for winning the race (B >> b).")
    W: float = Field(ge=1.0, description="Expected number of rounds in the race, 1/(1 - omega).")
    p_r: Probability = Field(description="Probability that a fully UNSAFE player suffers disaster.")
    p_fo: Probability = Field(0.0, description="Probability that UNSAFE play is detected per round.")
    N: int = Field(2, ge=2, description="Number of labs in one race (Appendix B when N > 2).")
    gamma: Probability = Field(
        0.0, description="Collective risk: share of a SAFE co-player's payoff lost in a disaster."
    )
    cs_vs_au: Literal["published", "corrected"] = Field(
        "published",
        description="'published' keeps Eq. 2's CS-vs-AU entry as printed (no (1 - p_r) factor); "
        "'corrected' applies the disaster risk to CS's unsafe rounds.",
    )
    trust: Probability = trust_field()


def dsair_params(scenario: Scenario) -> DsairParams:
    """The scenario's DSAIR game as :class:`coopsim.theory.dsair.DsairParams`."""
    from coopsim.theory.dsair import DsairParams

    g = scenario.game
    return DsairParams(
        b=g.b, c=g.c, s=g.s, B=g.B, W=g.W, p_r=g.p_r, p_fo=g.p_fo, N=g.N, gamma=g.gamma,
        cs_vs_au=g.cs_vs_au,
    )


def _label(row: tuple[float, ...], names: tuple[str, ...]) -> str:
    parts = [f"{names[i]}" if x == 1 else f"{x:.3g} {names[i]}" for i, x in enumerate(row) if x > 0]
    return " + ".join(parts)


def solve(scenario: Scenario, source: str = "<scenario>") -> dict[str, Any]:
    """`coopsim solve` for a DSAIR scenario: the race-averaged game and where it sits.

    Two labs: Eq. 2's 3x3 matrix (AS, AU, CS; or ``evolution.strategies``, with the
    interventions in force and any choice strategies listed, as :func:`population_game` builds
    it) and every Nash
    equilibrium of the symmetric game (A, A transposed) from :func:`coopsim.theory.equilibria.solve`.
    ``N > 2`` labs: the group payoffs of Appendix B and the pure symmetric-game equilibria (how
    many labs play SAFE when nobody gains by switching)."""
    import numpy as np

    from coopsim.analyses.evolution import jsonable
    from coopsim.scenario.spec import EvolutionSettings
    from coopsim.theory import dsair, dsair_groups
    from coopsim.theory.equilibria import solve as nash

    p = dsair_params(scenario)
    settings = scenario.evolution or EvolutionSettings()
    result: dict[str, Any] = {
        "scenario": scenario.name,
        "model": "dsair",
        "parameters": scenario.game.model_dump(mode="json", exclude={"trust"}),
        "per_round_payoffs": dsair.per_round_payoffs(p),
    }
    if p.N == 2:
        game = population_game(scenario, settings, source)
        names, A = game.strategies, game.matrix
        found = nash(A, A.T)
        if game.notes:
            result["notes"] = game.notes
        result.update(
            strategies=list(names),
            payoff_matrix=A.tolist(),
            equilibria=[
                {
                    "row": list(e.row),
                    "col": list(e.column),
                    "payoffs": list(e.payoffs),
                    "pure": e.pure,
                    "symmetric": bool(np.allclose(e.row, e.column)),
                    "pareto_efficient": e.pareto_efficient,
                    "label": f"({_label(e.row, names)}, {_label(e.column, names)})",
                }
                for e in found.equilibria
            ],
            degenerate=found.degenerate,
            solvers=list(found.methods),
            solvers_agree=found.methods_agree,
        )
    else:
        ks = np.arange(p.N + 1)
        race = [dsair_groups.n_lab_race_payoffs(p, k) for k in ks]
        result["group_payoffs"] = [
            {"safe_labs": int(k), "AS": race[k].safe, "AU": race[k].unsafe} for k in ks
        ]
        result["equilibria"] = [
            {"safe_labs": int(k), "unsafe_labs": int(p.N - k),
             "payoffs": {"AS": race[k].safe, "AU": race[k].unsafe}}
            for k in ks
            if (k == 0 or race[k].safe >= race[k - 1].unsafe)
            and (k == p.N or race[k].unsafe >= race[k + 1].safe)
        ]
    result.update(conditions(p))
    return jsonable(result)


def population_game(scenario: Scenario, settings: EvolutionSettings, source: str) -> PopulationGame:
    """Two labs per race: Eq. 2 between AS, AU and CS (pairwise encounters), and the choice
    strategies (PS, RS, COM, FC; :mod:`coopsim.policy.population`) that the scenario's
    interventions offer, when ``evolution.strategies`` lists them. Interventions act on the
    race's per-round payoffs (Eq. 1), averaged over the race's rounds like them, every lab
    acting as in the agent-based model unless a listed strategy makes the intervention's choice;
    their payments are not wiped out by a disaster. ``N > 2``: AS and AU in races of N labs
    drawn from the population (:func:`coopsim.theory.dsair_groups.n_lab_population_payoffs`,
    with the chosen fitness convention); interventions are not part of that game."""
    import numpy as np

    from coopsim.analyses.evolution import choose_strategies
    from coopsim.policy import population
    from coopsim.theory import dsair, dsair_groups

    params = dsair_params(scenario)
    extras = conditions(params)
    if params.N == 2:
        names = dsair.STRATEGIES
        if settings.strategies is None:
            strategies = names
        else:
            strategies = choose_strategies(settings.strategies, population.available(scenario, names), source)
        game = population.BaseGame(names, dsair.race_payoff_matrix(params, names),
                                   dsair.race_profiles(params, names), dsair.per_round_table(params))
        notes = []
        reduced = population.unchosen(scenario, strategies)
        if population.in_force(reduced):
            effect = population.everyone_effect(reduced, game.stage)
            game = population.BaseGame(names, game.matrix + np.einsum("xyab,ab->xy", game.profiles, effect),
                                       game.profiles, game.stage)
            notes.append("interventions act on every lab's per-round payoffs (Eq. 1), averaged "
                         "over the race's rounds; their payments are not wiped out by a disaster")
        if population.choices_made(strategies):
            matrix = population.payoff_matrix(scenario, strategies, game)
            notes.append(population.CHOICE_NOTE)
        else:
            index = [names.index(s) for s in strategies]
            matrix = game.matrix[np.ix_(index, index)]
        return PopulationGame(
            strategies=strategies, matrix=matrix, extras=extras, notes=notes,
            safe_share=population.safe_share(strategies, game),
        )
    strategies = choose_strategies(settings.strategies, ("AS", "AU"), source)

    def group_fitness(resident: str, mutant: str, Z: int, fitness: str) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        f = dsair_groups.n_lab_population_payoffs(params, Z, np.arange(1, Z), fitness)  # j = AU players
        return (f.safe, f.unsafe) if resident == "AS" else (f.unsafe[::-1], f.safe[::-1])

    winner = "AS" if dsair_groups.n_lab_as_risk_dominant(params) else "AU"
    return PopulationGame(
        strategies=strategies,
        group_fitness=group_fitness,
        risk_dominance={f"{strategies[0]} vs {strategies[1]}": winner},
        notes=[f"{params.N} labs per race (Appendix B): groups drawn by hypergeometric sampling; "
               "only AS and AU are defined for N > 2"],
        extras=extras,
        safe_share=np.array([1.0 if s == "AS" else 0.0 for s in strategies]),
    )


def charts(scenario: Scenario, subtitle: str, solution: dict[str, Any] | None = None) -> dict[str, Any]:
    """Zone maps over (s, p_r) and (p_fo, p_r) around the scenario's parameters (two labs),
    computed by the model's phase diagram (:func:`coopsim.analyses.race_phase.dsair_phase`); each
    variant is marked when the variants differ only in the map's axes."""
    if scenario.game.N != 2:
        return {}
    from coopsim.charts import races as race_charts

    from dataclasses import replace

    from coopsim.analyses.phase import Axis
    from coopsim.analyses.race_phase import dsair_phase
    from coopsim.scenario.loading import resolve_variants

    p = dsair_params(scenario)
    variants = {name.replace("_", " "): dsair_params(v) for name, v in resolve_variants(scenario).items()}
    found = {}
    for x in ("s", "p_fo"):
        x_edges, y_edges = race_charts.zone_grid(p, x)
        x_mid, y_mid = race_charts.midpoints(x_edges), race_charts.midpoints(y_edges)
        table = dsair_phase(scenario, Axis(f"game.{x}", x_mid), Axis("game.p_r", y_mid))
        zones = table["zone"].to_numpy().reshape(len(y_mid), len(x_mid)).T  # [x column, p_r row]
        # Variants that differ only in the map's two axes sit on the same map: mark each of them.
        same_map = {label: q for label, q in variants.items() if replace(q, **{x: getattr(p, x), "p_r": p.p_r}) == p}
        points = same_map if len(variants) > 1 and len(same_map) == len(variants) else None
        found[f"dsair-zones-{x}-p_r"] = race_charts.zone_map_chart(p, x, zones, subtitle, points)
    return found


def check_strategies(scenario: Scenario) -> None:
    """Races of N > 2 labs know only AS and AU (Appendix B)."""
    listed = (scenario.evolution.strategies or []) if scenario.evolution else []
    others = [s for s in listed if s.strip().upper() not in ("AS", "AU", "ALWAYS_SAFE", "ALWAYS_UNSAFE")]
    if scenario.game.N > 2 and others:
        raise ValueError(f"evolution.strategies: only AS and AU are defined for races of N > 2 labs "
                         f"(game.N is {scenario.game.N}); {others[0]} is not")


def check_dynamics(game: DsairGame, dynamics: Any) -> None:
    """The race played by agents has two labs, races that fit in ``rounds``, and reads only
    ``rounds``, ``replicates`` and ``observability`` (on a network also ``network`` and
    ``long_run_fraction``, and ``rounds`` counts generations); other settings of the lab model
    must keep their defaults."""
    defaults = type(dynamics)()
    unused = [
        name for name in type(dynamics).model_fields
        if name not in DYNAMICS_FIELDS + (NETWORK_FIELDS if dynamics.network is not None else ())
        and getattr(dynamics, name) != getattr(defaults, name)
    ]
    if unused:
        raise ValueError(
            f"dynamics.{unused[0]} does not apply to the DSAIR race played by agents, which reads "
            "only dynamics.rounds, dynamics.replicates and dynamics.observability (and, on a "
            "network, dynamics.network and dynamics.long_run_fraction)"
        )
    if game.N != 2:
        raise ValueError(f"the DSAIR race played by agents has two labs per race, but game.N is {game.N}")
    if game.W < game.s:
        raise ValueError(f"the DSAIR race played by agents needs game.W >= game.s (a race lasts at "
                         f"least one round); W is {game.W:g}, s is {game.s:g}")
    if dynamics.network is not None:
        return  # on a network dynamics.rounds counts generations: one whole race per linked pair
    if dynamics.rounds < game.W:
        raise ValueError(
            f"dynamics.rounds ({dynamics.rounds}) is shorter than one race: a SAFE race lasts "
            f"game.W = {game.W:g} rounds; raise dynamics.rounds or lower game.W"
        )


@register("dsair")
class Dsair(GameModel):
    """The DSAIR race (see the module docstring)."""

    spec = DsairGame
    on_networks = True  # the race on a network: coopsim.abm.network_race
    solution_title = "The race"
    solve = staticmethod(solve)
    population_game = staticmethod(population_game)
    charts = staticmethod(charts)

    @staticmethod
    def findings(scenario: Scenario, extras: dict[str, Any]) -> list:
        from coopsim.analyses.findings_races import dsair_findings

        return dsair_findings(scenario, extras)

    check_dynamics = staticmethod(check_dynamics)
    measures = MEASURES
    measure = staticmethod(measure)
    measure_exact = True

    @staticmethod
    def phase(scenario: Scenario, x: Any, y: Any, source: str = "<scenario>") -> Any:
        from coopsim.analyses.race_phase import dsair_phase

        return dsair_phase(scenario, x, y, source)

    phase_maps = PHASE_MAPS
    sensitivity_factors = ("b", "c", "s", "B", "W", "p_r", "p_fo", "N", "gamma")

    @staticmethod
    def solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
        from coopsim.games.dsair_text import solution_markdown

        return solution_markdown(solution, heading_level)

    @staticmethod
    def evolution_lines(result: dict[str, Any]) -> list[str]:
        from coopsim.games.dsair_text import zone_lines

        return zone_lines(result)

    @staticmethod
    def dynamics(scenario: Scenario, progress: Any = None) -> dict[str, Any] | None:
        """The race played round by round by agents, when the scenario has a ``dynamics:`` block."""
        if "dynamics" not in scenario.model_fields_set:
            return None
        from coopsim.games.dsair_network import has_network, network_race_dynamics
        from coopsim.games.dsair_race import race_dynamics

        if has_network(scenario):
            return network_race_dynamics(scenario, progress)
        return race_dynamics(scenario, progress)

    @staticmethod
    def dynamics_charts(result: dict[str, Any], subtitle: str) -> dict[str, Any]:
        """On a network: each strategy's long-run share by degree class beside Eq. 2's well-mixed end."""
        if not result.get("network") or any("shares" not in c for v in result["variants"].values()
                                            for c in v["by_degree"]["classes"]):
            return {}  # no network, or saved before each strategy's share by degree was kept
        from coopsim.charts.network import race_degree_chart
        from coopsim.games.dsair_network import network_race_headline

        return {"race-shares-by-degree": race_degree_chart(result, subtitle, network_race_headline(result))}

    @staticmethod
    def dynamics_markdown(result: dict[str, Any], heading_level: int = 2) -> str:
        from coopsim.games.dsair_text import dynamics_markdown

        return dynamics_markdown(result, heading_level)

    @staticmethod
    def check(scenario: Scenario) -> None:
        """The strategies a race of N labs knows (:func:`check_strategies`); with a ``dynamics:``
        block, every intervention must be able to act in the race played by agents (only
        payments between rivals do: :func:`coopsim.games.dsair_race.race_problem`)."""
        check_strategies(scenario)
        if "dynamics" not in scenario.model_fields_set:
            return
        from coopsim.games.dsair_race import race_problem

        on_network = {name: bool(override["dynamics"]["network"])
                      if isinstance(override.get("dynamics"), dict) and "network" in override["dynamics"]
                      else scenario.dynamics.network is not None
                      for name, override in scenario.variants.items()}
        if len(set(on_network.values())) > 1:
            raise ValueError(
                "variants: either every variant races on a dynamics.network or none does (the race "
                "on a network and the races between strategy pairs answer different questions); "
                f"on a network: {', '.join(n for n, on in on_network.items() if on)}; not: "
                f"{', '.join(n for n, on in on_network.items() if not on)}")

        for index in range(len(scenario.interventions)):
            if problem := race_problem(scenario, index):
                raise ValueError(f"interventions[{index}]: {problem}")
