"""`coopsim explore`: serve the interactive view of a scenario on a local port."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from coopsim.commands.common import ScenarioFile, app, clean_errors, fail


@app.command()
@clean_errors
def explore(
    scenario_file: ScenarioFile,
    port: Annotated[int, typer.Option("--port", help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option("--host", help="Address to bind; other machines can reach "
                                      "the app only if you bind a non-loopback address.")] = "127.0.0.1",
) -> None:
    """Move the factors, dynamics and interventions of a scenario in a web page and watch the
    one-shot verdict and the iterated model respond. Ctrl-C stops the server."""
    from coopsim.analyses.run import has_stage_game
    from coopsim.scenario.loading import load_scenario

    scenario = load_scenario(scenario_file)
    if not has_stage_game(scenario):
        fail(f"{scenario_file}: field 'game.model': explore needs a one-shot 2x2 game "
             f"(five_factors or matrix), not {scenario.game.model}")
    try:
        import uvicorn

        from coopsim.explore.server import create_app
    except ImportError as exc:
        fail(f"coopsim explore needs the web server packages ({exc.name} is missing): "
             'pip install -e ".[explore]"', code=1)
    from coopsim.explore.session import Explorer

    application = create_app(Explorer(scenario, str(scenario_file)))
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host} port {port}: {exc.strerror or exc}")
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    typer.echo(f"coopsim explore: {scenario.name} at http://{shown}:{bound}/ (Ctrl-C stops)", err=False)
    server = uvicorn.Server(uvicorn.Config(application, log_level="warning", lifespan="off"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    typer.echo("coopsim explore: stopped")
