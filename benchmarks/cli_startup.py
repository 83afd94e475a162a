"""Start-up time of `coopsim --help` against a bare Typer app with two commands.

Both are fresh Python processes from this environment, run in turn (interleaved, so load from
other processes hits both alike); each one's best and median wall times are kept. ratio =
coopsim / bare app, on the best times. Aim: ratio <= 2. The bare app is the floor any Typer CLI
pays (Python, Typer, Rich and Click); the rest is what coopsim itself imports before it can
print its help. Also timed: `coopsim validate` on one scenario (pydantic and PyYAML, no
numerics) and `coopsim schema`. CPU time (user + system) is printed too: on a shared machine it
drifts less with other processes' load than wall time. With --before DIR, another checkout's
commands run interleaved with this one's (e.g. the main branch: ``git worktree add
/tmp/coopsim-main main``), so before and after share the machine's load.

    python benchmarks/cli_startup.py [--repeats 15] [--before DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "prisoners-dilemma-race.yaml"

BARE_APP = '''\
from typing import Annotated
from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.command()
def run(scenario: Annotated[Path, typer.Argument(help="Scenario file.")], quiet: bool = False) -> None:
    """Run a scenario."""
    typer.echo(f"ran {scenario}")


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Files.")]) -> None:
    """Check files."""
    typer.echo("ok")


if __name__ == "__main__":
    app()
'''


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: list[str], checkout: Path = ROOT) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of one process run in `checkout` with it first on
    the path, checked to succeed."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    wall, cpu = time.perf_counter(), child_cpu()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=checkout, env=env)
    return time.perf_counter() - wall, child_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--before", type=Path, help="another coopsim checkout to time beside this one")
    args = parser.parse_args()
    checkouts = {"": ROOT} if args.before is None else {"before: ": args.before.resolve(), "": ROOT}
    with tempfile.TemporaryDirectory() as folder:
        bare = Path(folder) / "bare_typer_app.py"
        bare.write_text(BARE_APP, encoding="utf-8")
        cases = {"bare Typer app --help": ([sys.executable, str(bare), "--help"], ROOT)}
        coopsim = [sys.executable, "-m", "coopsim"]  # what the `coopsim` script runs
        for label, checkout in checkouts.items():
            cases[f"{label}coopsim --help"] = (coopsim + ["--help"], checkout)
            cases[f"{label}coopsim validate {SCENARIO.name}"] = (coopsim + ["validate", str(SCENARIO)], checkout)
            cases[f"{label}coopsim schema"] = (coopsim + ["schema"], checkout)
        for argv, checkout in cases.values():  # warm the file cache and the .pyc files
            timed(argv, checkout)
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.repeats):
            for name, (argv, checkout) in cases.items():
                times[name].append(timed(argv, checkout))
    base_wall = min(w for w, _ in times["bare Typer app --help"])
    base_cpu = min(c for _, c in times["bare Typer app --help"])
    print(f"{args.repeats} runs each, interleaved; python {sys.version.split()[0]}; ratio = best / bare app's best")
    print(f"{'command':<52} {'wall best':>9} {'median':>7} {'ratio':>6}   {'CPU best':>8} {'ratio':>6}")
    for name, values in times.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"{name:<52} {min(walls):>8.3f}s {statistics.median(walls):>6.3f}s {min(walls) / base_wall:>6.2f}"
              f"   {min(cpus):>7.3f}s {min(cpus) / base_cpu:>6.2f}")


if __name__ == "__main__":
    main()
