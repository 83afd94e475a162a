"""Findings of the race models, from their saved results (see :mod:`coopsim.analyses.findings`).

A payoff model states its own findings through ``GameModel.findings(scenario, extras)``; the two
race models use the functions here:

* DSAIR (Han et al. 2020), from the evolve result (``evolution.json``; per variant when the
  scenario has variants): the zone of each variant with its ``p_r``, the stationary shares of the
  strategies in the small-mutation limit, and the exact thresholds in ``p_r`` (each condition
  holds above its threshold). When the variants share their thresholds they are stated once,
  with what they mean for regulation (safety is selected above the AS risk-dominance threshold;
  between the collective-preference threshold and it, safety is preferred but not selected).
* The DSAIR race played on a network (``race_dynamics.json``): each variant's long-run share of
  the first strategy (AS) with its interval, against the well-mixed end of Eq. 2.
* Racing to the precipice (Armstrong et al. 2016), from ``solution.json``: the probability of
  disaster under the scenario's information condition, closed form beside the Monte Carlo
  estimate with its 95% interval, and the closed form under every information condition.

Quoted numbers are recorded with the JSON file (``evolution``, ``solution``) and the dotted path
of the object holding them.
"""

from __future__ import annotations

from typing import Any

from coopsim.analyses.findings import Finding, Writer, interval_text, listed, words
from coopsim.analyses.headlines import capitalised, percent, threshold_text


def race_findings(result: Any) -> list[Finding]:
    """The scenario's payoff model's own findings (none for stage games)."""
    from coopsim.games import game_model

    return game_model(result.scenario).findings(result.scenario, result.extras)


# --------------------------------------------------------------------------- DSAIR
def dsair_findings(scenario: Any, extras: dict[str, Any]) -> list[Finding]:
    """The race on a network (when played), then zone, stationary shares and thresholds of
    every variant (see the module docstring)."""
    findings = network_race_findings(extras.get("race_dynamics"))
    evolved = extras.get("evolution")
    if evolved is None:
        return findings
    return findings + _evolution_findings(evolved)


def network_race_findings(race: dict[str, Any] | None) -> list[Finding]:
    """The race played on a network (``race_dynamics.json``), per variant: the first strategy's
    long-run share of labs with its 95% interval, beside the end of the replicator dynamics of an
    infinite well-mixed population playing Eq. 2 from the same start, and where the interval lies
    against it (:func:`coopsim.games.dsair_network.against_well_mixed`). The comparison is of
    outcomes, not a causal effect of the network: the agents are finitely many, imitate by the
    Fermi rule and play for a finite time. With one replicate there is no interval, and it says so."""
    from coopsim.games.dsair_network import against_well_mixed

    if not race or not race.get("network"):
        return []
    first = race["strategies"][0]
    findings = []
    for name, variant in race["variants"].items():
        w, path = Writer(), f"variants.{name}"
        share = variant["long_run"][first]
        mean, low, high = (w.quote("race_dynamics", f"{path}.long_run.{first}", part, share[part])
                           for part in ("mean", "low", "high"))
        text = (f"{capitalised(words(name))} ({variant['labs']:,} labs on a {words(variant['network'])} network, "
                f"{variant['payoffs']} payoffs): {first} holds {interval_text(mean, low, high)} of labs "
                "in the long run")
        reference = variant.get("well_mixed") or {}
        single = variant.get("replicates", 2) < 2
        if reference.get("end") is not None and not single:
            end = w.quote("race_dynamics", f"{path}.well_mixed", "end", reference["end"])
            verdict = against_well_mixed({"low": low, "high": high}, end)
            text += (f", {verdict} the {percent(end)} at which the replicator dynamics of a well-mixed "
                     "population playing Eq. 2 end")
        findings.append(w.finding(text + "."))
        if single:
            findings.append(Finding(f"{capitalised(words(name))}: one replicate, so no interval and no comparison "
                                    "with the well-mixed population.", caveat=True))
    return findings


def _evolution_findings(evolved: dict[str, Any]) -> list[Finding]:
    """Zone, stationary shares and thresholds of every variant of the evolve result."""
    from coopsim.analyses.evolution_text import leaders_text

    cases = ({f"variants.{name}": (name, result) for name, result in evolved["variants"].items()}
             if evolved.get("variants") else {"": (None, evolved)})
    findings = []
    leaders = {name: leaders_text(result["stationary"]) for name, result in cases.values()}
    if len(cases) > 1:
        if len(set(leaders.values())) > 1:
            findings.append(Finding("The answer depends on the variant: the most abundant strategy in the "
                                    "long run is " + listed([f"{s} in {words(n)}" for n, s in leaders.items()]) + "."))
        else:
            findings.append(Finding(f"In every variant the most abundant strategy in the long run is "
                                    f"{next(iter(leaders.values()))}."))
    shared = len({repr(result["thresholds"]) for _, result in cases.values()}) == 1
    if shared:
        findings.insert(0, _shared_thresholds(*next(iter(cases.items()))))
    for path, (name, result) in cases.items():
        w = Writer()
        p_r = w.quote("evolution", path, "p_r", result["p_r"])
        shares = sorted(result["stationary"].items(), key=lambda item: -item[1])
        where = f"{path}.stationary".lstrip(".")
        stationary = ", ".join(f"{s} {percent(w.quote('evolution', where, s, share))}" for s, share in shares)
        text = (f"{capitalised(words(name)) + ' ' if name else ''}(p_r = {p_r:.3g}): {words(result['zone'])} zone — "
                f"{result['zone_meaning']}. Share of time the population spends at each strategy: {stationary}.")
        if not shared:
            text += " " + _against_thresholds(w, path, result)
        findings.append(w.finding(text))
    return findings


def _shared_thresholds(path: str, case: tuple[str | None, dict[str, Any]]) -> Finding:
    """The thresholds every variant shares, and what they mean for regulation."""
    result = case[1]
    w = Writer()
    text = "Thresholds in p_r (exact; each condition holds above its threshold): " + "; ".join(
        f"{_condition(key)} above {_threshold(w, path, key, forms)}"
        for key, forms in result["thresholds"].items()) + "."
    preferred = result["thresholds"].get("collective_preference", {}).get("exact")
    selected = result["thresholds"].get("as_risk_dominance", {}).get("exact")
    if preferred is not None and selected is not None and preferred < selected:
        text += (f" So safe development wins out (is selected) only when p_r is above "
                 f"{_threshold(w, path, 'as_risk_dominance', result['thresholds']['as_risk_dominance'])}; "
                 f"between {_threshold(w, path, 'collective_preference', result['thresholds']['collective_preference'])} "
                 "and that, safety is collectively preferred but not selected: the zone where it needs regulating.")
    return w.finding(text)


def _condition(key: str) -> str:
    """A threshold's condition in words, without its explanation in brackets."""
    from coopsim.games.dsair_text import THRESHOLD_NAMES

    return THRESHOLD_NAMES[key].split(" (")[0]


def _threshold(w: Writer, path: str, key: str, forms: dict[str, Any]) -> str:
    value = forms.get("exact")
    if value is None:
        return "no p_r in [0, 1]"
    return threshold_text(w.quote("evolution", f"{path}.thresholds.{key}".lstrip("."), "exact", value))


def _against_thresholds(w: Writer, path: str, result: dict[str, Any]) -> str:
    """'p_r is above the threshold of A (0.253) and below those of B (0.499) and C (0.637).'"""
    above, below = [], []
    for key, forms in result["thresholds"].items():
        if forms.get("exact") is None:
            continue
        (above if result["p_r"] > forms["exact"] else below).append(f"{_condition(key)} ({_threshold(w, path, key, forms)})")
    parts = ([f"above the threshold for {listed(above)}"] if above else []) + (
        [f"below the threshold for {listed(below)}"] if below else [])
    return f"Its p_r is {' and '.join(parts)}." if parts else ""


# --------------------------------------------------------------------------- precipice
INFORMATION_WORDS = {"none": "no information", "private": "private information", "public": "public information"}


def precipice_findings(scenario: Any, extras: dict[str, Any]) -> list[Finding]:
    """Disaster probability: closed form and Monte Carlo, and by information condition."""
    solution = extras.get("solution")
    if solution is None:
        return []
    d = solution["disaster_probability"]
    info = solution["parameters"]["information"]
    w = Writer()
    closed = w.quote("solution", "disaster_probability", "closed_form", d["closed_form"])
    simulated = w.quote("solution", "disaster_probability", "monte_carlo", d["monte_carlo"])
    low, high = (w.quote("solution", "disaster_probability.monte_carlo_interval", str(i), d["monte_carlo_interval"][i])
                 for i in (0, 1))
    races = int(w.quote("solution", "disaster_probability", "races", d["races"]))
    agreement = ("agrees with it" if d["agree"] else "DISAGREES with it") + (
        f" (within {d['tolerance_standard_errors']:g} standard errors)" if d["agree"] else "")
    findings = [w.finding(
        f"With {INFORMATION_WORDS[info]}, teams follow the equilibrium safety rule "
        f"{solution['safety_rule']['formula']} and the race ends in disaster with probability "
        f"{closed:.3g} (closed form); {races:,} simulated races give "
        f"{simulated:.3g} [{low:.3g}, {high:.3g}] (95% interval), which {agreement}.")]
    w = Writer()
    ranked = sorted(solution["by_information"].items(), key=lambda item: -item[1])
    parts = [f"{INFORMATION_WORDS[name]} {w.quote('solution', 'by_information', name, p):.3g}" for name, p in ranked]
    text = f"Probability of disaster in the same race by what teams know (closed form): {', '.join(parts)}"
    order = [name for name, _ in ranked]
    if order == ["public", "private", "none"]:
        text += ": the more the teams know about each other's capabilities, the likelier disaster"
    elif order == ["none", "private", "public"]:
        text += ": the more the teams know about each other's capabilities, the less likely disaster"
    findings.append(w.finding(text + "."))
    return findings
