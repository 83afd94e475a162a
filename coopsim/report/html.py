"""The self-contained `index.html`: Markdown blocks as HTML, charts rendered by vega-embed.

No request leaves the file: the Vega, Vega-Lite and vega-embed JavaScript is inlined once (from
vl-convert's bundle) and every chart's spec, with its data, is embedded as JSON. When all charts
have rendered the page sets `data-charts-rendered` on <body> (and shows an error in place of any
chart that failed), which readers and the browser test can both rely on.

Text from the scenario is never markup: Markdown is rendered with raw HTML and images turned off
(so `<img onerror=...>` in a name shows as text), and a Content-Security-Policy lets the browser
run only the page's own two scripts (by their SHA-256), load nothing from the network and submit
nothing. Vega compiles chart expressions with `Function`, hence 'unsafe-eval'; it cannot fetch.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt

from coopsim.report.content import Block, chart_title
from coopsim.report.formats import figure_caption

STYLE = """
body { font-family: Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1.5rem;
       color: #222; line-height: 1.5; }
h1 { font-size: 1.9rem; margin-bottom: .3rem; } h2 { margin-top: 2.4rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .92rem; }
th, td { border: 1px solid #d0d0d0; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } tr:nth-child(even) td { background: #fafafa; }
code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
figure.chart { margin: 1.5rem 0; } figure.chart figcaption { color: #555; font-size: .85rem; }
.chart-body { min-height: 40px; } .chart-error { color: #b00020; }
.vega-bindings { margin: .3rem 0 0 2.5rem; } .vega-bind-name { display: inline-block; min-width: 16rem; }
"""

EMBED = """
(function () {
  const figures = Array.from(document.querySelectorAll("figure.chart"));
  const jobs = figures.map(function (figure) {
    const spec = JSON.parse(document.getElementById(figure.dataset.spec).textContent);
    const target = figure.querySelector(".chart-body");
    return vegaEmbed(target, spec, {actions: false, renderer: "svg"}).catch(function (error) {
      target.innerHTML = '<p class="chart-error">This chart could not be drawn: ' + error + '</p>';
      throw error;
    });
  });
  Promise.allSettled(jobs).then(function (results) {
    const failed = results.filter(function (r) { return r.status === "rejected"; }).length;
    document.body.dataset.chartsRendered = String(results.length - failed);
    document.body.dataset.chartsFailed = String(failed);
  });
})();
"""


@lru_cache(maxsize=1)
def javascript_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one inline script (safe inside <script>)."""
    from coopsim.report.bundle import javascript_bundle as vega_bundle

    return vega_bundle().replace("</script", "<\\/script")


def _json_for_script(spec: dict[str, Any]) -> str:
    return json.dumps(spec, separators=(",", ":")).replace("</", "<\\/")


def script_hash(code: str) -> str:
    """A CSP source that allows exactly this inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str]) -> str:
    """Only these inline scripts run; no request of any kind leaves the page."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(script_hash(code) for code in scripts) + " 'unsafe-eval'",
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "font-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def markdown_renderer() -> MarkdownIt:
    """CommonMark with tables; raw HTML is shown as text and images are not rendered."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")


def render_page(
    title: str, blocks: list[Block], specs: dict[str, dict[str, Any]], chart_dir: str = "charts/"
) -> str:
    """The whole page as one string; `chart_dir` is where the charts' files are, seen from it."""
    markdown = markdown_renderer()
    body: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "markdown":
            body.append(markdown.render(block.content))
        else:
            spec_id = f"spec-{index}"
            body.append(
                f'<figure class="chart" id="chart-{html.escape(block.content)}" data-spec="{spec_id}">'
                f'<div class="chart-body"></div>'
                f"<figcaption>{html.escape(figure_caption(block.content, specs.get(block.content)))} · "
                f'<a href="{chart_dir}{html.escape(block.content)}.png">PNG</a> · '
                f'<a href="{chart_dir}{html.escape(block.content)}.svg">SVG</a> · '
                f'<a href="{chart_dir}{html.escape(block.content)}.vl.json">Vega-Lite</a></figcaption>'
                f'<script type="application/json" id="{spec_id}">{_json_for_script(specs[block.content])}</script>'
                "</figure>"
            )
    bundle = javascript_bundle()
    policy = html.escape(content_security_policy([bundle, EMBED]))
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{html.escape(title)}</title>\n"
        f"<style>{STYLE}</style>\n<script>{bundle}</script>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<script>{EMBED}</script>\n</body>\n</html>\n"
    )


def chart_page(name: str, spec: dict[str, Any]) -> str:
    """One chart as its own offline page (`charts/NAME.html`), with the report's escaping and
    Content-Security-Policy. Altair's own template puts the spec, which quotes the scenario's
    name, raw inside <script>, so a name holding `</script>` would end the script there."""
    return render_page(chart_title(name), [Block("chart", name)], {name: spec}, chart_dir="")
