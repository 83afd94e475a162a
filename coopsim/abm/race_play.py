"""The rules of the DSAIR race, for many races at once: one definition of a round, of the end of a
race, and of the per-round payments of interventions, used by the two-lab Mesa model
(:class:`coopsim.abm.race.DsairRace`, one race at a time) and by the race on a network
(:mod:`coopsim.abm.network_race`, one race per linked pair of labs at once). The rules in words
are in :mod:`coopsim.abm.race`.

State is held for E races as (E, 2) arrays: column 0 is the race's row lab, column 1 its column
lab. Moves are SAFE = 0 and UNSAFE = 1, which are also the cooperate/defect indices of the
intervention payment tables (:class:`coopsim.policy.base.Transfer`).

Random numbers (fixed-length races): at the start of a race every race draws one block of
uniforms of shape (L + 1, 2, 1 + T), L the most rounds a fixed race can last (ceil W, an
all-SAFE race) and T the payments that happen by chance (a sighting with observability strictly
between 0 and 1): ``[t, lab, 0]`` decides detection in round t, ``[L, lab, 0]`` the disaster at
the end, ``[t, lab, 1 + i]`` whether the lab sees its rival in round t for the i-th such payment.
(So payments that are certain leave the races' random numbers as they are without them.) The E blocks are drawn at once in race order, so race k of a batch uses
exactly the numbers the k-th of E consecutive single races would use.

Interventions (``rules``, a :class:`coopsim.policy.base.RoundRules` fixed for the race): every
round, each lab is the actor of its own entry against its rival, and each
:class:`~coopsim.policy.base.Transfer` pays as in the lab model
(:func:`coopsim.policy.base.entry_amounts`), times the round's fraction (a fractional last round
counts for its fraction, as the race payoffs do). Payments are settled as they happen and are
*not* part of the race payoff a disaster wipes out: a fine paid stays paid. So for two strategies
that play the same move every round (AS, AU) the expected payoff per round is the Eq. 2 entry
plus ``RoundRules.expected_payoffs``'s transfer term for those moves, exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from coopsim.policy.base import RoundRules, Transfer, entry_amounts
from coopsim.theory.dsair import DsairParams

SAFE, UNSAFE = 0, 1
NO_MOVE = -1  # "the rival has not moved yet in this race"
EPSILON = 1e-9


def longest_race(params: DsairParams) -> int:
    """Rounds of the longest fixed-length race: an all-SAFE race, ceil(W) (fractional last round)."""
    return max(1, math.ceil(float(params.W) * (1 - EPSILON)))


def sighted(rules: RoundRules | None) -> list[Transfer]:
    """The payments of ``rules`` that can move money, in order."""
    if rules is None:
        return []
    return [t for t in rules.transfers if rules.chance(t) > 0 and not t.is_zero()]


@dataclass
class Races:
    """E races in progress: strategy codes (E, 2) into ``names`` (race strategy short names) and
    each lab's state in its current race. ``labs`` (E, 2) are the labs' numbers in the payment
    tables of ``rules`` (who receives what), ``n_labs`` how many there are."""

    params: DsairParams
    names: tuple[str, ...]
    strategy: np.ndarray
    labs: np.ndarray
    n_labs: int
    rules: RoundRules | None = None
    progress: np.ndarray = field(init=False)
    payoff: np.ndarray = field(init=False)
    paid: np.ndarray = field(init=False)  # intervention payments, outside the race payoff
    unsafe_time: np.ndarray = field(init=False)
    played_safe: np.ndarray = field(init=False)
    last_move: np.ndarray = field(init=False)
    time: np.ndarray = field(init=False)
    rounds: int = field(init=False, default=0)
    done: np.ndarray = field(init=False)

    def __post_init__(self):
        shape = self.strategy.shape
        self.progress, self.payoff, self.paid = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        self.unsafe_time = np.zeros(shape)
        self.played_safe = np.zeros(shape, dtype=bool)
        self.last_move = np.full(shape, NO_MOVE, dtype=np.int8)
        self.time = np.zeros(shape[0])
        self.done = np.zeros(shape[0], dtype=bool)
        self.transfers = sighted(self.rules)
        # a uniform slot only for payments that happen by chance (0 < chance < 1)
        self.slots = {i: 1 + k for k, i in enumerate(
            i for i, t in enumerate(self.transfers) if self.rules.chance(t) < 1)}

    def moves(self) -> np.ndarray:
        """Every lab's move this round (each strategy's rule, given its rival's last move)."""
        from coopsim.abm.race import RACE_STRATEGIES

        rival_last = self.last_move[:, ::-1]
        moves = np.empty(self.strategy.shape, dtype=np.int8)
        for code, name in enumerate(self.names):
            mine = self.strategy == code
            if mine.any():
                moves[mine] = RACE_STRATEGIES[name].move(rival_last[mine])
        return moves

    def block_shape(self) -> tuple[int, int, int]:
        """Uniforms one fixed-length race draws at its start (see the module docstring)."""
        return (longest_race(self.params) + 1, 2, 1 + len(self.slots))

    def play_round(self, uniforms: np.ndarray, fixed: bool = True) -> np.ndarray:
        """Play one round of every unfinished race; ``uniforms`` (E, 2, 1 + T) are this round's
        detection and sighting draws. Returns the moves. With ``fixed`` the race ends when a lab
        reaches W (``done`` is set); otherwise the caller decides."""
        p = self.params
        s, W, b, c = float(p.s), float(p.W), float(p.b), float(p.c)
        running = ~self.done
        moves = self.moves()
        speeds = np.where(moves == UNSAFE, s, 1.0)
        if fixed:
            fraction = np.minimum(1.0, ((W - self.progress) / speeds).min(axis=1))
        else:
            fraction = np.ones(moves.shape[0])
        fraction = np.where(running, fraction, 0.0)[:, None]
        detected = (moves == UNSAFE) & (uniforms[:, :, 0] < float(p.p_fo))
        sharing = np.where(detected, 0.0, speeds).sum(axis=1, keepdims=True)
        benefit = np.where(detected | (sharing == 0), 0.0, b * speeds / np.where(sharing == 0, 1.0, sharing))
        self.payoff += fraction * (benefit - np.where(moves == SAFE, c, 0.0))
        self.progress += fraction * speeds
        self.unsafe_time += fraction * (moves == UNSAFE)
        self.played_safe |= (moves == SAFE) & running[:, None]
        for i, transfer in enumerate(self.transfers):
            happened = uniforms[:, :, self.slots[i]] < self.rules.chance(transfer) if i in self.slots else True
            own, given = entry_amounts(*transfer.tables(self.n_labs), 4 * self.labs, 4 * self.labs[:, ::-1],
                                       moves, moves[:, ::-1], happened)
            self.paid += fraction * (own + given[:, ::-1])
        self.last_move = np.where(running[:, None], moves, self.last_move)
        self.time += fraction[:, 0]
        self.rounds += 1
        if fixed:
            self.done |= (self.progress >= W - EPSILON * W).any(axis=1)
        return moves

    def finish(self, disaster_uniforms: np.ndarray) -> dict[str, np.ndarray]:
        """Close every race: the prize to the lab furthest ahead (shared on a tie), the disaster
        draws ``disaster_uniforms`` (E, 2), collective risk. Returns per lab (E, 2): ``race_payoff``
        (what a disaster left, plus the payments), ``won``, ``disaster``, and per race ``rounds``."""
        p = self.params
        lead = self.progress.max(axis=1, keepdims=True)
        won = self.progress >= lead - EPSILON * np.maximum(lead, 1.0)
        payoff = self.payoff + float(p.B) * won / won.sum(axis=1, keepdims=True)
        from coopsim.abm.race import RACE_STRATEGIES

        exempt = np.array([RACE_STRATEGIES[n].riskless_as_published and p.cs_vs_au == "published"
                           for n in self.names], dtype=bool)[self.strategy]
        risk = np.where(exempt, 0.0, float(p.p_r) * self.unsafe_time / self.time[:, None])
        struck = (risk > 0) & (disaster_uniforms < risk)
        kept = np.where(struck, 0.0, payoff)
        hurt = ~struck & struck[:, ::-1] & self.played_safe
        kept = np.where(hurt, kept * (1 - float(p.gamma)), kept)
        return {"race_payoff": kept + self.paid, "won": won, "disaster": struck, "rounds": self.time.copy()}


def play_races(races: Races, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Play every race of ``races`` to its fixed-length end (all at once) and close them."""
    uniforms = rng.random((races.strategy.shape[0], *races.block_shape()))
    last = uniforms.shape[1] - 1
    while not races.done.all():
        races.play_round(uniforms[:, races.rounds])
    return races.finish(uniforms[:, last, :, 0])
