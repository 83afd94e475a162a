"""A chart-drawing process: ``python -m coopsim.report.drawer_process REQUESTS ANSWERS [--bundle]``
(started by :func:`coopsim.report.drawing.start_drawers`), where REQUESTS and ANSWERS are the
numbers of the pipes it reads from and writes to.

It starts vl-convert's JavaScript runtime at once, before any chart arrives (with ``--bundle``
it also loads the JavaScript bundle every offline page inlines), then writes one JSON line to
ANSWERS for each JSON line it reads from REQUESTS, in order:

- ``{"spec": SPEC, "svg": PATH, "png": PATH}`` -> ``{"done": true}``: the Vega-Lite spec drawn
  to SVG once, written to the ``svg`` path and rasterised from that SVG at 2x to the ``png``
  path (either path may be null: that file is not written);
- ``{"bundle": true}`` -> ``{"bundle": TEXT}``;
- anything that fails -> ``{"error": "message"}``.

It ends when REQUESTS ends (so also when the process that started it ends). The pipes are its
own, not stdin and stdout, so nothing a library prints can mix with the answers.
"""

from __future__ import annotations

import json
import os
import sys

PNG_SCALE = 2  # the PNG is drawn at twice the chart's CSS size, as vl-convert's export does
# A spec that exercises the runtime without gradients or clip paths, whose per-process numbering
# would otherwise shift: every report's SVGs number theirs from the same start.
WARM_UP = {"data": {"values": [{"x": 0}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


def answer(request: dict, vl_convert) -> dict:
    """Carry out one request."""
    if request.get("bundle"):
        from coopsim.report.bundle import javascript_bundle

        return {"bundle": javascript_bundle()}
    svg = vl_convert.vegalite_to_svg(request["spec"])
    if request.get("svg"):
        with open(request["svg"], "w", encoding="utf-8") as file:
            file.write(svg)
    if request.get("png"):
        with open(request["png"], "wb") as file:
            file.write(vl_convert.svg_to_png(svg, scale=PNG_SCALE, ppi=72))
    return {"done": True}


def main() -> None:
    requests = os.fdopen(int(sys.argv[1]), "r", encoding="utf-8")
    answers = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    import vl_convert

    vl_convert.vegalite_to_svg(WARM_UP)
    if "--bundle" in sys.argv[3:]:
        from coopsim.report.bundle import javascript_bundle

        javascript_bundle()
    for line in requests:
        try:
            reply = answer(json.loads(line), vl_convert)
        except Exception as error:  # noqa: BLE001 - every failure goes back to the caller as text
            reply = {"error": f"{type(error).__name__}: {error}"}
        answers.write(json.dumps(reply) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
