"""The project chart theme, shared by every chart builder.

Readable fonts, the Okabe-Ito colour-blind-safe palette, a title that states the result (the
subtitle keeps the question), axis titles with units, and a caption naming scenario and seed.
Variants keep the same colour in every chart (`variant_scale`) and are named with spaces.
"""

from __future__ import annotations

import altair as alt

from coopsim.games.dsair_zones import ZONE_LABELS
from coopsim.labels import words

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
FONT = "Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 520, 300
# A journal's two-column width is about 7 in: no chart is wider than this at its default size.
MAX_CHART_WIDTH = 700  # px (CSS pixels; the PNG is drawn at 2x)
TITLE_CHARACTERS, SUBTITLE_CHARACTERS = 80, 115  # about 700 px at the title and subtitle sizes
# The report's colours for the two actions, wherever cooperating and defecting are shown.
ACTION_COLOURS = {"cooperate": OKABE_ITO[0], "defect": OKABE_ITO[1]}
# The report's colours for the DSAIR zones (coopsim.theory.dsair.ZONES), in zone and phase maps.
ZONE_COLOURS = {
    "compliance": OKABE_ITO[2],
    "dilemma": OKABE_ITO[1],
    "innovation": OKABE_ITO[4],
    "unsafe_preferred_safe_selected": OKABE_ITO[3],
}
# A category with a fixed colour, by the words a legend shows for it (every other category of a
# map takes the next Okabe-Ito colour not fixed in that map).
CATEGORY_COLOURS = {**ACTION_COLOURS, **{ZONE_LABELS[zone]: colour for zone, colour in ZONE_COLOURS.items()}}


# Legend swatches for a line drawn over its pale band: a full-colour stroke, not the band's tint.
LINE_LEGEND = alt.Legend(symbolType="stroke", symbolOpacity=1, symbolStrokeWidth=3)


CONFIG = alt.Config(
    font=FONT, background="white",
    title=alt.TitleConfig(fontSize=16, subtitleFontSize=11, subtitleColor="#555555", offset=10),
    axis=alt.AxisConfig(labelFontSize=12, titleFontSize=13, gridColor="#e6e6e6"),
    legend=alt.LegendConfig(labelFontSize=12, titleFontSize=12, orient="bottom"),
    range=alt.RangeConfig(category=OKABE_ITO),
    view=alt.ViewConfig(strokeWidth=0),
)


def caption(scenario_name: str, seed: int) -> str:
    """The provenance line under every chart title."""
    return f"Scenario: {scenario_name} · seed {seed} · coopsim"


def themed(chart: alt.TopLevelMixin, title: str, subtitle: str | list[str]) -> alt.TopLevelMixin:
    """Apply the project theme and a title/caption to a top-level chart (a newline in the
    subtitle, or a list of lines, starts a new line)."""
    lines = [line for part in ([subtitle] if isinstance(subtitle, str) else subtitle) for line in part.split("\n")]
    lines = [short for line in lines for short in wrap(line, SUBTITLE_CHARACTERS)]
    heading = wrap(title, TITLE_CHARACTERS)
    # One copy of the chart, not one per configure_* call: each copy of a layered chart rebuilds
    # and deep-copies its layers.
    return chart.properties(
        title=alt.TitleParams(text=heading if len(heading) > 1 else title, subtitle=lines, anchor="start"),
        config=CONFIG,
    )


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (a longer word stays whole), broken at spaces, so a
    long title or caption never makes a chart wider than MAX_CHART_WIDTH."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def variant_label(name: str) -> str:
    """A variant's name as charts show it: 'late_joint_research' -> 'late joint research'."""
    return words(name)


def variant_scale(variants: list[str]) -> alt.Scale:
    """The same colour for the same variant in every chart (order of the scenario)."""
    return alt.Scale(domain=list(variants), range=[OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(variants))])
