"""Results in words: number formats, the one-shot verdict of a kind of lab, and chart titles that
state the result (the findings, :mod:`coopsim.analyses.findings`, use the same words).

A kind of lab's verdict comes from its critical trust tau* and the side of it where cooperating
is the best response (``cooperation_region``, from :mod:`coopsim.analyses.oneshot`). Only trust
in [0, 1] exists, so a threshold outside it is no threshold: "above -0.5" means at every level
of trust, "below 0" or "above 1" at none. The lines EV(cooperate) and EV(defect) cross inside
the chart only when 0 <= tau* <= 1 (:func:`crossing`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

LONG_RUN = "long_run_cooperation"
INCIDENTS = "cumulative_incidents"
WELFARE = "welfare"


def percent(share: float, sign: bool = True) -> str:
    """0.9791 -> '97.9%' (or '97.9' inside an interval)."""
    return f"{100 * share:.1f}" + ("%" if sign else "")


def plain(value: float) -> str:
    """Readable magnitudes: 33.2, 1,107, -2,296, 0.05."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2g}" if value else "0"


def threshold_text(value: float) -> str:
    """A critical trust or threshold as printed: 0.3333 -> '0.333'."""
    return f"{value + 0.0:.3g}"


def trust_range(lab: dict[str, Any]) -> tuple[str, float | None]:
    """Where cooperating is a kind of lab's best response within trust in [0, 1]: ('above', t),
    ('below', t), ('always', None), ('never', None) or ('indifferent', None)."""
    threshold, region = lab.get("trust_threshold"), str(lab.get("cooperation_region"))
    if region in ("always", "indifferent"):
        return region, None
    if threshold is None:
        return "never", None
    if region.startswith("trust >"):
        return ("always", None) if threshold < 0 else ("never", None) if threshold >= 1 else ("above", threshold)
    return ("always", None) if threshold > 1 else ("never", None) if threshold <= 0 else ("below", threshold)


def trust_range_words(lab: dict[str, Any]) -> str:
    """'cooperating pays only at trust above 0.667', 'no level of trust makes cooperating pay'..."""
    side, threshold = trust_range(lab)
    if threshold is not None:
        return f"cooperating pays only at trust {side} {threshold_text(threshold)}"
    return {"always": "cooperating pays at every level of trust",
            "indifferent": "cooperating and defecting pay the same at every level of trust",
            "never": "no level of trust makes cooperating pay"}[side]


def crossing(lab: dict[str, Any]) -> float | None:
    """The trust in [0, 1] where EV(cooperate) and EV(defect) cross, or None when they do not."""
    threshold = lab.get("trust_threshold")
    return threshold if threshold is not None and 0 <= threshold <= 1 else None


def capitalised(text: str) -> str:
    """The text with its first letter in upper case (the rest as it is)."""
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------- chart titles
# (words, how a value is written, the verbs for a rise and a fall): one title per measure.
HEADLINE_MEASURES = {
    LONG_RUN: ("long-run cooperation", percent, ("rises", "falls")),
    "long_run_trust": ("long-run trust", lambda v: f"{v:.2f}", ("rises", "falls")),
    INCIDENTS: ("incidents per run", plain, ("rise", "fall")),
    WELFARE: ("welfare per run", plain, ("rises", "falls")),
}


def long_run_means(rounds: pd.DataFrame, summary: pd.DataFrame, column: str) -> pd.Series:
    """Per variant, the mean of a ``rounds`` column over the long run (the final
    ``long_run_rounds`` rounds of the summary) pooled over replicates, in summary order."""
    tails = summary.set_index("variant")["long_run_rounds"]
    means = {}
    for variant, table in rounds.groupby("variant", sort=False):
        last = table["round"].max()
        means[variant] = table.loc[table["round"] > last - int(tails[variant]), column].mean()
    return pd.Series(means).reindex(summary["variant"])


def headline(means: pd.Series, measure: str) -> str:
    """A chart title stating the result for one measure, from per-variant values (``means``,
    indexed by variant, the first the reference): the variant that moves it furthest from the
    reference, e.g. 'Long-run cooperation rises from 1.7% (no collaboration) to 97.9% with joint
    research'; with one variant, its value."""
    words, write, (up, down) = HEADLINE_MEASURES[measure]
    subject = capitalised(words)
    names = list(means.index)
    reference = names[0]
    if len(names) == 1:
        return f"{subject}: {write(means[reference])}"
    changes = (means.drop(reference) - means[reference]).abs()
    if not (changes > 0).any():
        return f"{subject}: {write(means[reference])} in every variant"
    mover = changes.idxmax()
    if write(means[mover]) == write(means[reference]):  # a change too small to show
        return f"{subject}: {write(means[reference])} in every variant"
    verb = up if means[mover] > means[reference] else down
    return (f"{subject} {verb} from {write(means[reference])} ({reference.replace('_', ' ')}) "
            f"to {write(means[mover])} with {mover.replace('_', ' ')}")


def class_words(game_class: Any) -> str:
    """A game class (or its detail) in words: 'stag hunt', 'asymmetric: chicken for ...'."""
    from coopsim.analyses.oneshot_text import class_title

    try:
        return class_title(game_class)
    except (TypeError, ValueError, AttributeError, KeyError):
        return str(game_class).replace("_", " ").replace("|", " and ")


def _verdicts(labs: list[dict[str, Any]]) -> str:
    """One verdict for all kinds when they agree, else 'name: verdict; ...'."""
    verdicts = [(lab["name"], trust_range_words(lab)) for lab in labs]
    if len({text for _, text in verdicts}) == 1:
        return capitalised(verdicts[0][1])
    return "; ".join(f"{name}: {text}" for name, text in verdicts)


def game_words(game: dict[str, Any], names: dict[str, Any] | None = None) -> str:
    """The class of a one-shot game (``oneshot`` or one variant's expected game) in words, the
    row and column labs named as in ``names`` (default: the game itself), e.g. 'chicken for
    Frontier lab, stag hunt for Newcomer'."""
    names = names or game
    words = class_words(game.get("game_class_detail") or game.get("game_class")).removeprefix("asymmetric: ")
    for side in ("row", "column"):
        if names.get(f"{side}_lab"):
            words = words.replace(f"the {side} lab", names[f"{side}_lab"])
    return words


def oneshot_headlines(oneshot: dict[str, Any]) -> tuple[str, str]:
    """Titles for the payoff-matrix and expected-payoff charts: the game's class, and where
    cooperating becomes each kind of lab's best response (its critical trust)."""
    return f"One-shot game: {game_words(oneshot)}", _verdicts(oneshot.get("labs", []))


def short_verdict(lab: dict[str, Any]) -> str:
    """'cooperating pays above trust 0.333', 'cooperating never pays', ... (by :func:`trust_range`)."""
    side, threshold = trust_range(lab)
    if threshold is not None:
        return f"cooperating pays {side} trust {threshold_text(threshold)}"
    return {"always": "cooperating pays at any trust", "never": "cooperating never pays",
            "indifferent": "cooperating and defecting pay the same"}[side]


def policy_headline(policy: dict[str, dict[str, Any]]) -> str:
    """Title of the per-variant expected-payoff chart: where cooperating pays in each variant's
    expected game, variants that agree grouped, e.g. 'Cooperating pays above trust 0.333 in
    joint research and late joint research; cooperating never pays in no collaboration'; with
    several kinds of lab, 'Where cooperating pays: no collaboration: for no lab; joint research:
    Mid-size lab above trust 0.333 and Newcomer above trust 0.6'."""
    groups: dict[str, list[str]] = {}
    several = any(len(game["labs"]) > 1 for game in policy.values())
    for name, game in policy.items():
        if several:
            pays = [f"{lab['name']} {short_verdict(lab).removeprefix('cooperating pays ')}"
                    for lab in game["labs"] if trust_range(lab)[0] in ("above", "below", "always")]
            text = ", ".join(pays) if pays else "for no lab"
        else:
            text = short_verdict(game["labs"][0])
        groups.setdefault(text, []).append(name.replace("_", " "))
    if several:
        return "Where cooperating pays: " + "; ".join(f"{' and '.join(names)}: {text}" for text, names in groups.items())
    if len(groups) == 1:
        return capitalised(next(iter(groups))) + " in every variant"
    return capitalised("; ".join(f"{text} in {' and '.join(names)}" for text, names in groups.items()))


def lab_headline(table: pd.DataFrame) -> str:
    """Title of the lab-by-lab charts: in the variant where kinds differ most, the least and the
    most cooperative kind, e.g. 'In baseline, Frontier lab cooperates 28.0% of the time in the
    long run, Newcomer 100.0%'."""
    gaps = table.groupby("variant", sort=False)["cooperation_mean"].agg(lambda s: s.max() - s.min())
    variant = gaps.idxmax()
    part = table[table["variant"] == variant].set_index("kind")["cooperation_mean"]
    low, high = part.idxmin(), part.idxmax()
    where = f"In {variant.replace('_', ' ')}, " if table["variant"].nunique() > 1 else ""
    if part[low] == part[high]:
        return f"{where}every kind of lab cooperates {percent(part[low])} of the time in the long run"
    tops = [kind for kind, share in part.items() if percent(share) == percent(part[high])]
    names = tops[0] if len(tops) == 1 else ", ".join(tops[:-1]) + " and " + tops[-1]
    return f"{where}{low} cooperates {percent(part[low])} of the time in the long run, {names} {percent(part[high])}"


def cooperates_at(lab: dict[str, Any], trust: float) -> bool:
    """Whether cooperating is the kind of lab's best response at ``trust`` (by :func:`trust_range`)."""
    side, threshold = trust_range(lab)
    return side == "always" or (side == "above" and trust > threshold) or (side == "below" and trust < threshold)
