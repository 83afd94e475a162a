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
3. **Detection.** Each UNSAFE move is detected independently with probability ``p_fo``; a
   detected lab earns nothing this round.
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
   the fraction of the race it played UNSAFE; a disaster wipes out the lab's
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

Random numbers come only from ``self.rng`` (Mesa's ``rng=``): with ``length="fixed"`` each race
draws its block of uniforms when it starts (:mod:`coopsim.abm.race_play`), so
:func:`play_pair`, which plays many races at once, gives the same races number for number.

Interventions (``rules=``) pay between the rivals every round of a race through the lab model's
payment rule (:class:`coopsim.policy.base.Transfer`); the payments are settled as they happen
and a disaster does not undo them (:mod:`coopsim.abm.race_play`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar, Literal, NamedTuple

import mesa
import numpy as np
import pandas as pd

from coopsim.abm.race_play import NO_MOVE, SAFE, UNSAFE, Races, play_races
from coopsim.registry import Registry
from coopsim.theory.dsair import DsairParams

if TYPE_CHECKING:
    from coopsim.policy.base import RoundRules

RaceLength = Literal["fixed", "geometric"]


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
    def move(rival_last: np.ndarray) -> np.ndarray:
        """SAFE or UNSAFE for each lab playing this strategy, given its rival's previous move in
        this race (``NO_MOVE`` in round one)."""
        raise NotImplementedError


RACE_STRATEGIES = Registry("race strategy", key="short_name")
register = RACE_STRATEGIES.register  # @register("AS") adds a race strategy


@register("AS")
class AlwaysSafe(RaceStrategy):
    type = "always_safe"
    meaning = "always safe"
    colour = "#009E73"

    @staticmethod
    def move(rival_last: np.ndarray) -> np.ndarray:
        return np.full(rival_last.shape, SAFE)


@register("AU")
class AlwaysUnsafe(RaceStrategy):
    type = "always_unsafe"
    meaning = "always unsafe"
    colour = "#D55E00"

    @staticmethod
    def move(rival_last: np.ndarray) -> np.ndarray:
        return np.full(rival_last.shape, UNSAFE)


@register("CS")
class ConditionallySafe(RaceStrategy):
    type = "conditionally_safe"
    meaning = "conditionally safe (safe first, then copies the rival)"
    colour = "#0072B2"
    riskless_as_published = True

    @staticmethod
    def move(rival_last: np.ndarray) -> np.ndarray:
        return np.where(rival_last == NO_MOVE, SAFE, rival_last)


def population_strategies() -> dict[str, type]:
    """Every strategy a population game may use, by short name: the race's (AS, AU, CS) and the
    lab model's (AllC, AllD, TFT, ...) and the choice strategies that punish, reward or pledge
    (PS, RS, COM, FC), with their meaning and colour."""
    from coopsim.abm.strategies import STRATEGIES
    from coopsim.policy.population import CHOICE_STRATEGIES

    return {**{cls.short_name: cls for cls in STRATEGIES.values()}, **RACE_STRATEGIES,
            **CHOICE_STRATEGIES}


class RacingLab(mesa.Agent):
    """One lab in the race (a view of the model's race state for the DataCollector).

    After a race ends, ``race_payoff``, ``race_rounds``, ``won`` and ``disaster`` describe that
    race; ``average_payoff`` is race payoff per round."""

    model: DsairRace

    def __init__(self, model: DsairRace, strategy: str):
        super().__init__(model)
        if strategy not in RACE_STRATEGIES:
            raise ValueError(f"unknown strategy {strategy!r}; choose from {tuple(RACE_STRATEGIES)}")
        self.strategy = strategy
        self.race_payoff = 0.0
        self.race_rounds = 0.0
        self.won = False
        self.disaster = False

    @property
    def average_payoff(self) -> float:
        """The last finished race's payoff per round."""
        return self.race_payoff / self.race_rounds if self.race_rounds else float("nan")


class DsairRace(mesa.Model):
    """Two labs racing round by round; races follow one another (see the module docstring).

    ``strategies`` are the row and column labs' strategies (``"AS"``, ``"AU"``, ``"CS"``).
    ``params.N`` must be 2 and ``params.W >= params.s``. ``rules(round)``, when given, returns
    the :class:`coopsim.policy.base.RoundRules` (two labs: 0 = row, 1 = column) of a race that
    starts at that round (rounds counted from 0 over all races), whose payments
    (:class:`~coopsim.policy.base.Transfer`) act in every round of that race
    (:mod:`coopsim.abm.race_play`). Model attributes: ``races`` finished so far,
    ``rounds_played`` over all races, ``round_in_race`` (rounds played in the current race),
    ``race_time`` (its duration so far, fractional rounds included)."""

    def __init__(
        self,
        params: DsairParams,
        strategies: tuple[str, str] = ("AS", "AU"),
        length: RaceLength = "fixed",
        rng: np.random.Generator | int | None = None,
        rules: Callable[[int], RoundRules | None] | None = None,
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
        self.rules = rules
        self.races = 0
        self.rounds_played = 0
        self._current: Races | None = None
        self._uniforms: np.ndarray | None = None
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

    @property
    def round_in_race(self) -> int:
        return self._current.rounds if self._current is not None else 0

    @property
    def race_time(self) -> float:
        return float(self._current.time[0]) if self._current is not None else 0.0

    def _start_race(self) -> Races:
        names = tuple(lab.strategy for lab in self.labs)
        rules = self.rules(self.rounds_played) if self.rules else None
        races = Races(self.params, names, np.array([[0, 1]]), np.array([[0, 1]]), 2, rules)
        if self.length == "fixed":
            self._uniforms = self.rng.random((1, *races.block_shape()))
        return races

    # ------------------------------------------------------------------ one round

    def step(self) -> None:
        """Play one round of the current race (and close the race if it ends)."""
        if self._current is None:
            self._current = self._start_race()
        races = self._current
        if self.length == "fixed":
            moves = races.play_round(self._uniforms[:, races.rounds])
        else:
            moves = races.play_round(self.rng.random((1, 2, 1 + len(races.slots))), fixed=False)
            speed = float(self.params.s) if (moves == UNSAFE).any() else 1.0
            races.done[:] = self.rng.random() < speed / float(self.params.W)
        self.rounds_played += 1
        if races.done.all():
            last = self._uniforms[:, -1, :, 0] if self.length == "fixed" else self.rng.random((1, 2))
            self._finish_race(races.finish(last))

    def _finish_race(self, outcome: dict[str, np.ndarray]) -> None:
        for j, lab in enumerate(self.labs):
            lab.race_payoff = float(outcome["race_payoff"][0, j])
            lab.race_rounds = float(outcome["rounds"][0])
            lab.won = bool(outcome["won"][0, j])
            lab.disaster = bool(outcome["disaster"][0, j])
        self.races += 1
        self.datacollector.collect(self)
        self._current = None

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


MESA_SETUP_DRAW = np.iinfo(np.int32).max  # mesa.Model(rng=...) draws one integer below this


def race_steps(params: DsairParams, row: str, column: str) -> tuple[int, float]:
    """Rounds played (the last one possibly fractional) and duration of one fixed-length race
    of ``row`` against ``column``: moves do not depend on chance, so neither does the length."""
    races = Races(params, (row, column), np.array([[0, 1]]), np.array([[0, 1]]), 2)
    no_chance = np.ones((1, 2, 1))  # uniforms of 1: nothing detected
    while not races.done.all():
        races.play_round(no_chance)
    return races.rounds, float(races.time[0])


def play_pair(
    params: DsairParams,
    row: str,
    column: str,
    races: int,
    rng: np.random.Generator,
    rules: Callable[[int], RoundRules | None] | None = None,
) -> pd.DataFrame:
    """``races`` consecutive fixed-length races of ``row`` against ``column`` played at once
    (:func:`coopsim.abm.race_play.play_races`), with the records of :meth:`DsairRace.race_records`.

    The same races, number for number, as ``DsairRace(params, (row, column), rng=rng,
    rules=rules).run_races(races)``: after Mesa's set-up draw every race draws its block of
    uniforms in turn, and races that start under the same interventions are played together."""
    rng.integers(MESA_SETUP_DRAW)  # as mesa.Model does, so that the streams match DsairRace
    steps, _ = race_steps(params, row, column)
    starts = np.arange(races) * steps
    active = [rules(int(t)) if rules else None for t in starts]
    frames, first = [], 0
    while first < races:
        last = first + 1
        while last < races and active[last] is active[first]:
            last += 1
        count = last - first
        pairs = np.tile([[0, 1]], (count, 1))
        outcome = play_races(Races(params, (row, column), pairs, pairs, 2, active[first]), rng)
        for lab in (0, 1):
            frames.append(pd.DataFrame({
                "race": np.arange(first, last) + 1, "lab": lab, "strategy": (row, column)[lab],
                "race_payoff": outcome["race_payoff"][:, lab], "rounds": outcome["rounds"],
                "won": outcome["won"][:, lab], "disaster": outcome["disaster"][:, lab],
            }))
        first = last
    records = pd.concat(frames).sort_values(["race", "lab"], kind="stable").reset_index(drop=True)
    records.insert(5, "average_payoff", records["race_payoff"] / records["rounds"])
    return records


def simulate_pair(
    params: DsairParams,
    row: str,
    column: str,
    races: int,
    rng: np.random.Generator | int | None = None,
    length: RaceLength = "fixed",
) -> tuple[Estimate, Estimate]:
    """Play ``races`` races of ``row`` against ``column``; the two labs' average payoffs
    (fixed length: all at once with :func:`play_pair`; geometric: the Mesa model)."""
    if length == "fixed":
        records = play_pair(params, row, column, races, np.random.default_rng(rng))
    else:
        model = DsairRace(params, (row, column), length=length, rng=rng)
        model.run_races(races)
        records = model.race_records()
    return average_payoff(records, 0, length), average_payoff(records, 1, length)
