"""Voluntary safety commitments (paper strategy 4: incentivise adherence to high standards,
here by pledges that labs choose to make)."""

from __future__ import annotations

from coopsim.lazy_import import numpy as np
from pydantic import Field

from coopsim.policy.base import (
    INTERVENTIONS,
    Intervention,
    InterventionBase,
    RoundRules,
    Transfer,
    cell_table,
)
from coopsim.scenario.base import NonNegative
from coopsim.theory.stage_game import COOPERATE, DEFECT


def pledges(table: np.ndarray, pledge_cost: float, sanction: float) -> np.ndarray:
    """Which labs pledge (shape (labs,)), by the pledge rule of :class:`VoluntaryCommitment`
    applied to their stage tables (labs, 2, 2): F >= max(T - R, P - S) and R - e > P."""
    R, S = table[:, COOPERATE, COOPERATE], table[:, COOPERATE, DEFECT]
    T, P = table[:, DEFECT, COOPERATE], table[:, DEFECT, DEFECT]
    return (sanction >= np.maximum(T - R, P - S)) & (R - pledge_cost > P)


@INTERVENTIONS.register("voluntary_commitment")
class VoluntaryCommitment(Intervention):
    """Labs may pledge to play safe. A pledged lab pays ``pledge_cost`` e in every match it
    plays (the cost of making and keeping the pledge credible; lost, not paid to anyone), and
    whenever its partner in a match sees it play unsafe (defect) it pays ``sanction`` F to the
    public purse (booked as a fine). Labs that do not pledge pay and risk nothing.

    The pledge rule (this model's assumption, not a paper's): a lab pledges iff, by its true
    stage payoffs, (i) F >= max(T - R, P - S): the sanction would remove its temptation to
    defect against either partner action if every breach were seen, so it means to keep the
    pledge; and (ii) R - e > P: mutual safe play net of the pledge cost beats mutual unsafe
    play. The rule reads the true table as left by the interventions listed before this one
    (e.g. ``joint_research``), for the whole window; it does not look at how likely a breach is
    to be seen. The true payoffs, not the perceived ones, because a pledge is assessed on the
    real stakes (and so the one-shot view, which knows only true payoffs, pledges as the
    simulation does): misperception changes how a pledged lab plays, not whether it pledged.
    Pledging does not force a lab's actions: its strategy decides, facing the expected sanction
    in its decision payoffs. The sighting is a draw per match entry with the round's
    observability o (``dynamics.observability``, raised by ``transparency``), independent of the
    sighting that updates trust.

    Expected effect per match for a pledged lab: every payoff falls by e, and T and P by a
    further o*F; other labs' payoffs are unchanged."""

    paper_strategy = 4
    levers = ("pledge_cost", "sanction")

    class Spec(InterventionBase):
        """Labs may pledge to play safe at a cost; pledge-breakers seen defecting are fined."""

        pledge_cost: NonNegative = Field(description="What a pledged lab pays per match.")
        sanction: NonNegative = Field(
            description="Fine a pledged lab pays when its partner sees it defect."
        )

    choice_triggers = False  # pledging binds the pledged lab; any partner may see a breach

    def choice(self) -> str:
        return "pledge"

    def apply(self, rules: RoundRules) -> None:
        self.apply_choosing(rules, pledges(rules.true, self.spec.pledge_cost, self.spec.sanction))

    def apply_choosing(self, rules: RoundRules, chosen: np.ndarray) -> None:
        """The pledge's transfers with the labs in ``chosen`` pledged (the pledge rule decides
        who in :meth:`apply`; a population game lets the strategies decide)."""
        pledged = np.asarray(chosen, dtype=float)[:, None, None]
        everywhere = cell_table(CC=1, CD=1, DC=1, DD=1)
        rules.transfers.append(Transfer(
            to_actor=-self.spec.pledge_cost * pledged * everywhere, to_partner=cell_table()
        ))
        # The actor is the lab that sees; the pledged partner pays when it defected.
        rules.transfers.append(Transfer(
            to_actor=cell_table(),
            to_partner=-self.spec.sanction * pledged * cell_table(CD=1, DD=1),
            observed=True,
            public=True,
        ))

    def does_nothing(self, scenario):
        if self.spec.pledge_cost == 0 and self.spec.sanction == 0:
            return "its pledge_cost and sanction are both 0"
        return super().does_nothing(scenario)
