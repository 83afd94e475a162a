"""Racing to the precipice (Armstrong, Bostrom & Shulman 2016): teams trade safety for speed;
the equilibrium safety rule and the probability of disaster, closed form and Monte Carlo.

The mathematics is :mod:`coopsim.theory.precipice`. The model has a continuous safety level, not a
set of strategies, so it has no population game to evolve.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from coopsim.games.base import register
from coopsim.games.base import GameModel, Measure, PhaseMap, trust_field
from coopsim.scenario.base import Probability, Strict

if TYPE_CHECKING:
    from coopsim.scenario.spec import Scenario
    from coopsim.theory.precipice import PrecipiceParams

PRECIPICE_STREAM = 0x70726563  # spawn key of the precipice Monte Carlo stream ("prec")
AGREEMENT_STANDARD_ERRORS = 4.0  # Monte Carlo agrees with the closed form within this many SE
MONTE_CARLO_Z = 1.959963984540054  # the standard normal's 97.5% quantile: a 95% interval


class PrecipiceGame(Strict):
    """Armstrong, Bostrom & Shulman (2016): racing to the precipice."""

    model: Literal["precipice"] = Field(
        description="Payoff model: racing to the precipice (Armstrong et al. 2016)."
    )
    teams: int = Field(ge=2, description="Number of teams racing.")
    mu: float = Field(gt=0.0, description="Capabilities are uniform on [0, mu].")
    enmity: float = Field(gt=0.0, le=1.0, description="e: how much a team dislikes another's win.")
    information: Literal["none", "private", "public"] = Field(
        description="What teams know about capabilities."
    )
    monte_carlo_races: int = Field(
        200_000, ge=100, description="Races simulated to check the closed-form disaster probability."
    )
    trust: Probability = trust_field()


def precipice_params(scenario: Scenario, information: str | None = None) -> PrecipiceParams:
    """The scenario's precipice game (optionally under another information condition)."""
    from coopsim.theory.precipice import PrecipiceParams

    g = scenario.game
    return PrecipiceParams(g.teams, g.mu, g.enmity, information or g.information)


def safety_rule(p: PrecipiceParams) -> dict[str, Any]:
    """The equilibrium safety rule in words and as a formula, with this scenario's numbers."""
    from coopsim.theory import precipice

    n, mu, e = p.teams, p.mu, p.enmity
    if p.information == "none":
        value = min(mu / (e * n), 1.0)
        return {
            "formula": "s = min(mu / (e n), 1)",
            "in_words": "no team knows any capability, so every team takes the same safety "
            f"level: mu/(e n) = {mu:g}/({e:g} x {n}) = {mu / (e * n):.4g}, capped at 1",
            "safety": value,
        }
    if p.information == "private":
        k = precipice.private_divisor(p)
        capped = (f"teams with c >= {k:.4g} are fully safe" if mu > k
                  else f"no team reaches full safety, since c <= mu = {mu:g}")
        return {
            "formula": "s(c) = min(c / (e n - e + 1), 1)",
            "in_words": "each team knows only its own capability c and takes safety in "
            f"proportion to it: s = c / {k:.4g} ({capped})",
            "divisor": k,
        }
    return {
        "formula": "s = min(Delta / e, 1) for the leader",
        "in_words": "capabilities are public, so only the leader's choice matters: it keeps "
        f"just enough of its lead Delta over the second team, s = Delta / {e:g}, capped at 1",
        "enmity": e,
    }


def solve(scenario: Scenario, source: str = "<scenario>") -> dict[str, Any]:
    """`coopsim solve` for a precipice scenario: safety rule and probability of disaster.

    The Monte Carlo estimate simulates ``game.monte_carlo_races`` races with a generator seeded
    from ``SeedSequence(scenario.seed, spawn_key=(PRECIPICE_STREAM,))``. Its standard error is
    ``sqrt(P (1 - P) / races)`` with ``P`` the closed form; the two agree when they are within
    :data:`AGREEMENT_STANDARD_ERRORS` standard errors (a false alarm about once in 16 000 runs).
    The estimate's own 95% interval is the normal approximation ``m +- 1.96 sqrt(m (1 - m) /
    races)`` around the simulated share ``m``, clipped to [0, 1]."""
    import numpy as np

    from coopsim.analyses.evolution import jsonable
    from coopsim.theory import precipice

    p = precipice_params(scenario)
    closed = precipice.disaster_probability(p)
    races = scenario.game.monte_carlo_races
    rng = np.random.default_rng(np.random.SeedSequence(scenario.seed, spawn_key=(PRECIPICE_STREAM,)))
    simulated = precipice.simulate_disaster_probability(p, races, rng)
    se = math.sqrt(closed * (1 - closed) / races)
    half = MONTE_CARLO_Z * math.sqrt(simulated * (1 - simulated) / races)
    difference = simulated - closed
    z = difference / se if se > 0 else (0.0 if difference == 0 else math.inf)
    return jsonable({
        "scenario": scenario.name,
        "model": "precipice",
        "parameters": {"teams": p.teams, "mu": p.mu, "enmity": p.enmity,
                       "information": p.information},
        "safety_rule": {"information": p.information, **safety_rule(p)},
        "disaster_probability": {
            "closed_form": closed,
            "monte_carlo": simulated,
            "races": races,
            "monte_carlo_interval": [max(simulated - half, 0.0), min(simulated + half, 1.0)],
            "standard_error": se,
            "difference": difference,
            "z_score": z,
            "tolerance_standard_errors": AGREEMENT_STANDARD_ERRORS,
            "agree": bool(abs(z) <= AGREEMENT_STANDARD_ERRORS),
            "seed": scenario.seed,
        },
        "winner_expected_safety": 1 - closed,
        "by_information": {
            info: precipice.disaster_probability(precipice_params(scenario, info))
            for info in precipice.INFORMATION
        },
    })


def solution_markdown(solution: dict[str, Any], heading_level: int = 2) -> str:
    """`coopsim solve` for a precipice race, in words."""
    from coopsim.analyses.oneshot_text import fmt, markdown_table

    h = "#" * heading_level
    d, rule, par = solution["disaster_probability"], solution["safety_rule"], solution["parameters"]
    lines = [
        f"{h} Racing to the precipice: {solution['scenario']}",
        "",
        f"{par['teams']} teams, capabilities uniform on [0, {fmt(par['mu'])}], enmity "
        f"{fmt(par['enmity'])}, information: {par['information']}.",
        "",
        f"**Equilibrium safety rule:** `{rule['formula']}` — {rule['in_words']}.",
        "",
        f"**Probability of disaster:** {d['closed_form']:.4f} (closed form); "
        f"{d['monte_carlo']:.4f} from {d['races']:,} simulated races (seed {d['seed']}), "
        f"standard error {d['standard_error']:.4f}, {d['z_score']:+.2f} SE: "
        + ("agree" if d["agree"] else "DISAGREE")
        + f" (tolerance {d['tolerance_standard_errors']:g} SE).",
        "",
        "The same race under each information condition (closed form):",
        "",
    ]
    lines += markdown_table(
        ["information", "probability of disaster"],
        [[info, p] for info, p in solution["by_information"].items()],
    )
    return "\n".join(lines).rstrip() + "\n"


def charts(scenario: Scenario, subtitle: str, solution: dict[str, Any] | None = None) -> dict[str, Any]:
    """Disaster probability against mu for the three information conditions."""
    from coopsim.charts import races as race_charts

    result = solution or solve(scenario)
    return {"precipice-disaster-vs-mu": race_charts.disaster_vs_mu_chart(result, subtitle)}


MEASURES = (
    Measure("disaster_probability", "probability of disaster (closed form)", (0.0, 1.0), ranked=True),
    *(Measure(f"disaster_probability_{info}_information",
              f"probability of disaster, {info} information (closed form)", (0.0, 1.0))
      for info in ("none", "private", "public")),
)


def measure(scenario: Scenario, variant: str = "", replicate: int = 0, seed: Any = None) -> dict[str, float]:
    """The probability of disaster at a sweep point, in closed form
    (:func:`coopsim.theory.precipice.disaster_probability`): under the scenario's information
    condition and under each of the three (so one sweep compares them). Exact: ``seed`` is
    unused and the Monte Carlo check of `coopsim solve` is not run."""
    from coopsim.theory import precipice

    values = {"disaster_probability": precipice.disaster_probability(precipice_params(scenario))}
    for info in precipice.INFORMATION:
        values[f"disaster_probability_{info}_information"] = precipice.disaster_probability(
            precipice_params(scenario, info))
    return values


PHASE_MAPS = {
    "disaster": PhaseMap("disaster_band", "probability of disaster (closed form, 10-point bands)", ordered=True),
    "riskiest-information": PhaseMap("riskiest_information",
                                     "information condition with the highest probability of disaster"),
}


@register("precipice")
class Precipice(GameModel):
    """Racing to the precipice (see the module docstring)."""

    spec = PrecipiceGame
    solution_title = "The race"
    no_population_game = ("has a continuous safety level, not a set of strategies to evolve; use "
                          "`coopsim solve` for its equilibrium and disaster probability")
    solve = staticmethod(solve)
    solution_markdown = staticmethod(solution_markdown)
    charts = staticmethod(charts)

    @staticmethod
    def findings(scenario: Scenario, extras: dict[str, Any]) -> list:
        from coopsim.analyses.findings_races import precipice_findings

        return precipice_findings(scenario, extras)

    measures = MEASURES
    measure = staticmethod(measure)
    measure_exact = True

    @staticmethod
    def phase(scenario: Scenario, x: Any, y: Any, source: str = "<scenario>") -> Any:
        from coopsim.analyses.race_phase import precipice_phase

        return precipice_phase(scenario, x, y, source)

    phase_maps = PHASE_MAPS
    sensitivity_factors = ("teams", "mu", "enmity")
