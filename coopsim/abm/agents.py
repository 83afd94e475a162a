"""The labs as thin Mesa agents.

Behaviour is vectorised (see :mod:`coopsim.abm.strategies`), so a :class:`LabAgent` holds only
its identity and reads its latest results from the model; the DataCollector reads those
attributes. What labs have seen of each other lives in :mod:`coopsim.abm.memory`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from coopsim.theory.stage_game import Lab

if TYPE_CHECKING:
    from coopsim.abm.model import LabModel


class LabAgent(mesa.Agent):
    """One lab: its name, its kind (the scenario lab entry it came from), its strategy's type name
    and its index into the model's arrays. The properties are the lab's latest round."""

    model: LabModel

    def __init__(self, model: LabModel, index: int, lab: Lab):
        super().__init__(model)
        self.index = index
        self.name = lab.name
        self.kind = lab.kind
        self.strategy = lab.strategy.type

    @property
    def cooperation(self) -> float:
        """Share of this round's matches in which the lab cooperated (after trembles)."""
        return self.model.lab_cooperation[self.index]

    @property
    def matches(self) -> int:
        """Matches the lab played this round."""
        return self.model.lab_matches[self.index]

    @property
    def payoff(self) -> float:
        """This round's payoff: stage payoffs + subsidies - fines - incident costs."""
        return self.model.lab_payoff[self.index]

    @property
    def trust(self) -> float:
        """Mean belief, after this round, that a partner cooperates (over all other labs)."""
        return self.model.lab_trust[self.index]

    @property
    def incidents_caused(self) -> int:
        """Incidents the lab's defections caused this round."""
        return self.model.lab_incidents[self.index]
