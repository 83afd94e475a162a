"""The one page of `coopsim explore`: controls on the left, the verdict and the live model on the
right. All numbers come from the server (/api/...); the page only draws them, with the Vega,
Vega-Lite and vega-embed JavaScript inlined (the report's bundle), so nothing is fetched from
the network.

Hooks for readers and tests: every control carries `data-path`; `#game-class`, `#best-response`,
`#round` and `#errors` hold the verdict, the round counter and the problems; each chart's
container gets `data-rendered` (a counter) after every redraw, and the live chart
`data-round`, the round it shows.
"""

from __future__ import annotations

import html

from coopsim.report.html import javascript_bundle

STYLE = """
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; margin: 0; color: #222; background: #f6f7f9; }
header { background: #1d3557; color: white; padding: .7rem 1.2rem; display: flex; flex-wrap: wrap;
         gap: 1rem; align-items: center; }
header h1 { font-size: 1.25rem; margin: 0; flex: 1 1 auto; }
header .source { opacity: .8; font-size: .85rem; }
header label { font-size: .9rem; }
main { display: grid; grid-template-columns: 340px 1fr; gap: 1rem; padding: 1rem; }
#side { position: sticky; top: 1rem; align-self: start; }
#save-box, #controls { background: white; border: 1px solid #dde1e6; border-radius: 6px; padding: .6rem .8rem; }
#save-box { margin-bottom: .8rem; font-size: .85rem; }
.save-row { display: flex; gap: .4rem; margin-top: .3rem; }
.save-row input { flex: 1; min-width: 0; font-size: .85rem; }
#controls { max-height: calc(100vh - 12rem); overflow-y: auto; }
fieldset { border: none; border-top: 1px solid #e3e6ea; margin: 0 0 .4rem; padding: .4rem 0 0; }
legend { font-weight: bold; font-size: .9rem; color: #1d3557; padding: 0; }
.control { display: grid; grid-template-columns: 1fr 5.2rem; gap: .15rem .4rem; margin: .35rem 0;
           font-size: .85rem; align-items: center; }
.control label { grid-column: 1 / 3; color: #333; }
.control input[type=range] { width: 100%; }
.control input[type=number], .control select { width: 100%; font-size: .85rem; }
.control.choice select { grid-column: 1 / 3; }
section.panel { background: white; border: 1px solid #dde1e6; border-radius: 6px; padding: .8rem 1rem;
                margin-bottom: 1rem; }
section.panel h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
#game-class { font-size: 1.3rem; font-weight: bold; color: #1d3557; }
#best-response { margin: .3rem 0 .6rem; padding-left: 1.2rem; }
#errors { display: none; background: #fdecea; color: #8a1c12; border: 1px solid #f5c2bc;
          border-radius: 6px; padding: .6rem .9rem; margin: 1rem 1rem 0; font-family: monospace;
          white-space: pre-wrap; }
#errors.shown { display: block; }
.buttons { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-bottom: .5rem; }
button { font-size: .9rem; padding: .3rem .9rem; border-radius: 4px; border: 1px solid #1d3557;
         background: #1d3557; color: white; cursor: pointer; }
button.secondary { background: white; color: #1d3557; }
#round { font-weight: bold; font-variant-numeric: tabular-nums; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .85rem; }
th, td { border: 1px solid #d0d0d0; padding: .25rem .5rem; text-align: left; }
th { background: #f3f5f7; }
#verdict-text h3 { font-size: 1rem; } #verdict-text h4 { font-size: .95rem; }
#save-status { font-size: .8rem; color: #1b5e20; margin-top: .2rem; overflow-wrap: anywhere; }
"""

BODY = """
<header>
  <h1>coopsim explore: <span id="scenario-name">{name}</span> <span class="source" id="source"></span></h1>
  <label>variant <select id="variant"></select></label>
</header>
<div id="errors" role="alert"></div>
<main>
  <div id="side">
    <div id="save-box">
      <label for="save-path">Save the settings as a scenario file</label>
      <div class="save-row"><input type="text" id="save-path"><button id="save">Save</button></div>
      <div id="save-status" role="status"></div>
    </div>
    <form id="controls" onsubmit="return false"></form>
  </div>
  <div>
    <section class="panel" id="verdict">
      <h2>The one-shot game</h2>
      <div>Game class: <span id="game-class"></span></div>
      <div>Nash equilibria: <span id="equilibria"></span></div>
      <ul id="best-response"></ul>
      <div class="chart" id="ev-chart"></div>
    </section>
    <section class="panel" id="live">
      <h2>The iterated model, live</h2>
      <div class="buttons">
        <button id="play">Play</button>
        <button id="step" class="secondary">Step</button>
        <label>rounds per step <input type="number" id="step-size" value="1" min="1" max="1000" style="width:4.5rem"></label>
        <button id="reset" class="secondary">Reset</button>
        <span>round <span id="round">0</span> of <span id="rounds"></span></span>
        <span id="latest"></span>
      </div>
      <div class="chart" id="live-chart"></div>
    </section>
    <section class="panel" id="verdict-details">
      <h2>The one-shot game in detail: payoffs, equilibria, factor distances (as <code>coopsim solve</code> prints them)</h2>
      <div id="verdict-text"></div>
    </section>
  </div>
</main>
"""

SCRIPT = r"""
(function () {
  const $ = (id) => document.getElementById(id);
  let playing = false, busy = false, pending = null, shownPaths = "";
  const views = {};

  async function api(path, body) {
    const response = await fetch(path, body === undefined ? {} :
      {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
    const data = await response.json();
    if (!response.ok) { showErrors(data.errors || ["coopsim: error: request failed"]); return null; }
    return data;
  }

  function showErrors(lines) {
    $("errors").textContent = lines.join("\n");
    $("errors").classList.toggle("shown", lines.length > 0);
  }

  async function draw(id, spec, extra) {
    const target = $(id);
    if (views[id]) { views[id].finalize(); }
    const result = await vegaEmbed(target, spec, {actions: false, renderer: "svg"});
    views[id] = result;
    target.dataset.rendered = String(Number(target.dataset.rendered || 0) + 1);
    Object.assign(target.dataset, extra || {});
  }

  function number(value) { return value === null || value === undefined ? "" : String(value); }

  function buildControls(controls) {
    const form = $("controls");
    form.innerHTML = "";
    const groups = {};
    for (const c of controls) {
      if (!groups[c.group]) {
        const fieldset = document.createElement("fieldset");
        const legend = document.createElement("legend");
        legend.textContent = c.group;
        fieldset.appendChild(legend);
        form.appendChild(fieldset);
        groups[c.group] = fieldset;
      }
      const row = document.createElement("div");
      row.className = "control " + c.kind;
      row.title = c.help || "";
      const label = document.createElement("label");
      label.textContent = c.label;
      row.appendChild(label);
      if (c.kind === "choice") {
        const select = document.createElement("select");
        select.dataset.path = c.path;
        for (const option of c.options) { select.add(new Option(option.replaceAll("_", " "), option)); }
        select.addEventListener("change", () => send(c.path, select.value));
        row.appendChild(select);
      } else {
        const range = document.createElement("input");
        range.type = "range"; range.min = c.low; range.max = c.high; range.step = c.step;
        range.dataset.path = c.path; range.dataset.role = "slider";
        const box = document.createElement("input");
        box.type = "number"; box.step = c.step; box.dataset.path = c.path; box.dataset.role = "box";
        if (c.optional) { box.placeholder = "none"; }
        range.addEventListener("input", () => { box.value = range.value; send(c.path, parse(c, range.value)); });
        box.addEventListener("change", () => {
          if (box.value !== "") { range.value = box.value; }
          send(c.path, parse(c, box.value));
        });
        row.appendChild(range); row.appendChild(box);
      }
      groups[c.group].appendChild(row);
    }
  }

  function parse(c, text) {
    if (text === "" && c.optional) { return null; }
    const value = Number(text);
    if (text === "" || !Number.isFinite(value)) { return text; }  // the server names the problem
    return value;
  }

  function setControls(controls) {
    const paths = controls.map((c) => c.path).join("|");
    if (paths !== shownPaths) { buildControls(controls); shownPaths = paths; }
    for (const c of controls) {
      for (const element of document.querySelectorAll('[data-path="' + CSS.escape(c.path) + '"]')) {
        if (element === document.activeElement) { continue; }
        if (element.type === "range") {
          if (c.value === null) { element.value = c.high; } else { element.value = c.value; }
        } else { element.value = number(c.value); }
      }
    }
  }

  async function send(path, value) {
    pending = {path: path, value: value};
    if (busy) { return; }
    busy = true;
    while (pending) {
      const body = pending; pending = null;
      const state = await api("/api/set", body);
      if (state) { await render(state); }
    }
    busy = false;
  }

  async function render(state) {
    $("source").textContent = "(" + state.source + ")";
    const variant = $("variant");
    if (variant.options.length !== state.variants.length) {
      variant.innerHTML = "";
      for (const name of state.variants) { variant.add(new Option(name, name)); }
    }
    variant.value = state.variant;
    if (!$("save-path").value) { $("save-path").value = state.save_path; }
    setControls(state.controls);
    showErrors(state.errors);
    const v = state.verdict;
    $("game-class").textContent = v.game_class_title;
    $("game-class").dataset.gameClass = v.game_class;
    $("equilibria").textContent = v.equilibria.join("; ");
    const list = $("best-response");
    list.innerHTML = "";
    for (const lab of v.labs) {
      const item = document.createElement("li");
      item.textContent = lab.text;
      item.dataset.bestResponse = lab.best_response;
      list.appendChild(item);
    }
    $("verdict-text").innerHTML = v.html;  // Markdown rendered on the server with raw HTML disabled
    await draw("ev-chart", v.chart);
    await renderRun(state.run);
  }

  async function renderRun(run) {
    $("round").textContent = String(run.round);
    $("rounds").textContent = String(run.rounds);
    const latest = run.latest;
    $("latest").textContent = latest === null ? "" :
      "this round: cooperation " + latest.cooperation.toFixed(2) + ", trust " + latest.trust.toFixed(2) +
      ", incidents " + latest.incidents;
    if (run.finished && playing) { togglePlay(); }
    await draw("live-chart", run.chart, {round: String(run.round)});
  }

  async function step(rounds) {
    const run = await api("/api/step", {rounds: rounds});
    if (run) { await renderRun(run); }
    return run;
  }

  async function togglePlay() {
    playing = !playing;
    $("play").textContent = playing ? "Pause" : "Play";
    while (playing) {
      const run = await step(Math.max(1, Number($("step-size").value) || 1));
      if (!run || run.finished) { playing = false; $("play").textContent = "Play"; }
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
  }

  $("play").addEventListener("click", togglePlay);
  $("step").addEventListener("click", () => step(Math.max(1, Number($("step-size").value) || 1)));
  $("reset").addEventListener("click", async () => {
    const run = await api("/api/reset", {});
    if (run) { await renderRun(run); }
  });
  $("variant").addEventListener("change", async () => {
    const state = await api("/api/variant", {name: $("variant").value});
    if (state) { await render(state); }
  });
  $("save").addEventListener("click", async () => {
    $("save-status").textContent = "";
    const saved = await api("/api/save", {path: $("save-path").value});
    if (saved) { showErrors([]); $("save-status").textContent = "saved " + saved.saved; }
  });

  api("/api/state").then(render).then(() => { document.body.dataset.ready = "true"; });
})();
"""


def render_page(scenario_name: str) -> str:
    """The whole page; the scenario's data arrives through /api/state."""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>coopsim explore: {html.escape(scenario_name)}</title>\n"
        f"<style>{STYLE}</style>\n<script>{javascript_bundle()}</script>\n</head>\n<body>\n"
        + BODY.replace("{name}", html.escape(scenario_name))
        + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
