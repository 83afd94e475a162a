"""Networks in `coopsim run`: the comparison with the complete graph, the degree classes and the
drawing, and their rebuild by `coopsim report` from the saved data."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from coopsim.analyses.networks import degree_classes
from coopsim.cli import app

TWO_TRIANGLES = """name: two camps
game: {model: matrix, R: 1, S: 0, T: 1.5, P: 0}
labs:
  - {name: C, count: 3, strategy: {type: imitation, selection_intensity: 1000000, initial_cooperation: 1}}
  - {name: D, count: 3, strategy: {type: imitation, selection_intensity: 1000000, initial_cooperation: 0}}
dynamics: {rounds: 40, replicates: 2, network: {file: edges.csv, payoffs: accumulated}}
"""
EDGES = "source,target\nC 1,C 2\nC 2,C 3\nC 1,C 3\nD 1,D 2\nD 2,D 3\nD 1,D 3\n"


def test_run_compares_the_network_with_the_complete_graph_and_rebuilds(write_yaml, tmp_path):
    # Two separate triangles, one of cooperators, one of defectors: nobody ever sees the other
    # action, so on this network half the labs cooperate forever (50%). On the complete graph a
    # cooperator earns 2 x R = 2 and a defector 3 x T = 4.5: with near-infinite selection
    # intensity a cooperator copies defection whenever it looks at a defector (chance 3/5 per
    # round) and no defector ever copies back, so by the last 10 of 40 rounds every cooperator
    # has gone (all 3 survive 30 rounds with probability below 3 x (2/5)^30, about 1e-12): 0%.
    write_yaml(EDGES, "edges.csv")
    out = tmp_path / "report"
    result = CliRunner().invoke(app, ["run", str(write_yaml(TWO_TRIANGLES)), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    labs = pd.read_csv(out / "data" / "network_labs.csv")
    assert labs["degree"].tolist() == [2] * 6
    assert labs["long_run_cooperation"].tolist() == [1.0] * 3 + [0.0] * 3
    # two imitation specs (different starts): the Mesa model ran, with its per-round lab rows
    assert (out / "data" / "labs.csv").exists()
    report = (out / "report.md").read_text()
    section = report[report.index("## Networks"):report.index("## Provenance")]
    assert ("50.0% of labs cooperate in the long run, against 0.0% when every lab meets every other "
            "(95% BCa bootstrap intervals across 2 replicates): the structure **helps cooperation**") in section
    assert (out / "charts" / "network-drawing.png").exists()
    assert (out / "charts" / "cooperation-by-degree.svg").exists()

    rebuilt = CliRunner().invoke(app, ["report", str(out)])
    assert rebuilt.exit_code == 0, rebuilt.output
    again = (out / "report.md").read_text()
    assert again[again.index("## Networks"):again.index("## Provenance")] == section


def test_degree_classes_double():
    labs = pd.DataFrame({"variant": "v", "lab": list("abcdef"), "degree": [1, 2, 3, 4, 7, 8],
                         "long_run_cooperation": [0.0, 1.0, 0.5, 1.0, 0.0, 1.0]})
    table = degree_classes(labs)
    assert table["degree_class"].tolist() == ["1", "2-3", "4-7", "8-15"]
    assert table["labs"].tolist() == [1, 2, 2, 1]
    assert table["long_run_cooperation"].tolist() == [0.0, 0.75, 0.5, 1.0]
