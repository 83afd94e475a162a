"""The web app of `coopsim explore`: a Starlette application serving one page and a JSON API.

Routes (all JSON but the page):

    GET  /               the page (Vega, Vega-Lite and vega-embed inlined: no request leaves it)
    GET  /api/state      everything the page shows
    POST /api/set        {"path": dotted path, "value": v}   -> state
    POST /api/variant    {"name": variant}                   -> state
    POST /api/step       {"rounds": n}                       -> the live model
    POST /api/reset                                          -> the live model
    POST /api/save       {"path": file}                      -> {"saved": file}

A bad edit is not an HTTP error: the state carries the CLI's message (`errors`, one line per
problem, as `coopsim validate` prints them). Any other failure of a request answers 400 with
the message and leaves the server running. Calls are serialised by a lock, since the model and
the settings are shared by every tab of the one analyst.
"""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any, Callable

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from coopsim.commands.common import error_lines
from coopsim.explore import views
from coopsim.explore.controls import variant_names
from coopsim.explore.page import render_page
from coopsim.explore.session import Explorer
from coopsim.scenario.loading import ScenarioError

MAX_ROUNDS_PER_CALL = 1000


def default_save_path(source: str) -> str:
    """Beside the explored scenario (so its schema comment still resolves), never over it."""
    path = Path(source)
    return str(path.with_name(f"{path.stem}-explored.yaml"))


def state(explorer: Explorer) -> dict[str, Any]:
    return {
        "scenario": explorer.scenario.name,
        "source": explorer.source,
        "variants": variant_names(explorer.scenario),
        "variant": explorer.variant,
        "controls": [c.as_json() for c in explorer.controls()],
        "errors": error_lines(explorer.error) if explorer.error else [],
        "verdict": views.verdict(explorer),
        "run": views.run_state(explorer),
        "save_path": default_save_path(explorer.source),
    }


def create_app(explorer: Explorer) -> Starlette:
    """The application around one exploration."""
    lock = threading.Lock()

    def endpoint(handler: Callable[[Explorer, dict[str, Any]], Any]):
        async def respond(request: Request) -> Response:
            body: dict[str, Any] = {}
            if request.method == "POST":
                raw = await request.body()
                try:
                    body = json.loads(raw) if raw else {}
                except json.JSONDecodeError as exc:
                    return JSONResponse({"errors": error_lines(f"bad request: {exc}")}, status_code=400)
            def work():  # CPU work, off the event loop, one call at a time
                with lock:
                    return handler(explorer, body)

            try:
                return JSONResponse(await run_in_threadpool(work))
            except (ScenarioError, ValueError, KeyError, TypeError, OSError) as exc:
                return JSONResponse({"errors": error_lines(exc)}, status_code=400)
            except Exception as exc:  # a bug: say so in the page, keep serving
                logging.getLogger("coopsim.explore").exception("request failed")
                return JSONResponse({"errors": [f"coopsim: internal error: {exc!r}"]}, status_code=500)

        return respond

    def set_value(e: Explorer, body):
        e.set(str(body["path"]), body.get("value"))
        return state(e)

    def select(e: Explorer, body):
        e.select_variant(str(body["name"]))
        return state(e)

    def step(e: Explorer, body):
        e.step(max(0, min(int(body.get("rounds", 1)), MAX_ROUNDS_PER_CALL)))
        return views.run_state(e)

    def reset(e: Explorer, body):
        e.reset()
        return views.run_state(e)

    def save(e: Explorer, body):
        return {"saved": str(e.save(str(body["path"])))}

    async def page(request: Request) -> Response:
        return HTMLResponse(render_page(explorer.scenario.name))

    return Starlette(routes=[
        Route("/", page),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/state", endpoint(lambda e, body: state(e))),
        Route("/api/set", endpoint(set_value), methods=["POST"]),
        Route("/api/variant", endpoint(select), methods=["POST"]),
        Route("/api/step", endpoint(step), methods=["POST"]),
        Route("/api/reset", endpoint(reset), methods=["POST"]),
        Route("/api/save", endpoint(save), methods=["POST"]),
    ])
