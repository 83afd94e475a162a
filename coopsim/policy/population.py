"""Sanctions, rewards and pledges as strategies of a population game (`coopsim evolve`).

In the agent-based model every eligible lab punishes, rewards or pledges by the intervention's
own rule. In a population game that choice becomes part of a lab's strategy, so selection
decides whether punishers, rewarders or committers spread. A choice strategy (:data:`CHOICE_STRATEGIES`)
makes one choice (``"punish"``, ``"reward"``, ``"pledge"``; :meth:`Intervention.choice
<coopsim.policy.base.Intervention.choice>`) and moves like one of the model's base strategies:

========  =========================================================================
``PS``    always safe (cooperates), punishes partners seen playing unsafe (``peer_punishment``)
``RS``    always safe, rewards partners seen playing safe (``reward`` with ``budget: peer``)
``COM``   pledges to play safe (``voluntary_commitment``) and always does
``FC``    pledges but always plays unsafe (a fake committer)
``CP``    does not pledge; plays safe against pledged partners, unsafe against the rest
========  =========================================================================

A pledge is public (the intervention sanctions any unsafe move of a pledged lab that is seen),
so a committer keeps it against everyone; what it gains is the safe play of ``CP`` labs, which
trust pledges. ``CP`` makes no choice of its own but exists only where labs may pledge.

"Safe", "unsafe" and "conditional" are the model's base strategies (DSAIR: AS, AU, CS; the
repeated stage game: AllC, AllD, TFT). When a listed strategy makes an intervention's choice,
*only* the labs of such strategies make it (an AS lab no longer punishes once PS is listed);
otherwise the intervention acts as in the agent-based model, for every lab.

The payments are never written here: each intervention's own ``apply_choosing`` builds its
:class:`~coopsim.policy.base.Transfer` s on the round's rules, exactly as the agent-based model
does. Payoff of ``X`` against ``Y`` (per round of the match or race)::

    M[X, Y] = M0[x, y] + sum over transfers t of chance(t) * sum_{a, b} F[x, y, a, b] *
              (acts(t, X) to_actor_t[X][a, b] + acts(t, Y) to_partner_t[X][b, a])

with ``x, y`` the base strategies ``X`` and ``Y`` move like against each other, ``M0`` the
model's payoff matrix between base strategies, ``F`` the share of rounds with each move profile
(:func:`coopsim.theory.evolution.repeated_game_profiles`, :func:`coopsim.theory.dsair.race_profiles`),
``chance`` the observability of the round's rules and ``acts(t, X)`` whether ``X``'s own match
entries trigger ``t`` (it made the choice, for a triggering choice; always, for a pledge, which
binds the pledged lab instead). Assumptions: a transfer is paid in the round it happens; in a
DSAIR race it is not wiped out by a disaster (a disaster destroys the race's gains, Eq. 2's
``1 - p_r``), and averaged over the race's rounds like Eq. 1's payoffs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from coopsim.policy.base import base_rules
from coopsim.registry import Registry

if TYPE_CHECKING:
    from coopsim.policy.base import Intervention
    from coopsim.scenario.spec import Scenario

ROLES = ("safe", "unsafe", "conditional")
CHOICE_NOTE = ("listed strategies punish, reward or pledge by their own choice: only they make "
               "that choice, and its payments follow the intervention's own rule")


class ChoiceStrategy:
    """A strategy that makes an intervention's choice; metadata as the other strategies'."""

    short_name: ClassVar[str]
    type: ClassVar[str]
    meaning: ClassVar[str]
    colour: ClassVar[str]
    stochastic: ClassVar[bool] = False
    choice: ClassVar[str]  # the intervention choice it is about
    chooses: ClassVar[bool] = True  # whether it makes that choice (CP only reacts to it)
    # The base role it moves like, against a pledged partner and against any other partner.
    moves: ClassVar[tuple[str, str]]


CHOICE_STRATEGIES = Registry("choice strategy", key="short_name")
register = CHOICE_STRATEGIES.register


@register("PS")
class PunishingSafe(ChoiceStrategy):
    type = "punishing_safe"
    meaning = "always safe; punishes partners seen playing unsafe (peer_punishment)"
    colour = "#CC79A7"
    choice = "punish"
    moves = ("safe", "safe")


@register("RS")
class RewardingSafe(ChoiceStrategy):
    type = "rewarding_safe"
    meaning = "always safe; rewards partners seen playing safe (reward, peer budget)"
    colour = "#56B4E9"
    choice = "reward"
    moves = ("safe", "safe")


@register("COM")
class Committer(ChoiceStrategy):
    type = "committer"
    meaning = "pledges to play safe (voluntary_commitment) and always plays safe"
    colour = "#E69F00"
    choice = "pledge"
    moves = ("safe", "safe")


@register("FC")
class FakeCommitter(ChoiceStrategy):
    type = "fake_committer"
    meaning = "pledges (voluntary_commitment) but always plays unsafe"
    colour = "#999999"
    choice = "pledge"
    moves = ("unsafe", "unsafe")


@register("CP")
class TrustsPledges(ChoiceStrategy):
    type = "trusts_pledges"
    meaning = "does not pledge; plays safe against pledged partners, unsafe against the rest"
    colour = "#F0E442"
    choice = "pledge"
    chooses = False
    moves = ("safe", "unsafe")


@dataclass(frozen=True)
class BaseGame:
    """What a payoff model gives to build choice strategies on: its base strategy names in the
    order of :data:`ROLES` (safe, unsafe, conditional), the payoff matrix ``M0`` and the
    move-profile shares ``F`` between them, and its per-round stage table (2x2, own move first),
    which the round's rules hold for interventions that read it."""

    names: tuple[str, ...]
    matrix: np.ndarray
    profiles: np.ndarray
    stage: np.ndarray


def choices_made(strategies: tuple[str, ...]) -> set[str]:
    """The choices the listed choice strategies make."""
    return {CHOICE_STRATEGIES[s].choice for s in strategies if s in CHOICE_STRATEGIES}


def available(scenario: Scenario, base: tuple[str, ...]) -> tuple[str, ...]:
    """The base strategies and every choice strategy an intervention in force offers."""
    offered = {i.choice() for i in in_force(scenario)} - {None}
    return base + tuple(name for name, cls in CHOICE_STRATEGIES.items() if cls.choice in offered)


def in_force(scenario: Scenario) -> list[Intervention]:
    """The scenario's interventions in force (:func:`coopsim.policy.expected.in_force`)."""
    from coopsim.policy.expected import in_force as acting

    return acting(scenario)


def unchosen(scenario: Scenario, strategies: tuple[str, ...]) -> Scenario:
    """``scenario`` without the interventions whose choice a listed strategy makes (those act
    through the strategies only)."""
    from coopsim.policy.base import make_intervention

    made = choices_made(strategies)
    kept = [spec for spec in scenario.interventions if make_intervention(spec).choice() not in made]
    return scenario.model_copy(update={"interventions": kept})


def _base_index(name: str, partner: str, base: BaseGame) -> int:
    """Index in ``base.names`` of the base strategy ``name`` moves like against ``partner``."""
    if name not in CHOICE_STRATEGIES:
        return base.names.index(name)
    pledged = _makes(partner, "pledge")
    return ROLES.index(CHOICE_STRATEGIES[name].moves[0 if pledged else 1])


def _makes(name: str, choice: str) -> bool:
    """Whether strategy ``name`` makes ``choice``."""
    cls = CHOICE_STRATEGIES.get(name)
    return cls is not None and cls.chooses and cls.choice == choice


def profiles(strategies: tuple[str, ...], base: BaseGame) -> np.ndarray:
    """``F[X, Y, a, b]``: share of rounds in which ``X`` moves ``a`` and ``Y`` moves ``b``."""
    return np.array([[base.profiles[_base_index(x, y, base), _base_index(y, x, base)]
                      for y in strategies] for x in strategies])


def payoff_matrix(scenario: Scenario, strategies: tuple[str, ...], base: BaseGame) -> np.ndarray:
    """``M[X, Y]`` of the module docstring. The round's rules are built as in the agent-based
    model, every intervention in force acting in scenario order (so e.g. ``transparency``
    raises the chance of a sighting), the chosen ones by ``apply_choosing``; only the transfers
    of the chosen ones are added here (``M0`` holds the effect of the others)."""
    k = len(strategies)
    F = profiles(strategies, base)
    M = np.array([[base.matrix[_base_index(x, y, base), _base_index(y, x, base)]
                   for y in strategies] for x in strategies], dtype=float)
    made = choices_made(strategies)
    table = np.broadcast_to(np.asarray(base.stage, dtype=float), (k, 2, 2)).copy()
    rules = base_rules(scenario, table, table.copy())
    chosen: list[tuple[object, np.ndarray]] = []
    for intervention in in_force(scenario):
        choice = intervention.choice()
        if choice not in made:
            intervention.apply(rules)
            continue
        makes = np.array([_makes(s, choice) for s in strategies])
        before = len(rules.transfers)
        intervention.apply_choosing(rules, makes)
        triggers = makes if intervention.choice_triggers else np.ones(k, dtype=bool)
        chosen += [(transfer, triggers) for transfer in rules.transfers[before:]]
    for transfer, triggers in chosen:
        to_actor = np.broadcast_to(transfer.to_actor, (k, 2, 2))
        to_partner = np.broadcast_to(transfer.to_partner, (k, 2, 2))
        for i in range(k):
            for j in range(k):
                own = triggers[i] * to_actor[i] + triggers[j] * to_partner[i].T
                M[i, j] += rules.chance(transfer) * float(np.sum(F[i, j] * own))
    return M


def safe_share(strategies: tuple[str, ...], base: BaseGame) -> np.ndarray:
    """Share of SAFE (cooperative) moves in a population of each strategy alone."""
    F = profiles(strategies, base)
    return np.array([F[i, i, 0, :].sum() for i in range(len(strategies))])


def everyone_effect(scenario: Scenario, stage: np.ndarray) -> np.ndarray:
    """The expected per-round effect (2x2, own move first) of the interventions in force on a
    lab with stage table ``stage``, every lab acting as in the agent-based model: the round's
    rules after every intervention's ``apply``, in expectation (no incident process), minus the
    stage table. For models whose ``M0`` does not hold the interventions (the DSAIR race)."""
    from coopsim.policy.expected import policy_rules

    table = np.asarray(stage, dtype=float)[None]
    rules = policy_rules(scenario, table.copy(), table.copy())
    return rules.expected_payoffs(rules.true, np.zeros((2, 2)))[0] - table[0]
