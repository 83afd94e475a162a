"""Payoff models keyed by ``game.model``: one module per model, one line to register it.

A model module defines its spec (the pydantic class of the scenario's ``game:``) and a
:class:`~coopsim.games.base.GameModel` subclass decorated with ``@register("name")``. The
scenario's ``game`` field is the union of every registered spec, so a model registered after the
built-in ones (in a plug-in or a test) reaches the schema, validation, `solve` and the report with
no other edit. See :mod:`coopsim.games.base` for the capabilities a model may provide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopsim.games.base import GAMES, GameModel, PopulationGame, register

if TYPE_CHECKING:
    from coopsim.scenario.spec import Scenario

__all__ = ["GAMES", "GameModel", "PopulationGame", "game_model", "register"]



def game_model(scenario: Scenario) -> type[GameModel]:
    """The registered model of a scenario's game."""
    return GAMES[scenario.game.model]


# The built-in models, in the order the schema lists them.
from coopsim.games import five_factors, matrix, dsair, precipice  # noqa: E402,F401
