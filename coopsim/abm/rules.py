"""The rules of one round for a batch of runs: each member's :class:`~coopsim.policy.base.RoundRules`
(built by its :class:`~coopsim.abm.timeline.Timeline`) stacked along a leading batch axis.

Per-lab values become (B, N) arrays (a scalar rule value is the same for every lab), payoff and
transfer tables (B, N, 2, 2). Members share a draw plan, so they have the same audits and
transfers, in the same order; their amounts and chances may differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from coopsim.abm.timeline import DrawPlan
from coopsim.policy.incidents import IncidentTerms


def per_run(values: np.ndarray):
    """Per-run values (B,) shaped to broadcast against (B, ...) arrays: a (B, 1) column, or at a
    batch of one the value itself (a numpy scalar: the same results, without the cost of
    broadcasting, which exceeds that of the operation on a few dozen numbers)."""
    return values[0] if values.shape[0] == 1 else values[:, None]


@dataclass(frozen=True)
class BatchTransfer:
    """One transfer for every member: amounts (B, N, 2, 2) by receiving lab, ``chance`` (B,) of
    its event per entry; ``drawn``: whether the event is drawn (else it is ``certain`` (B,) or
    impossible)."""

    to_actor: np.ndarray
    to_partner: np.ndarray
    chance: np.ndarray
    certain: np.ndarray
    drawn: bool
    public: bool


class EntryRules:
    """Per-lab rules of one stack gathered per match entry, (B, E), each computed when first
    read and kept while neither the rules nor the entries change (fixed matchings: until the
    rules change)."""

    def __init__(self, rules: BatchRules, entries):
        self.rules, self.entries = rules, entries

    @cached_property
    def if_cooperated(self) -> np.ndarray:
        return self.rules.if_cooperated.ravel()[self.entries.lab]

    @cached_property
    def if_defected(self) -> np.ndarray:
        return self.rules.if_defected.ravel()[self.entries.lab]

    @cached_property
    def fines(self) -> list[np.ndarray]:
        """Each audit's fine."""
        return [fine.ravel()[self.entries.lab] for _, fine in self.rules.audits]

    @cached_property
    def subsidy(self) -> np.ndarray:
        return self.rules.subsidy.ravel()[self.entries.lab]


class BatchRules:
    """The stacked rules of the engine's current round (rebuilt only when a member's change).
    Besides the stacked values it keeps what a round derives from them alone: the
    observability per run (:func:`per_run`) and whether any member observes, the audits'
    detection probabilities per run, the incident terms, and the per-entry gathers (:meth:`at`)."""

    def __init__(self, engine):
        self.engine = engine
        self._versions: tuple[int, ...] | None = None
        self._changes = set().union(*(t.changes for t in engine.distinct))
        self._lasting = any(t.lasting for t in engine.distinct)
        dynamics = engine.dynamics
        self.incident_odds = np.array([d.incidents.probability for d in dynamics])
        self.incident_cost = np.array([d.incidents.cost for d in dynamics])
        self._at: EntryRules | None = None

    def at(self, entries) -> EntryRules:
        """The per-lab rules gathered for ``entries`` (see :class:`EntryRules`)."""
        if self._at is None or self._at.entries is not entries:
            self._at = EntryRules(self, entries)
        return self._at

    def update(self, round_index: int) -> None:
        """Let every member's timeline reach ``round_index`` and restack what changed."""
        engine = self.engine
        if self._versions is not None and not self._lasting and round_index not in self._changes:
            return
        for timeline in engine.distinct:
            timeline.update(round_index)
        versions = tuple(t.version for t in engine.distinct)
        if versions == self._versions:
            return
        self._versions = versions
        planned = engine.plan_of(round_index)
        if any(DrawPlan.of(t.rules) != planned for t in engine.distinct):  # pragma: no cover - guard
            raise RuntimeError("a lasting intervention changed which random draws a round makes")
        self._stack([t.rules for t in engine.distinct], [t.decision_gains for t in engine.distinct])

    def _stack(self, rules: list, gains: list) -> None:
        members, n = self.engine.member_timeline, self.engine.n_labs

        def stack(values, shape) -> np.ndarray:
            return np.stack([np.broadcast_to(np.reshape(v, (-1,) + shape[1:]) if np.ndim(v) else v, shape)
                             for v in values])[members]

        self.true = stack([r.true for r in rules], (n, 2, 2))
        self.true_flat = self.true.ravel()
        self.if_cooperated = stack([g[0] for g in gains], (n,))
        self.if_defected = stack([g[1] for g in gains], (n,))
        self.observability = np.array([r.observability for r in rules], dtype=float)[members]
        self.observability_column = per_run(self.observability)
        self.any_observed = bool((self.observability > 0).any())
        self.defector_pays = np.array([r.defector_pays for r in rules])[members]
        self.incidents = IncidentTerms.of(self.incident_odds, self.incident_cost, self.defector_pays, n,
                                          per_run)
        self.public_cost = np.array([float(r.public_cost) for r in rules])[members]
        self.audits = [
            (np.array([r.audits[k][0] for r in rules], dtype=float)[members],
             stack([r.audits[k][1] for r in rules], (n,)))
            for k in range(len(rules[0].audits))
        ]
        self.detection_columns = [per_run(detection) for detection, _ in self.audits]
        self.subsidy = stack([r.subsidy for r in rules], (n,))
        self.any_subsidy = bool(self.subsidy.any())
        self.transfers = []
        for k, first in enumerate(rules[0].transfers):
            transfers = [r.transfers[k] for r in rules]
            chance = np.array([r.chance(t) for r, t in zip(rules, transfers)], dtype=float)
            zero = np.array([t.is_zero() for t in transfers])
            drawn = bool(0 < chance[0] < 1 and not zero[0])
            self.transfers.append(BatchTransfer(
                to_actor=stack([t.to_actor for t in transfers], (n, 2, 2)),
                to_partner=stack([t.to_partner for t in transfers], (n, 2, 2)),
                chance=chance[members], certain=((chance >= 1) & ~zero)[members],
                drawn=drawn, public=first.public,
            ))
        self._at = None
