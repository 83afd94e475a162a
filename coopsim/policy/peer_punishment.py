"""Peer punishment (paper strategy 4: penalise unsafe behaviour, here by the labs themselves)."""

from __future__ import annotations

from pydantic import Field

from coopsim.policy.base import (
    INTERVENTIONS,
    Intervention,
    InterventionBase,
    RoundRules,
    Transfer,
    cell_table,
    highest_observability,
)
from coopsim.scenario.base import NonNegative


@INTERVENTIONS.register("peer_punishment")
class PeerPunishment(Intervention):
    """A lab that played safe (cooperated) and *sees* its partner play unsafe (defect) in the
    same match pays ``cost`` c to impose ``fine`` F on that partner.

    Assumptions: every safe lab punishes every unsafe partner it sees (punishing is not a
    strategic choice here, so the second-order free-rider problem is assumed away); unsafe labs
    never punish; the sighting is a draw per match entry with the round's observability o
    (``dynamics.observability``, raised by ``transparency``), independent of the sighting that
    updates trust; c and F are lost to both labs (no one receives F), so they lower welfare.

    Expected effect per match: S falls by o*c (the punisher's cost) and T by o*F (the punished
    defector's loss); R and P are unchanged. A lab that trusts its partner with t cooperates
    more readily: the critical trust falls because T - R grows smaller."""

    paper_strategy = 4
    levers = ("cost", "fine")

    class Spec(InterventionBase):
        """Safe labs pay a cost to fine an unsafe partner they observe."""

        cost: NonNegative = Field(description="What the punishing (safe) lab pays per punishment.")
        fine: NonNegative = Field(description="What the punished (unsafe) lab loses per punishment.")

    def choice(self) -> str:
        return "punish"

    def apply(self, rules: RoundRules) -> None:
        rules.transfers.append(Transfer(
            to_actor=cell_table(CD=-self.spec.cost),
            to_partner=cell_table(CD=-self.spec.fine),
            observed=True,
        ))

    def does_nothing(self, scenario):
        if self.spec.cost == 0 and self.spec.fine == 0:
            return "its cost and fine are both 0"
        if highest_observability(scenario) == 0:
            return "no lab ever sees its partner's action (observability 0), so no one punishes"
        return super().does_nothing(scenario)
