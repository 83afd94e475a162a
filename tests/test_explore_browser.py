"""Both interactive views in a real browser (Playwright driving Debian's Chromium): the
`coopsim explore` app over a loopback port, and the report's offline "what if" panel."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from coopsim.cli import app
from tests.conftest import ROOT

ASSURANCE = ROOT / "scenarios" / "assurance-trust-decides.yaml"
CHROMIUM = "/usr/bin/chromium"
WAIT = 120_000  # ms; generous, the machine is shared (no test asserts on time)


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield launched
        launched.close()


def offline_page(browser, allowed: str):
    """A page that may load only URLs starting with `allowed` (no other network at all)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(allowed) else route.abort())
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    return page, console


def move(page, selector: str, value: float) -> None:
    """Move a range input as a person dragging it would: set the value, fire `input`."""
    page.eval_on_selector(
        selector, "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", str(value)
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def explore_server(tmp_path):
    scenario = tmp_path / "assurance.yaml"
    scenario.write_text(ASSURANCE.read_text())
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "coopsim", "explore", str(scenario), "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
    )
    first = process.stdout.readline()
    address = f"http://127.0.0.1:{port}/"
    yield process, first, address, scenario
    if process.poll() is None:
        process.kill()
        process.wait()


def post(address: str, path: str, body: bytes) -> tuple[int, dict]:
    request = urllib.request.Request(address + path, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_explore_app_in_a_browser(chromium, explore_server, tmp_path):
    process, first_line, address, scenario = explore_server
    assert first_line.strip().endswith(f"at {address} (Ctrl-C stops)"), first_line
    page, console = offline_page(chromium, address)
    page.goto(address)
    page.wait_for_selector("body[data-ready=true]", timeout=WAIT)

    # The verdict at the scenario's trust 0.6, below the critical trust 2/3 (hand calculation:
    # (P - S) / ((R - T) - (S - P)) = 2 / 3 with R=4, T=3, S=-3, P=-1).
    assert "stag hunt" in page.inner_text("#game-class")
    verdict = page.locator("#best-response li").first
    assert verdict.get_attribute("data-best-response") == "defect"
    assert "critical trust 0.6667" in verdict.inner_text()
    slider = 'input[type=range][data-path="game.trust"]'
    assert page.eval_on_selector(slider, "el => el.value") == "0.6"
    move(page, slider, 0.7)
    page.wait_for_selector('#best-response li[data-best-response="cooperate"]', timeout=WAIT)
    move(page, slider, 0.65)
    page.wait_for_selector('#best-response li[data-best-response="defect"]', timeout=WAIT)
    move(page, slider, 0.7)
    page.wait_for_selector('#best-response li[data-best-response="cooperate"]', timeout=WAIT)

    # 20 rounds: the counter and the live chart advance.
    def live_lines() -> list[str]:
        return page.eval_on_selector_all("#live-chart svg path[aria-roledescription='line mark']",
                                         "els => els.map(e => e.getAttribute('d') || '')")

    page.wait_for_selector("#live-chart[data-round='0'] svg", timeout=WAIT)
    assert page.inner_text("#round") == "0" and not any(live_lines())
    page.fill("#step-size", "20")
    page.click("#step")
    page.wait_for_selector("#live-chart[data-round='20'] svg", timeout=WAIT)
    assert page.inner_text("#round") == "20" and page.inner_text("#rounds") == "100"
    drawn = [d for d in live_lines() if d]
    assert len(drawn) >= 3  # a line in each of the three panels
    page.fill("#step-size", "1")
    page.click("#play")
    page.wait_for_function("Number(document.getElementById('round').textContent) >= 22", timeout=WAIT)
    page.click("#play")  # pause
    paused = page.inner_text("#round")
    page.click("#reset")
    page.wait_for_selector("#live-chart[data-round='0']", timeout=WAIT)
    assert int(paused) >= 22 and page.inner_text("#round") == "0"

    # A bad value shows the CLI's message in the page; the server keeps serving.
    box = 'input[type=number][data-path="game.trust"]'
    page.fill(box, "1.5")
    page.press(box, "Enter")
    page.wait_for_selector("#errors.shown", timeout=WAIT)
    assert "coopsim: error:" in page.inner_text("#errors")
    assert "field 'game.trust': Input should be less than or equal to 1" in page.inner_text("#errors")
    assert post(address, "api/set", b"{not json")[0] == 400
    assert post(address, "api/step", b'{"rounds": "many"}')[0] == 400
    page.fill(box, "0.7")
    page.press(box, "Enter")
    page.wait_for_selector("#errors:not(.shown)", state="attached", timeout=WAIT)

    # Save as scenario; `coopsim validate` accepts it and it holds the moved trust.
    saved = tmp_path / "saved.yaml"
    page.fill("#save-path", str(saved))
    page.click("#save")
    page.wait_for_selector("#save-status:has-text('saved')", timeout=WAIT)
    text = saved.read_text()
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    assert yaml.safe_load(text)["game"]["trust"] == 0.7
    validation = CliRunner().invoke(app, ["validate", str(saved)])
    assert validation.exit_code == 0, validation.output
    assert scenario.read_text() == ASSURANCE.read_text()  # the explored file is untouched
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console

    # Ctrl-C stops it cleanly.
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> Path:
    import coopsim
    from coopsim.scenario.loading import with_overrides

    scenario = with_overrides(coopsim.load_scenario(ASSURANCE), {"dynamics.rounds": 10, "dynamics.replicates": 2})
    out = tmp_path_factory.mktemp("report") / "assurance"
    coopsim.run(scenario).save(out)
    return out / "index.html"


def test_report_what_if_panel_recomputes_offline(chromium, report_page):
    page, console = offline_page(chromium, "file:")
    page.goto(report_page.as_uri())
    page.wait_for_selector("body[data-charts-rendered]", timeout=WAIT)
    panel = "#chart-what-if"

    def texts() -> str:
        return " | ".join(page.eval_on_selector_all(f"{panel} svg text", "els => els.map(e => e.textContent)"))

    def slider(label: str) -> str:
        return f"{panel} .vega-bind:has(.vega-bind-name:text-is('{label}')) input[type=range]"

    assert "game class: stag hunt (assurance game)" in texts()
    assert "critical trust: 0.667" in texts() and "at trust 0.60: defecting pays more" in texts()
    # exposure 3 -> 2: S = -2, K = (4 - 3) - (-2 + 1) = 2, tau* = (-1 + 2) / 2 = 0.5
    move(page, slider("exposure (S = -exposure)"), 2)
    page.wait_for_function(f"document.querySelector('{panel}').textContent.includes('critical trust: 0.500')",
                           timeout=WAIT)
    assert "at trust 0.60: cooperating pays more" in texts()
    # advantage 3 -> 5: T > R > P > S, a prisoner's dilemma, and no trust in [0, 1] helps
    move(page, slider("advantage T"), 5)
    page.wait_for_function(f"document.querySelector('{panel}').textContent.includes(\"prisoner's dilemma\")",
                           timeout=WAIT)
    assert "game class: prisoner's dilemma" in texts()
    assert re.search(r"critical trust: none in \[0, 1\]", texts())

    # The other classes by the payoff order (S = -exposure, P = -downside), worked out by hand:
    for (R, T, exposure, downside), expected in [
        ((4, 3, 0, 1), "harmony"),  # R > T, S = 0 > P = -1
        ((4, 5, 0.5, 2), "chicken (snowdrift)"),  # T > R, S = -0.5 > P = -2
        ((4, 4, 3, 1), "boundary case (payoffs tie)"),  # R = T
        ((4, 3, 3, 1), "stag hunt (assurance game)"),  # R > T, P = -1 > S = -3
    ]:
        for label, value in (("shared upside R", R), ("advantage T", T),
                             ("exposure (S = -exposure)", exposure), ("shared downside (P = -downside)", downside)):
            move(page, slider(label), value)
        page.wait_for_function(
            f"document.querySelector('{panel}').textContent.includes({json.dumps('game class: ' + expected)})",
            timeout=WAIT)
    assert not [line for line in console if line.startswith(("error", "pageerror"))], console
