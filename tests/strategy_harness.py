"""A uniform harness for decision rules, in the style of Axelrod's ``versus_test``: given the
partner's moves, expect these moves. The partner is :class:`Scripted`, a strategy that exists
only for tests and is registered for the duration of a ``with scripted_strategy():`` block."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from pydantic import Field

from coopsim.abm.model import LabModel
from coopsim.abm.strategies import STRATEGIES, Strategy
from coopsim.scenario.base import Strict
from coopsim.scenario.spec import Scenario
from coopsim.theory.stage_game import COOPERATE, DEFECT

MOVE = {"C": COOPERATE, "D": DEFECT}


class Scripted(Strategy):
    """Test-only: plays ``moves`` (a string of C and D) in round order, repeating it."""

    short_name = "SCR"
    meaning = "plays a fixed script of moves"
    colour = "#000000"

    class Spec(Strict):
        """A fixed script of moves, repeated."""

        moves: str = Field(pattern="^[CD]+$", description="Moves by round, e.g. 'CD' alternates.")

    def decide(self, entries, engine, uniform):
        move = self.spec.moves[engine.round % len(self.spec.moves)]
        return np.full(entries.me.shape, MOVE[move], dtype=np.int8)


@contextmanager
def registered(registry, name: str, cls: type):
    """Register ``cls`` under ``name`` for the duration of the block."""
    registry.register(name)(cls)
    try:
        yield registry[name]
    finally:
        registry.remove(name)


def scripted_strategy():
    """``with scripted_strategy():`` makes ``{type: scripted, moves: ...}`` a valid strategy."""
    return registered(STRATEGIES, "scripted", Scripted)


def moves_of(model: LabModel, lab: int) -> str:
    """The lab's executed moves by round (its only match each round), as C/D."""
    table = model.datacollector.get_agent_vars_dataframe()
    cooperation = table.xs(list(model.agents)[lab].unique_id, level="AgentID")["cooperation"]
    return "".join("C" if share == 1 else "D" for share in cooperation)


def versus_test(strategy: dict, partner_moves: str, expected: str, *, game=None, **dynamics) -> None:
    """Play ``strategy`` against a scripted partner for len(expected) rounds and assert that
    its moves are ``expected``; ``partner_moves`` is the partner's script."""
    with scripted_strategy():
        scenario = Scenario.model_validate({
            "name": "versus test",
            "game": game or {"shared_upside": 3, "advantage": 5, "exposure": 1, "shared_downside": 0.5},
            "labs": [
                {"name": "Tested", "strategy": strategy},
                {"name": "Partner", "strategy": {"type": "scripted", "moves": partner_moves}},
            ],
            "dynamics": {"rounds": len(expected), "replicates": 1, **dynamics},
        })
        model = LabModel(scenario, rng=np.random.default_rng(0))
        for _ in range(len(expected)):
            model.step()
    assert moves_of(model, 0) == expected, f"{strategy} against {partner_moves}"
