"""The words of the network part of `coopsim run`'s report (scenarios/network-*.yaml): titles that
state the finding with numbers that equal the saved data, the question, scenario and seed in the
subtitle, human names (no dotted paths or snake_case) in every title, axis and legend, and the
variants' display names in the Networks section."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import vl_convert

from coopsim.analyses.networks import degree_headline, structure_headline
from coopsim.analyses.run import run
from coopsim.report import folder
from coopsim.scenario.loading import load_scenario, with_overrides
from tests.conftest import ROOT, chart_specs_only
from tests.test_chart_words import RAW, _legend_entries, _text, _titles

NETWORK_SCENARIOS = sorted((ROOT / "scenarios").glob("network-*.yaml"))
SHORT = {"dynamics.rounds": 40, "dynamics.replicates": 3}
SHARE = r"(\d+\.\d)%(?: \[(\d+\.\d), (\d+\.\d)\])?"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    saved = {}
    with chart_specs_only():
        for path in NETWORK_SCENARIOS:
            scenario = with_overrides(load_scenario(path), SHORT)
            saved[path.stem] = (scenario, folder.write_report(run(scenario), tmp_path_factory.mktemp(path.stem) / "r"))
    return saved


def _guide_titles(vega) -> list[str]:
    """The titles of every axis and legend in a compiled Vega spec."""
    if isinstance(vega, list):
        return [t for item in vega for t in _guide_titles(item)]
    if not isinstance(vega, dict):
        return []
    found = [_text(g["title"]) for key in ("axes", "legends") for g in vega.get(key, []) if g.get("title")]
    return found + [t for key, value in vega.items() if key not in ("data", "signals") for t in _guide_titles(value)]


def _spec(report, name):
    return json.loads((report / "charts" / f"{name}.vl.json").read_text())


def _title(spec) -> tuple[str, str]:
    return _text(spec["title"]["text"]), " ".join(spec["title"]["subtitle"])


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def test_network_charts_exist_and_speak_in_words(reports):
    assert len(reports) >= 3
    raw = []
    for stem, (scenario, report) in reports.items():
        labs = pd.read_csv(report / "data" / "network_labs.csv")
        names = {"cooperation-by-degree"} | ({"network-drawing"} if labs["x"].notna().any() else set())
        for name in names:
            spec = _spec(report, name)
            title, subtitle = _title(spec)
            assert "?" not in title, (stem, name, title)
            assert scenario.question.strip() in subtitle and f"seed {scenario.seed}" in subtitle, (stem, name)
            assert f"Scenario: {scenario.name}" in subtitle
            vega = vl_convert.vegalite_to_vega(spec)
            words = _titles(vega) + _legend_entries(spec)
            raw += [f"{stem}/{name}: {w}" for w in words if RAW.search(w)]
            # Axis and legend titles are written out, capitalised; Vega-Lite's default would be
            # the field's own (lower-case) name.
            guides = _guide_titles(vega)
            assert guides and all(t[0].isupper() for t in guides), (stem, name, guides)
    assert not raw, "\n".join(raw)
    assert any((report / "charts" / "network-drawing.vl.json").exists() for _, report in reports.values())


def test_networks_section_uses_display_names(reports):
    for stem, (scenario, report) in reports.items():
        text = (report / "report.md").read_text()
        section = text[text.index("## Networks"):text.index("## Provenance")]
        for name in scenario.variants or {}:
            assert f"**{name.replace('_', ' ')}**" in section, (stem, name)
            if "_" in name:
                assert name not in section, (stem, name)
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", section.replace("\\_", "_")), (stem, section)


def _classes(labs: pd.DataFrame) -> pd.DataFrame:
    """Mean long-run cooperation per doubling degree class (1, 2-3, 4-7, ...), recomputed here."""
    low = 2 ** np.floor(np.log2(labs["degree"])).astype(int)
    return labs.assign(low=low).groupby(["variant", "low"], sort=False)["long_run_cooperation"].mean()


def test_degree_title_quotes_the_extreme_classes_of_the_variant_where_they_differ_most(reports):
    for stem, (scenario, report) in reports.items():
        labs = pd.read_csv(report / "data" / "network_labs.csv")
        classes = _classes(labs)
        per_variant = {v: part.droplevel(0).sort_index() for v, part in classes.groupby(level=0, sort=False)}
        gaps = {v: abs(part.iloc[-1] - part.iloc[0]) for v, part in per_variant.items() if len(part) > 1}
        title = _text(_spec(report, "cooperation-by-degree")["title"]["text"])
        if not gaps:
            assert title.startswith("Each variant's labs fall in one degree class"), title
            continue
        variant = max(gaps, key=gaps.get)
        part = per_variant[variant]
        top, bottom = part.iloc[-1], part.iloc[0]
        top_class = f"{part.index[-1]}-{2 * part.index[-1] - 1}" if part.index[-1] > 1 else "1"
        low_class = f"{part.index[0]}-{2 * part.index[0] - 1}" if part.index[0] > 1 else "1"
        numbers = re.fullmatch(r".*: labs with (\S+) neighbours? cooperate (\d+\.\d)% of the time in the long run, "
                               r"those with (\S+) neighbours? (\d+\.\d)%", title)
        assert numbers, title
        assert numbers.groups() == (top_class, _pct(top), low_class, _pct(bottom)), (stem, title)
        if len(labs["variant"].unique()) > 1:
            assert f"With {variant.replace('_', ' ')}, " in title
        word = "alike" if _pct(top) == _pct(bottom) else "more" if top > bottom else "less"
        assert word in title.split(": labs with")[0], title


def test_drawing_title_quotes_the_network_share_and_the_complete_graphs(reports):
    checked = 0
    for stem, (scenario, report) in reports.items():
        if not (report / "charts" / "network-drawing.vl.json").exists():
            continue
        comparison = json.loads((report / "network.json").read_text())
        labs = pd.read_csv(report / "data" / "network_labs.csv")
        gaps = {v: abs(c["cooperating_labs"]["mean"] - c["complete_graph"]["mean"]) for v, c in comparison.items()}
        variant = max(gaps, key=gaps.get)
        c = comparison[variant]
        title = _text(_spec(report, "network-drawing")["title"]["text"])
        found = re.search(SHARE + r" of labs cooperate, against " + SHARE + " when every lab meets every other", title)
        assert found, title
        # the network's share: the mean over its labs of each lab's long-run cooperation (no lab
        # is missing a value here), which the run also averaged replicate by replicate
        mine = labs[labs["variant"] == variant]["long_run_cooperation"].mean()
        assert found.group(1) == _pct(mine) == _pct(c["cooperating_labs"]["mean"]), (stem, title)
        if found.group(2):
            assert (found.group(2), found.group(3)) == (_pct(c["cooperating_labs"]["low"]), _pct(c["cooperating_labs"]["high"]))
        assert found.group(4) == _pct(c["complete_graph"]["mean"])
        helps = c["cooperating_labs"]["low"] > c["complete_graph"]["high"]
        hurts = c["cooperating_labs"]["high"] < c["complete_graph"]["low"]
        verb = "helps" if helps else "hurts" if hurts else "makes no clear difference"
        assert f"network {verb}" in title, title
        checked += 1
    assert checked >= 2


# --------------------------------------------------------------------------- by hand
def _table(rows):
    return pd.DataFrame(rows, columns=["variant", "degree_class", "lowest_degree", "labs", "long_run_cooperation"])


def test_degree_headline_by_hand():
    # a: classes 1 (10%) .. 8-15 (90%): gap 0.8; b: 2-3 (50%) .. 4-7 (40%): gap 0.1 -> a, "more"
    table = _table([("a", "1", 1, 5, 0.1), ("a", "2-3", 2, 3, 0.3), ("a", "8-15", 8, 1, 0.9),
                    ("b", "2-3", 2, 4, 0.5), ("b", "4-7", 4, 4, 0.4)])
    assert degree_headline(table) == ("With a, the best-connected labs cooperate more: labs with 8-15 neighbours "
                                      "cooperate 90.0% of the time in the long run, those with 1 neighbour 10.0%")
    assert degree_headline(table[table["variant"] == "b"]) == (
        "The best-connected labs cooperate less: labs with 4-7 neighbours cooperate 40.0% of the time in the long "
        "run, those with 2-3 neighbours 50.0%")
    alike = _table([("a", "2-3", 2, 3, 0.5), ("a", "4-7", 4, 3, 0.5004)])
    assert degree_headline(alike).startswith("The best- and least connected labs cooperate alike: ")
    one = _table([("random_regular", "4-7", 4, 10, 0.0)])
    assert degree_headline(one) == ("Each variant's labs fall in one degree class: labs with 4-7 neighbours "
                                    "cooperate 0.0% of the time in the long run")


def _case(network, mean, low, high, c_mean, c_low, c_high):
    return {"network": network, "labs": 9, "mean_degree": 3.0, "cooperating_labs": {"mean": mean, "low": low, "high": high},
            "complete_graph": {"mean": c_mean, "low": c_low, "high": c_high},
            "structure": "helped" if low > c_high else "hurt" if high < c_low else "no clear difference"}


def test_structure_headline_by_hand():
    comparison = {"no_policy": _case("file", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0),
                  "audit_frontier_only": _case("file", 0.584, 0.472, 0.848, 1 / 3, 1 / 3, 1 / 3),
                  "audit_everyone": _case("file", 0.2, 0.1, 0.3, 0.5, 0.4, 0.6)}
    assert structure_headline(comparison) == (
        "With audit everyone, the network hurts cooperation: "
        "20.0% [10.0, 30.0] of labs cooperate, against 50.0% [40.0, 60.0] when every lab meets every other")
    del comparison["audit_everyone"]
    assert structure_headline(comparison).startswith("With audit frontier only, the network helps cooperation: 58.4%")
    overlap = {"v": _case("ring", 0.5, 0.3, 0.7, 0.4, 0.2, 0.6)}
    assert structure_headline(overlap).startswith("The network makes no clear difference (the intervals overlap): ")


def test_scenario_section_says_who_meets_whom(reports):
    """Not 'round robin matching' when labs play on a network: each variant's network in words,
    the edge file by its name only (no machine's path)."""
    expected = {"network-scale-free-cooperation": ["a scale-free network (average degree 4)",
                                                   "a random regular network (4 neighbours each)"],
                "network-frontier-labs": ["the network of the scenario's edge file (network-frontier-labs-edges.csv)"],
                "network-degree-normalised-payoffs": ["labs comparing payoffs summed over their partners (total payoffs)",
                                                      "labs comparing payoffs per partner (payoffs per partner)"]}
    for stem, (scenario, report) in reports.items():
        text = (report / "report.md").read_text()
        line = next(line for line in text.splitlines() if line.startswith("Iterated model:"))
        assert "matching" not in line and "labs play their neighbours on " in line, line
        assert all(part in line for part in expected[stem]), line
        assert str(ROOT) not in text


def test_findings_put_each_variants_network_share_before_the_complete_graphs(reports):
    """In the findings at the top of the report, each variant's share on its network comes
    first and the complete graph's second (both from network.json), with the verdict their
    intervals give."""
    for stem, (scenario, report) in reports.items():
        comparison = json.loads((report / "network.json").read_text())
        text = (report / "report.md").read_text()
        top = text[text.index("## Findings"):text.index("## The scenario")]
        for name, c in comparison.items():
            label = name.replace("_", " ")
            helps = c["cooperating_labs"]["low"] > c["complete_graph"]["high"]
            hurts = c["cooperating_labs"]["high"] < c["complete_graph"]["low"]
            verdict = "helps cooperation" if helps else "hurts cooperation" if hurts else "makes no clear difference"
            pattern = (rf"(with {re.escape(label)} {SHARE} of labs cooperate in the long run against {SHARE} when every "
                       rf"lab meets every other \(the structure {verdict}|with {re.escape(label)} {SHARE} against {SHARE} "
                       rf"\(the structure {verdict}|{SHARE} of labs cooperate in the long run \({re.escape(label)}\), "
                       rf"against {SHARE} when every lab meets every other: the structure {verdict})")
            found = re.search(pattern, top)
            assert found, (stem, name, top)
            on, full = re.findall(SHARE, found.group(0).replace(label, ""))
            for (mean, low, high), key in ((on, "cooperating_labs"), (full, "complete_graph")):
                assert mean == _pct(c[key]["mean"]), (stem, name, key, found.group(0))
                assert (low, high) in (("", ""), (_pct(c[key]["low"]), _pct(c[key]["high"]))), (stem, name, key)
