"""The report folder: self-contained HTML that renders offline in Chromium, Markdown with images,
rebuilding without simulating, and byte-identical data for the same seed."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from tests.conftest import ROOT

SCENARIO = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("run") / "report"
    result = CliRunner().invoke(app, ["run", str(SCENARIO), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def embedded_specs(page: str) -> list[dict]:
    return [json.loads(m.replace("<\\/", "</")) for m in
            re.findall(r'<script type="application/json" id="spec-\d+">(.*?)</script>', page, re.S)]


def test_html_is_self_contained(report_dir):
    page = (report_dir / "index.html").read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=", page)
    assert not re.search(r"<link[^>]*\bhref\s*=\s*\"https?:", page)
    plain_scripts = re.findall(r"<script>", page)
    assert len(plain_scripts) == 2  # the Vega bundle once, then the embedding code
    specs = embedded_specs(page)
    assert len(specs) == len(re.findall(r'<figure class="chart"', page)) >= 7

    def urls(node):
        if isinstance(node, dict):
            return (["url"] if "url" in node else []) + [u for v in node.values() for u in urls(v)]
        if isinstance(node, list):
            return [u for v in node for u in urls(v)]
        return []

    assert not [u for spec in specs for u in urls(spec.get("data", {})) + urls(spec.get("datasets", {}))]
    assert all("url" not in json.dumps(spec.get("data", {})) for spec in specs)


def test_page_says_what_an_analyst_needs(report_dir):
    page = (report_dir / "index.html").read_text()
    for words in ("Question:", "The scenario", "One-shot game", "No level of trust makes cooperating the best response",
                  "critical trust", "Iterated results by variant",
                  "audit and fine", "4. incentivise adherence to high standards", "Provenance", "SHA-256"):
        assert words in page, words


def test_markdown_report_images_exist(report_dir):
    text = (report_dir / "report.md").read_text()
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert len(images) >= 7
    for image in images:
        assert (report_dir / image).stat().st_size > 1000


def test_every_chart_in_every_format_with_telling_names(report_dir):
    names = {p.name.split(".")[0] for p in (report_dir / "charts").iterdir()}
    assert {"cooperation-over-time", "trust-over-time", "cumulative-incidents", "welfare-over-time",
            "variant-summary", "payoff-matrix", "expected-payoff-vs-trust"} <= names
    for name in names:
        for suffix in (".png", ".svg", ".vl.json", ".html"):
            assert (report_dir / "charts" / f"{name}{suffix}").is_file()


def test_report_command_rebuilds_without_simulating(report_dir, monkeypatch):
    import coopsim.abm.runner

    before = {p.name: p.read_bytes() for p in (report_dir / "data").iterdir()}
    shutil.rmtree(report_dir / "charts")
    (report_dir / "index.html").unlink()
    monkeypatch.setattr(coopsim.abm.runner, "simulate_one", lambda *a, **k: pytest.fail("simulated"))
    result = CliRunner().invoke(app, ["report", str(report_dir), "--quiet"])
    assert result.exit_code == 0, result.output
    assert (report_dir / "index.html").is_file() and (report_dir / "charts" / "cooperation-over-time.png").is_file()
    assert {p.name: p.read_bytes() for p in (report_dir / "data").iterdir()} == before


def test_report_on_a_folder_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2 and "not a coopsim run folder" in result.stderr


def test_same_seed_gives_byte_identical_data_and_another_seed_differs(tmp_path, write_yaml):
    text = SCENARIO.read_text().replace("rounds: 150", "rounds: 40").replace("replicates: 10", "replicates: 3")
    runs = {}
    for label, seed in (("a", 2024), ("b", 2024), ("c", 99)):
        path = write_yaml(text.replace("seed: 2024", f"seed: {seed}"), f"{label}.yaml")
        out = tmp_path / label
        assert CliRunner().invoke(app, ["run", str(path), "--out", str(out), "-q"]).exit_code == 0
        runs[label] = {n: (out / "data" / f"{n}.csv").read_bytes() for n in ("rounds", "labs", "summary")}
    assert runs["a"] == runs["b"]
    assert runs["a"]["labs"] != runs["c"]["labs"]


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        if shutil.which(name):
            return shutil.which(name)
    return None


def render_in_chromium(page: Path, profile: Path) -> tuple[str, list[str]]:
    """The DOM of `page` after its scripts ran in headless Chromium with no network, and the
    console lines it logged."""
    browser = find_chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    command = [
        browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync",
        f"--user-data-dir={profile}",
        # No network at all: every host resolves to nothing and any proxy use fails.
        "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=30000",
        "--window-size=1200,3000", "--dump-dom", page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    return done.stdout, [line for line in done.stderr.splitlines() if "CONSOLE" in line]


def assert_charts_rendered(dom: str, at_least: int) -> None:
    figures = re.findall(r'<figure class="chart".*?</figure>', dom, re.S)
    assert len(figures) >= at_least, dom[-2000:]
    for figure in figures:
        svg = re.search(r'<svg[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"', figure)
        assert svg and float(svg.group(1)) > 0 and float(svg.group(2)) > 0, figure[:300]
    status = re.search(r'<body data-charts-rendered="(\d+)" data-charts-failed="(\d+)"', dom)
    assert status and status.groups() == (str(len(figures)), "0"), "the page did not finish rendering"


def test_report_renders_completely_offline_in_chromium(report_dir, tmp_path):
    assert csp_of((report_dir / "index.html").read_text())  # the charts render under the policy
    dom, console = render_in_chromium(report_dir / "index.html", tmp_path / "profile")
    assert_charts_rendered(dom, 7)
    assert not console, console


def test_a_single_chart_page_renders_offline_in_chromium(report_dir, tmp_path):
    page = report_dir / "charts" / "cooperation-over-time.html"
    assert csp_of(page.read_text())["default-src"] == ["'none'"]
    dom, console = render_in_chromium(page, tmp_path / "profile")
    assert_charts_rendered(dom, 1)
    assert not console, console


def test_chart_files_are_what_altair_itself_exports(tmp_path):
    # A chart is drawn once, in a drawing process (PNG rasterised from the SVG); Altair's
    # chart.save draws per format. A continuous colour legend (an SVG gradient) and more rows
    # than Altair's default limit.
    import altair as alt
    import pandas as pd

    from coopsim.report.folder import save_chart

    cells = pd.DataFrame([{"x": x, "y": y, "v": (x * y) % 17} for x in range(80) for y in range(80)])
    chart = alt.Chart(cells).mark_rect().encode(x="x:O", y="y:O", color="v:Q").properties(title="cells")
    paths = save_chart(chart, tmp_path / "once", "cells")
    assert [p.name for p in paths] == ["cells.html", "cells.png", "cells.svg", "cells.vl.json"]
    (tmp_path / "altair").mkdir()
    for path in paths[1:]:
        reference = tmp_path / "altair" / path.name
        chart.save(str(reference), **({"scale_factor": 2} if path.suffix == ".png" else {}))
        ours, theirs = path.read_bytes(), reference.read_bytes()
        if path.suffix == ".svg":  # vl-convert numbers gradients per process: compare up to that
            ours, theirs = (re.sub(rb"gradient_\d+", b"gradient", svg) for svg in (ours, theirs))
        assert ours == theirs, path.name
    # The offline page is the report's own (escaped, with its Content-Security-Policy), holding
    # the same spec and the same JavaScript as Altair's inline page.
    page = paths[0].read_text()
    embedded = re.search(r'<script type="application/json" id="spec-0">(.*?)</script>', page, re.S).group(1)
    with alt.data_transformers.disable_max_rows():
        assert json.loads(embedded) == json.loads(paths[3].read_text()) == chart.to_dict()
    chart.save(str(tmp_path / "altair" / "cells.html"), inline=True)
    altair_page = (tmp_path / "altair" / "cells.html").read_text()
    bundle = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    assert len(bundle) > 100_000 and bundle.replace("<\\/script", "</script") in altair_page
    assert csp_of(page)["default-src"] == ["'none'"]


def csp_of(page: str) -> dict[str, list[str]]:
    """The page's Content-Security-Policy meta tag as {directive: sources}."""
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert meta, "no Content-Security-Policy meta tag"
    policy = {}
    for directive in html.unescape(meta.group(1)).split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def test_csp_allows_only_the_pages_own_scripts_and_no_requests(report_dir):
    page = (report_dir / "index.html").read_text()
    assert page.index("Content-Security-Policy") < page.index("<script")
    policy = csp_of(page)
    assert policy["default-src"] == ["'none'"]
    for fetching in ("connect-src", "img-src", "font-src", "media-src", "frame-src", "object-src"):
        assert not any(s.startswith(("http", "*", "'self'")) for s in policy.get(fetching, [])), fetching
    assert "'unsafe-inline'" not in policy["script-src"]
    inline = re.findall(r"<script>(.*?)</script>", page, re.S)
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
              for code in inline}
    assert hashes == {s for s in policy["script-src"] if s.startswith("'sha256-")}
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]


def test_csp_stops_injected_script_and_network_images_in_chromium(report_dir, tmp_path):
    """Even markup that got into the page could neither run nor fetch."""
    page = (report_dir / "index.html").read_text()
    injected = ('<img src="x" onerror="document.body.dataset.pwned=1">'
                '<img src="http://127.0.0.1:9/beacon.png"><script>document.body.dataset.pwned=2</script>')
    copy = report_dir.parent / "injected.html"
    copy.write_text(page.replace("<h1>", injected + "<h1>", 1))
    dom, console = render_in_chromium(copy, tmp_path / "profile")
    assert_charts_rendered(dom, 7)
    assert "data-pwned" not in dom
    assert any("Content Security Policy" in line for line in console), console


HOSTILE = """
name: "<img src=x onerror=\\"document.body.dataset.pwned='name'\\"> *not bold* & co"
question: "Is <script>document.body.dataset.pwned='question'</script> safe?"
description: |
  A beacon <img src="http://127.0.0.1:9/beacon.png"> and ![md](http://127.0.0.1:9/md.png).
  - not a list
  # not a heading
seed: 1
game: {trust: 0.8, shared_upside: 3, advantage: 5, exposure: 2, shared_downside: 1}
labs:
  - {name: "<b onmouseover=x>Lab</b> | pipe", count: 2}
dynamics: {rounds: 12, replicates: 2}
variants:
  "*base* <i>line</i>": {}
"""


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "h.yaml").write_text(HOSTILE, encoding="utf-8")
    out = folder / "report"
    result = CliRunner().invoke(app, ["run", str(folder / "h.yaml"), "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    return out


class PageText(HTMLParser):
    """Elements of a page's body: their tag names, and the text inside each (scripts skipped)."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.text: dict[str, list[str]] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_data(self, data):
        if "script" not in self.open:
            for tag in set(self.open):
                self.text.setdefault(tag, []).append(data)


def test_scenario_text_is_text_in_html_and_markdown(hostile_report):
    import yaml

    scenario = yaml.safe_load(HOSTILE)
    page = PageText()
    page.feed((hostile_report / "index.html").read_text())
    assert not {"img", "b", "i", "em"} & set(page.tags), "scenario markup reached the page"
    assert page.tags.count("script") == 2 + page.tags.count("figure")  # ours: bundle, embed, specs
    assert page.text["h1"] == [scenario["name"]]
    assert scenario["question"] in "".join(page.text["p"])
    assert "A beacon <img src=" in "".join(page.text["p"]) and "![md](http://" in "".join(page.text["p"])
    assert not any("not a list" in t for t in page.text.get("li", []))
    assert not any("not a heading" in t for t in page.text.get("h1", []) + page.text.get("h2", []))
    cells = page.text["td"]
    assert scenario["labs"][0]["name"] in cells and "*base* <i>line</i>" in cells
    markdown = (hostile_report / "report.md").read_text()
    assert not re.search(r"(?<!\\)<(img|b|i|script)\b", markdown), "raw HTML in report.md"
    assert "![md]" not in markdown


def test_hostile_scenario_runs_no_script_and_fetches_nothing_in_chromium(hostile_report, tmp_path):
    dom, console = render_in_chromium(hostile_report / "index.html", tmp_path / "profile")
    assert_charts_rendered(dom, 7)
    assert "data-pwned" not in dom
    heading = re.search(r"<h1>(.*?)</h1>", dom, re.S)
    assert heading and html.unescape(heading.group(1)) == yaml_name()
    outside_scripts = re.sub(r"<script\b.*?</script>", "", dom, flags=re.S)
    assert not re.search(r"<img\b", outside_scripts), "an image element reached the DOM"
    assert not console, console


def yaml_name() -> str:
    import yaml

    return yaml.safe_load(HOSTILE)["name"]


def test_a_single_chart_page_keeps_a_hostile_name_inside_its_data(report_dir, tmp_path):
    """`chart_page` (for charts/NAME.html): a `</script>` in the name cannot end the spec's script."""
    from coopsim.report.html import chart_page

    spec = json.loads((report_dir / "charts" / "cooperation-over-time.vl.json").read_text())
    hostile = '</script><script>document.body.dataset.pwned=1</script><img src=x onerror=alert(1)>'
    spec["title"] = {"text": hostile}
    page = chart_page("cooperation-over-time", spec)
    assert hostile not in page and "</script><script>document" not in page
    assert embedded_specs(page)[0]["title"]["text"] == hostile  # the data is intact
    assert csp_of(page)["default-src"] == ["'none'"]
    path = tmp_path / "chart.html"
    path.write_text(page)
    dom, console = render_in_chromium(path, tmp_path / "profile")
    assert_charts_rendered(dom, 1)
    assert "data-pwned" not in dom and not console, console
