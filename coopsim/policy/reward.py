"""Rewards for safe play (paper strategy 4: incentivise adherence to high standards)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

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


@INTERVENTIONS.register("reward")
class Reward(Intervention):
    """Safe play (cooperation) that is *seen* is rewarded with ``amount`` r.

    ``budget: public``: whenever a lab sees its partner play safe, the public purse pays the
    partner r (booked as a subsidy); whatever the observing lab played. Expected effect per
    match: R and S rise by o*r.

    ``budget: peer``: a lab that played safe and sees its partner play safe pays ``cost`` c to
    give the partner r (peer reward among safe labs; the money is created by the rewarder's
    cost, not moved: r - c is the net gain or loss to welfare). Expected effect per match: R
    rises by o*(r - c), the other payoffs are unchanged.

    Assumptions: the sighting is a draw per match entry with the round's observability o
    (``dynamics.observability``, raised by ``transparency``), independent of the sighting that
    updates trust; every eligible lab rewards (rewarding is not a strategic choice); unlike
    ``safety_subsidy``, unseen safe play earns nothing."""

    paper_strategy = 4
    # Not ``cost``: levers are per class, and a public budget's cost must stay 0.
    levers = ("amount",)

    class Spec(InterventionBase):
        """Observed safe play is rewarded, from a public or a peer budget."""

        amount: NonNegative = Field(description="Reward per observed safe match.")
        budget: Literal["public", "peer"] = Field(
            "public", description="Who pays: the public purse, or the safe partner who observes."
        )
        cost: NonNegative = Field(
            0.0, description="What a rewarding lab pays per reward (peer budget only)."
        )

        @model_validator(mode="after")
        def _peer_cost(self):
            if self.budget == "public" and self.cost:
                raise ValueError("cost applies only to budget: peer (the public purse pays)")
            return self

    def choice(self) -> str | None:
        """A peer reward is the rewarding lab's choice; a public one is nobody's."""
        return "reward" if self.spec.budget == "peer" else None

    def apply(self, rules: RoundRules) -> None:
        r = self.spec.amount
        if self.spec.budget == "public":
            transfer = Transfer(
                to_actor=cell_table(), to_partner=cell_table(CC=r, DC=r), observed=True, public=True
            )
        else:
            transfer = Transfer(
                to_actor=cell_table(CC=-self.spec.cost), to_partner=cell_table(CC=r), observed=True
            )
        rules.transfers.append(transfer)

    def does_nothing(self, scenario):
        if self.spec.amount == 0 and self.spec.cost == 0:
            return "its amount is 0"
        if highest_observability(scenario) == 0:
            return "no lab ever sees its partner's action (observability 0), so no one is rewarded"
        return super().does_nothing(scenario)
