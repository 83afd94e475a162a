"""The DSAIR race played round by round by two labs: a small Mesa 3 model whose long-run average
payoffs are Eq. 2 of Han, Pereira, Santos & Lenaerts (JAIR 69, 2020).

One step of :class:`DsairRace` is one round of the current race; when a race ends the model
records it (DataCollector, one row per race and lab), and the next step starts a new race. So
``model.run_races(n)`` plays ``n`` independent races between the same two strategies.

A round
-------
1. **Moves.** AS plays SAFE, AU plays UNSAFE, CS plays SAFE in the race's first round and then
   copies the rival's previous move.
2. **Speed.** A SAFE lab advances 1 unit of development per round, an UNSAFE lab ``s`` units.
3. **Detection.** Each UNSAFE move is detected independently with probability ``p_fo`` (drawn in
   lab order); a detected lab earns nothing this round.
4. **Benefit.** The round's benefit ``b`` is split among the undetected labs in proportion to
   their speeds (nobody gets it if both are detected); a SAFE lab also pays ``c``. In expectation
   this is Eq. 1: e.g. SAFE vs UNSAFE earns ``-c + (1 - p_fo) b/(s + 1) + p_fo b = pi12`` and
   UNSAFE vs UNSAFE ``(1 - p_fo)^2 b/2 + p_fo (1 - p_fo) b = (1 - p_fo^2) b/2 = pi22``.
5. **End of the race** (``length``):

   * ``"fixed"`` (default): the breakthrough is ``W`` units of development away. The race ends
     the moment a lab reaches it; the final round counts only for the fraction of the round
     needed, so its payoffs and duration are scaled by that fraction. A SAFE race thus lasts
     exactly ``W`` rounds and a race with an UNSAFE lab ``W/s`` rounds, as in the paper.
   * ``"geometric"``: after each round the race ends with probability ``v/W``, ``v`` the
     fastest speed played that round (so an all-SAFE race lasts ``W = 1/(1 - omega)`` rounds on
     average, a race with an UNSAFE lab ``W/s``); the lab furthest ahead wins.

   The prize ``B`` goes to the lab that got furthest (shared on a tie).
6. **Disaster.** At the end of a race each lab suffers a disaster with probability ``p_r`` times
   the fraction of the race it played UNSAFE (drawn in lab order); a disaster wipes out the lab's
   whole race payoff. Under ``cs_vs_au="published"`` CS labs are exempt (Eq. 2 as printed gives
   CS no disaster risk), under ``"corrected"`` they are not. With collective risk ``gamma``, a lab
   that played SAFE at least once loses the share ``gamma`` of its race payoff when its rival
   suffers a disaster (Appendix C's "SAFE co-player").

Why the averages are Eq. 2
--------------------------
Eq. 2 is a lab's race payoff divided by the race's length in rounds: e.g. AU vs AS is
``(1 - p_r)(B + (W/s) pi21)/(W/s) = (1 - p_r)(s B/W + pi21)``. With ``length="fixed"`` every race
between two given strategies has the same length ``L`` (``W`` or ``W/s``, for any real ``W >= s``
thanks to the fractional final round), the per-round payoffs average to Eq. 1 and the disaster
draw is independent of them, so the expected race payoff per round, ``E[payoff]/L``, is exactly
the Eq. 2 entry, for all nine pairs (CS vs AU: ``(s/W)(pi12 + (W/s - 1) pi22)``, times
``1 - p_r (1 - s/W)`` when corrected, CS having played UNSAFE for ``W/s - 1`` of ``W/s`` rounds).
:func:`average_payoff` estimates it as the mean over races of payoff/length.

With ``length="geometric"`` the length ``L`` is random, and the quantity that equals Eq. 2 is the
long-run payoff per round of a lab that races again and again, ``E[payoff]/E[L]``
(renewal-reward), which :func:`average_payoff` estimates as total payoff over total rounds. This
holds for every entry except the corrected CS vs AU, where CS's disaster probability
``p_r (L - 1)/L`` depends on ``L``.

Random numbers come only from ``self.rng`` (Mesa's ``rng=``).
"""

from __future__ import annotations

from typing import ClassVar, Literal, NamedTuple

import mesa
import numpy as np
import pandas as pd

from coopsim.registry import Registry
from coopsim.theory.dsair import DsairParams

SAFE, UNSAFE = 0, 1
RaceLength = Literal["fixed", "geometric"]
_EPSILON = 1e-9


class RaceStrategy:
    """A race strategy and its metadata, defined once and shared with ``evolve`` and the charts
    (the same attributes as the lab model's :class:`coopsim.abm.strategies.Strategy`)."""

    short_name: ClassVar[str]
    type: ClassVar[str]
    meaning: ClassVar[str]
    colour: ClassVar[str]
    stochastic: ClassVar[bool] = False
    # Eq. 2 as printed gives this strategy no disaster risk (cs_vs_au: published).
    riskless_as_published: ClassVar[bool] = False

    @staticmethod
    def move(rival_last: int | None) -> int:
        """SAFE or UNSAFE, given the rival's previous move in this race (None in round one)."""
        raise NotImplementedError


RACE_STRATEGIES = Registry("race strategy", key="short_name")
register = RACE_STRATEGIES.register  # @register("AS") adds a race strategy


@register("AS")
class AlwaysSafe(RaceStrategy):
    type = "always_safe"
    meaning = "always safe"
    colour = "#009E73"

    @staticmethod
    def move(rival_last: int | None) -> int:
        return SAFE


@register("AU")
class AlwaysUnsafe(RaceStrategy):
    type = "always_unsafe"
    meaning = "always unsafe"
    colour = "#D55E00"

    @staticmethod
    def move(rival_last: int | None) -> int:
        return UNSAFE


@register("CS")
class ConditionallySafe(RaceStrategy):
    type = "conditionally_safe"
    meaning = "conditionally safe (safe first, then copies the rival)"
    colour = "#0072B2"
    riskless_as_published = True

    @staticmethod
    def move(rival_last: int | None) -> int:
        return SAFE if rival_last is None else rival_last


def population_strategies() -> dict[str, type]:
    """Every strategy a population game may use, by short name: the race's (AS, AU, CS) and the
    lab model's (AllC, AllD, TFT, ...) and the choice strategies that punish, reward or pledge
    (PS, RS, COM, FC), with their meaning and colour."""
    from coopsim.abm.strategies import STRATEGIES
    from coopsim.policy.population import CHOICE_STRATEGIES

    return {**{cls.short_name: cls for cls in STRATEGIES.values()}, **RACE_STRATEGIES,
            **CHOICE_STRATEGIES}


class RacingLab(mesa.Agent):
    """One lab in the race: its strategy and its state in the current race.

    After a race ends, ``race_payoff``, ``race_rounds``, ``won`` and ``disaster`` describe that
    race (the DataCollector reads them); ``average_payoff`` is race payoff per round."""

    model: DsairRace

    def __init__(self, model: DsairRace, strategy: str):
        super().__init__(model)
        if strategy not in RACE_STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; choose from {tuple(RACE_STRATEGIES)}")
        self.strategy = strategy
        self.rival: RacingLab | None = None
        self.race_payoff = 0.0
        self.race_rounds = 0.0
        self.won = False
        self.disaster = False
        self._reset()

    def _reset(self) -> None:
        self.progress = 0.0
        self.payoff = 0.0
        self.unsafe_time = 0.0
        self.played_safe = False
        self.last_move: int | None = None

    @property
    def average_payoff(self) -> float:
        """The last finished race's payoff per round."""
        return self.race_payoff / self.race_rounds if self.race_rounds else float("nan")

    def decide(self) -> int:
        """SAFE or UNSAFE for this round."""
        return RACE_STRATEGIES[self.strategy].move(self.rival.last_move)


class DsairRace(mesa.Model):
    """Two labs racing round by round; races follow one another (see the module docstring).

    ``strategies`` are the row and column labs' strategies (``"AS"``, ``"AU"``, ``"CS"``).
    ``params.N`` must be 2 and ``params.W >= params.s``. Model attributes: ``races`` finished so
    far, ``round_in_race`` (rounds played in the current race), ``race_time`` (its duration so
    far, fractional rounds included)."""

    def __init__(
        self,
        params: DsairParams,
        strategies: tuple[str, str] = ("AS", "AU"),
        length: RaceLength = "fixed",
        rng: np.random.Generator | int | None = None,
    ):
        super().__init__(rng=rng)
        if params.N != 2:
            raise ValueError("the race model plays two labs (N = 2)")
        if not float(params.W) >= float(params.s):
            raise ValueError("W must be at least s (a race lasts at least one round)")
        if length not in ("fixed", "geometric"):
            raise ValueError("length must be 'fixed' or 'geometric'")
        self.params = params
        self.length = length
        self.labs = [RacingLab(self, strategy) for strategy in strategies]
        self.labs[0].rival, self.labs[1].rival = self.labs[1], self.labs[0]
        self.races = 0
        self.round_in_race = 0
        self.race_time = 0.0
        self.datacollector = mesa.DataCollector(
            model_reporters={"race": "races", "rounds": "race_time"},
            agent_reporters={
                "strategy": "strategy",
                "race_payoff": "race_payoff",
                "rounds": "race_rounds",
                "average_payoff": "average_payoff",
                "won": "won",
                "disaster": "disaster",
            },
        )

    # ------------------------------------------------------------------ one round

    def step(self) -> None:
        """Play one round of the current race (and close the race if it ends)."""
        p = self.params
        s, W, b, c = float(p.s), float(p.W), float(p.b), float(p.c)
        moves = [lab.decide() for lab in self.labs]
        speeds = [s if move == UNSAFE else 1.0 for move in moves]
        if self.length == "fixed":
            fraction = min(1.0, *[(W - lab.progress) / v for lab, v in zip(self.labs, speeds)])
        else:
            fraction = 1.0
        detected = [move == UNSAFE and self.rng.random() < float(p.p_fo) for move in moves]
        sharing = sum(v for v, seen in zip(speeds, detected) if not seen)
        for lab, move, speed, seen in zip(self.labs, moves, speeds, detected):
            benefit = 0.0 if seen or sharing == 0 else b * speed / sharing
            lab.payoff += fraction * (benefit - (c if move == SAFE else 0.0))
            lab.progress += fraction * speed
            if move == UNSAFE:
                lab.unsafe_time += fraction
            else:
                lab.played_safe = True
        for lab, move in zip(self.labs, moves):
            lab.last_move = move
        self.round_in_race += 1
        self.race_time += fraction
        if self.length == "fixed":
            finished = any(lab.progress >= W - _EPSILON * W for lab in self.labs)
        else:
            finished = self.rng.random() < max(speeds) / W
        if finished:
            self._finish_race()

    def _finish_race(self) -> None:
        p = self.params
        lead = max(lab.progress for lab in self.labs)
        winners = [lab for lab in self.labs if lab.progress >= lead - _EPSILON * max(lead, 1.0)]
        for lab in winners:
            lab.payoff += float(p.B) / len(winners)
        struck = []
        for lab in self.labs:
            exempt = RACE_STRATEGIES[lab.strategy].riskless_as_published and p.cs_vs_au == "published"
            risk = 0.0 if exempt else float(p.p_r) * lab.unsafe_time / self.race_time
            struck.append(risk > 0 and self.rng.random() < risk)
        for lab, hit, rival_hit in zip(self.labs, struck, struck[::-1]):
            payoff = 0.0 if hit else lab.payoff
            if not hit and rival_hit and lab.played_safe:
                payoff *= 1 - float(p.gamma)
            lab.race_payoff = payoff
            lab.race_rounds = self.race_time
            lab.won = lab in winners
            lab.disaster = hit
        self.races += 1
        self.datacollector.collect(self)
        for lab in self.labs:
            lab._reset()
        self.round_in_race = 0
        self.race_time = 0.0

    def run_races(self, races: int) -> None:
        """Play until ``races`` more races have finished."""
        target = self.races + races
        while self.races < target:
            self.step()

    def race_records(self) -> pd.DataFrame:
        """One row per finished race and lab: race, lab (0 = row, 1 = column), strategy,
        race_payoff, rounds, average_payoff, won, disaster."""
        agents = self.datacollector.get_agent_vars_dataframe().reset_index()
        agents["lab"] = agents["AgentID"] - min(lab.unique_id for lab in self.labs)
        agents["race"] = agents["Step"].rank(method="dense").astype(int)  # collected once per race
        return agents[["race", "lab", "strategy", "race_payoff", "rounds", "average_payoff",
                       "won", "disaster"]].reset_index(drop=True)


# --------------------------------------------------------------------------- estimates


class Estimate(NamedTuple):
    """A Monte Carlo estimate of an average payoff per round and its standard error."""

    mean: float
    standard_error: float
    races: int


def average_payoff(records: pd.DataFrame, lab: int = 0, length: RaceLength = "fixed") -> Estimate:
    """The row lab's (``lab=0``) or column lab's average payoff per round over the races.

    ``fixed``: the mean of per-race payoff/length (every race has the same length), standard
    error ``sd/sqrt(n)``. ``geometric``: total payoff over total rounds (renewal-reward ratio),
    standard error by the delta method, ``sqrt(mean((x - R t)^2) / n) / mean(t)``."""
    own = records[records["lab"] == lab]
    n = len(own)
    if length == "fixed":
        values = own["average_payoff"].to_numpy(dtype=float)
        return Estimate(float(values.mean()), float(values.std(ddof=1) / np.sqrt(n)), n)
    x = own["race_payoff"].to_numpy(dtype=float)
    t = own["rounds"].to_numpy(dtype=float)
    ratio = x.sum() / t.sum()
    se = np.sqrt(np.mean((x - ratio * t) ** 2) / n) / t.mean()
    return Estimate(float(ratio), float(se), n)


def simulate_pair(
    params: DsairParams,
    row: str,
    column: str,
    races: int,
    rng: np.random.Generator | int | None = None,
    length: RaceLength = "fixed",
) -> tuple[Estimate, Estimate]:
    """Play ``races`` races of ``row`` against ``column``; the two labs' average payoffs."""
    model = DsairRace(params, (row, column), length=length, rng=rng)
    model.run_races(races)
    records = model.race_records()
    return average_payoff(records, 0, length), average_payoff(records, 1, length)
