"""LabModel's DataCollector (coopsim.abm.model.LabDataCollector) records what Mesa's own
DataCollector records: a plain ``mesa.DataCollector`` with the same reporters, collecting the
same model after every step, gives the same model and agent tables, value for value and type
for type (round robin, random pairs with a lab sitting out, every strategy)."""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd
import pytest

from coopsim.abm.model import AGENT_REPORTERS, MODEL_REPORTERS, LabModel
from tests.test_batch_engine import busy_scenario


@pytest.mark.parametrize("matching", ["round_robin", "random_pairs"])
def test_the_lab_collector_gives_mesas_tables(matching):
    scenario = busy_scenario("audit_and_fine", matching=matching)  # 7 labs: one sits out in random pairs
    model = LabModel(scenario, rng=np.random.default_rng(4))
    plain = mesa.DataCollector(
        model_reporters={name: name for name in MODEL_REPORTERS},
        agent_reporters={name: name for name in AGENT_REPORTERS},
    )
    for _ in range(scenario.dynamics.rounds):
        model.step()
        plain.collect(model)
    ours = model.datacollector
    pd.testing.assert_frame_equal(ours.get_model_vars_dataframe(), plain.get_model_vars_dataframe(),
                                  check_exact=True)
    labs = ours.get_agent_vars_dataframe()
    pd.testing.assert_frame_equal(labs, plain.get_agent_vars_dataframe(), check_exact=True)
    assert len(labs) == scenario.dynamics.rounds * 7
    if matching == "random_pairs":
        assert labs["cooperation"].isna().any()  # the lab sitting out: NaN, as Mesa records it
