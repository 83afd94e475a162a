"""Closed-form phase diagrams against nashpy on sampled cells, and the `coopsim phase` command."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from coopsim.cli import app
from coopsim.theory.equilibria import solve
from coopsim.games.stage import expand_labs
from coopsim.theory.stage_game import bimatrix, trust_verdict
from coopsim.analyses.phase import Axis, equilibrium_labels, mixed_equilibrium, phase_grid, pure_equilibria
from coopsim.scenario.loading import loads_scenario, with_overrides

ASYMMETRIC = """\
name: phase test
game: {trust: 0.5, shared_upside: 3, advantage: 4, exposure: 2, shared_downside: 1}
labs:
  - {name: Big, advantage: 5}
  - {name: Small, exposure: 3, trust: 0.7}
"""


def _nashpy_label(A: np.ndarray, B: np.ndarray) -> str:
    found = solve(A, B)
    pure = np.zeros(4, dtype=bool)
    mixed = False
    for e in found.equilibria:
        if e.pure:
            pure[2 * int(e.row[1] == 1.0) + int(e.column[1] == 1.0)] = True
        elif 0 < e.row[0] < 1 and 0 < e.column[0] < 1:
            mixed = True
    return str(equilibrium_labels(pure[None, :], np.array([mixed]))[0])


def test_closed_form_agrees_with_nashpy_on_random_games():
    rng = np.random.default_rng(1)
    payoffs = rng.integers(-4, 5, size=(400, 8)).astype(float) + rng.normal(0, 1e-3, (400, 8))
    for row in payoffs:
        A = (row[0], row[1], row[2], row[3])
        B = (row[4], row[5], row[6], row[7])
        closed = equilibrium_labels(pure_equilibria(A, B)[None, :],
                                    np.atleast_1d(mixed_equilibrium(A, B)[0]))[0]
        assert closed == _nashpy_label(np.reshape(A, (2, 2)), np.reshape(B, (2, 2))), row


@pytest.mark.parametrize("x_path", ["game.exposure", "labs[0].advantage"])
def test_phase_grid_agrees_with_nashpy_on_sampled_cells(x_path):
    scenario = loads_scenario(ASYMMETRIC)
    table = phase_grid(scenario, Axis(x_path, np.linspace(0.05, 6.05, 61)),
                       Axis("game.shared_upside", np.linspace(-1.03, 7.03, 47)))
    assert len(table) == 61 * 47
    rng = np.random.default_rng(7)
    for index in rng.choice(len(table), size=60, replace=False):
        cell = table.iloc[index]
        overrides = {x_path: float(cell[x_path]), "game.shared_upside": float(cell["game.shared_upside"])}
        labs = expand_labs(with_overrides(scenario, overrides))
        A, B = bimatrix(labs[0].payoffs, labs[1].payoffs)
        assert cell["equilibria"] == _nashpy_label(A, B)
        assert cell["cooperation_rational"] == trust_verdict(labs[0].payoffs, labs[0].trust).cooperate_is_best_response


def test_stag_hunt_phase_boundary_is_the_critical_trust():
    scenario = loads_scenario(
        "name: s\ngame: {trust: 0.5, shared_upside: 4, advantage: 3, exposure: 3, shared_downside: 1}\n"
    )
    table = phase_grid(scenario, Axis("game.exposure", np.array([3.0])),
                       Axis("game.trust", np.linspace(0, 1, 101)))
    rational = table.set_index("game.trust")["cooperation_rational"]
    assert not rational[rational.index < 2 / 3 - 1e-9].any()
    assert rational[rational.index > 2 / 3 + 1e-9].all()
    assert (table["game_class"] == "stag_hunt").all()


def test_phase_command_writes_data_and_charts(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(ASYMMETRIC)
    out = tmp_path / "phase"
    result = CliRunner().invoke(app, ["phase", str(path), "--x", "game.exposure=0:5:21",
                                      "--y", "game.trust=0:1:11", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out / "data" / "phase.csv")
    assert len(table) == 21 * 11
    for name in ("game-class", "equilibria", "cooperation-rational"):
        assert (out / "charts" / f"phase-{name}.png").stat().st_size > 0


@pytest.mark.parametrize("args, words", [
    (["--x", "game.trust=0:2:5", "--y", "game.exposure=0:1:3"], "game.trust"),
    (["--x", "game.nonsense=0:1:5", "--y", "game.exposure=0:1:3"], "game.nonsense"),
    (["--x", "game.trust=0:1", "--y", "game.exposure=0:1:3"], "start:stop:count"),
])
def test_phase_bad_axes_fail_cleanly(args, words, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(ASYMMETRIC)
    result = CliRunner().invoke(app, ["phase", str(path), *args, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and words in result.stderr
    assert not (tmp_path / "o").exists()


def test_phase_refuses_a_game_factor_that_every_lab_overrides(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("""name: both override
game: {trust: 0.7, shared_upside: 4, advantage: 3, exposure: 2, shared_downside: 1}
labs: [{name: Frontier, advantage: 6}, {name: Newcomer, advantage: 2}]
""")
    result = CliRunner().invoke(app, ["phase", str(path), "--x", "game.advantage=0:8:5",
                                      "--y", "game.trust=0:1:5", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "labs[0].advantage, labs[1].advantage" in result.stderr
    assert not (tmp_path / "o").exists()


def test_the_stage_report_draws_the_maps_the_model_declares(monkeypatch):
    """The stage games' maps are their model's ``phase_maps`` (the registry path every model
    uses): a model declaring one map, under its own legend, gets that one chart."""
    from coopsim.analyses.phase import phase_table
    from coopsim.games import game_model
    from coopsim.games.base import PhaseMap
    from coopsim.report.sections import phase_report

    scenario = loads_scenario(ASYMMETRIC)
    model = game_model(scenario)
    monkeypatch.setattr(model, "phase_maps", {"only": PhaseMap("equilibria", "Stable outcomes for {row_lab}")})
    x, y = Axis("game.exposure", np.linspace(0, 5, 6)), Axis("game.trust", np.linspace(0, 1, 5))
    from coopsim.report.folder import build_manifest

    manifest = build_manifest(scenario, "coopsim phase", "phase")
    report = phase_report(scenario, phase_table(scenario, x, y), x.path, y.path, manifest)
    assert set(report.charts) == {"phase-only"}
    legend = report.charts["phase-only"].to_dict()["layer"][0]["encoding"]["color"]["title"]
    assert legend == "Stable outcomes for Big"
    assert set(report.tables["phase_shares"]["map"]) == {"equilibria"}


def _colour_scale(chart) -> dict[str, str]:
    spec = chart.to_dict()
    scale = next(layer["encoding"]["color"]["scale"] for layer in spec["layer"] if "color" in layer.get("encoding", {}))
    return dict(zip(scale["domain"], scale["range"]))


def test_dsair_phase_maps_name_and_colour_zones_as_the_zone_charts_do():
    """`coopsim phase` on a DSAIR race draws each zone with the legend words and the colour of the
    `dsair-zones-*` charts of `run` and `evolve`, and its yes/no maps use the findings' words."""
    from coopsim.analyses.phase import phase_table
    from coopsim.games import game_model
    from coopsim.report.folder import build_manifest
    from coopsim.report.sections import phase_report
    from coopsim.scenario.loading import load_scenario
    from tests.conftest import ROOT

    scenario = load_scenario(ROOT / "scenarios" / "dsair-early-race.yaml")
    x, y = Axis("game.s", np.linspace(1.01, 5, 41)), Axis("game.p_r", np.linspace(0, 1, 41))
    report = phase_report(scenario, phase_table(scenario, x, y), x.path, y.path,
                          build_manifest(scenario, "coopsim phase", "phase"))
    phase_colours = _colour_scale(report.charts["phase-zone"])
    zone_colours = _colour_scale(game_model(scenario).charts(scenario, "")["dsair-zones-s-p_r"])
    assert len(phase_colours) == 3 and len(zone_colours) == 3  # compliance, dilemma, innovation
    assert phase_colours == zone_colours
    shares = report.tables["phase_shares"]
    for name, spec in game_model(scenario).phase_maps.items():
        if spec.column != "zone":
            assert set(_colour_scale(report.charts[f"phase-{name}"])) == set(shares[shares["map"] == spec.column]["category"])


def test_every_band_of_the_disaster_map_has_its_own_shade(tmp_path):
    """The precipice map has ten bands of one probability: every band present in the data is
    drawn in its own colour (it had eight Okabe-Ito colours, then grey for the last two)."""
    import re

    from tests.conftest import ROOT

    out = tmp_path / "phase"
    result = CliRunner().invoke(app, ["phase", str(ROOT / "scenarios" / "precipice-public-information.yaml"),
                                      "--x", "game.mu=0.05:8:41", "--y", "game.enmity=0.01:1:41", "--out", str(out), "-q"])
    assert result.exit_code == 0, result.output
    bands = pd.read_csv(out / "data" / "phase.csv")["disaster_band"].nunique()
    svg = (out / "charts" / "phase-disaster.svg").read_text()
    cells = svg[svg.index('class="mark-rect'):]
    cells = cells[:cells.index("</g>")]
    assert bands >= 9
    assert len(set(re.findall(r'fill="(#[0-9a-fA-F]{6}|rgb\([^)]*\))"', cells))) == bands
