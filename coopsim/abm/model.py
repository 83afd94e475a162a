"""The iterated lab-competition model (Mesa 3).

N labs play ``dynamics.rounds`` rounds of the scenario's stage game. One round
(:meth:`LabModel.step`):

1. **Rules.** Interventions active in this round change the lasting state (accurate beliefs) and
   this round's rules (payoffs, observability, audits, subsidies, who pays for incidents); see
   :mod:`coopsim.policy`.
2. **Matching.** ``round_robin``: every pair of labs plays one match; ``random_pairs``: a
   uniformly random perfect matching (one lab sits out when N is odd); with a
   ``dynamics.network``, every linked pair plays one match (:mod:`coopsim.abm.network`).
3. **Decisions.** Every strategy decides for all match entries of its labs at once
   (:mod:`coopsim.abm.strategies`); each intended action is then flipped with probability
   ``dynamics.tremble``.
4. **Payoffs.** Each lab receives its *own* stage payoff ``true[lab, own action, partner's
   action]`` (asymmetric payoffs respected), plus subsidies, minus fines on audited defections,
   plus or minus sanctions, rewards and pledges (:class:`~coopsim.policy.base.Transfer`), minus
   incident costs (:mod:`coopsim.policy.incidents`).
5. **Observation.** Each lab sees its partner's executed action with probability
   max(dynamics.observability, any active transparency level) and updates its memory
   (:class:`~coopsim.abm.memory.PairMemory`); then strategies learn.
6. **Records.** Model-level and lab-level results are set as attributes and collected by the
   DataCollector (one record per round, round = ``steps - 1``, 0-based like intervention windows;
   :class:`LabDataCollector`, Mesa's own with a collect that reads the lab lists at once).

The round itself is :class:`coopsim.abm.engine.Engine`'s, written for a batch of runs: this Mesa
model drives it with a batch of one, so the user-facing model, ``coopsim run``'s replicates,
sweeps and sensitivity analyses all play the one definition of a round. Random numbers come only
from ``self.rng`` (Mesa's ``rng=``), in the order the engine documents; a draw is skipped only
when a scenario setting makes it pointless (no trembles, q = 0, observability 0 or 1), so the
stream depends on the scenario and seed alone.
"""

from __future__ import annotations

from itertools import repeat

import mesa
import numpy as np

from coopsim.abm.agents import LabAgent
from coopsim.abm.engine import Engine
from coopsim.abm.network import build_network
from coopsim.abm.records import AGENT_REPORTERS, MODEL_REPORTERS, round_records  # noqa: F401 (also read from here)
from coopsim.abm.timeline import Timeline
from coopsim.games.stage import expand_labs
from coopsim.scenario.spec import Scenario

class LabDataCollector(mesa.DataCollector):
    """Mesa's DataCollector with :class:`LabModel`'s reporters (model attributes
    MODEL_REPORTERS, agent attributes AGENT_REPORTERS), whose :meth:`collect` reads a round's
    values straight from the model's lists instead of calling a reporter per agent and value.

    It stores exactly what Mesa's own ``collect`` would (one list per model variable; per step
    one (step, agent id, reporters...) tuple per agent, in the AgentSet's order, which is the
    labs' order), so ``get_model_vars_dataframe`` and ``get_agent_vars_dataframe`` are Mesa's
    and give the same tables (a test checks them against a plain DataCollector). The values are
    Python numbers, which Mesa's deepcopy would return unchanged."""

    def __init__(self, model: LabModel):
        super().__init__(
            model_reporters={name: name for name in MODEL_REPORTERS},
            agent_reporters={name: name for name in AGENT_REPORTERS},
        )
        agents = list(model.agents)
        if [agent.index for agent in agents] != list(range(len(agents))):  # pragma: no cover - guard
            raise RuntimeError("the lab agents are not in the order of the model's lists")
        self._agent_ids = [agent.unique_id for agent in agents]
        self._columns = [self.model_vars[name] for name in MODEL_REPORTERS]

    def collect(self, model: LabModel) -> None:
        """Record the model's reporters of its latest step (see the class docstring)."""
        for column, name in zip(self._columns, MODEL_REPORTERS):
            column.append(getattr(model, name))
        steps = model.steps
        self._agent_records[steps] = list(zip(
            repeat(steps), self._agent_ids, model.lab_cooperation, model.lab_matches,
            model.lab_payoff, model.lab_trust, model.lab_incidents))


class LabModel(mesa.Model):
    """N labs choosing to cooperate (develop responsibly) or defect, round after round.

    Per-lab and per-pair state lives in numpy arrays on the model (payoff tables of shape
    (N, 2, 2) indexed [lab, own action, partner's action], the PairMemory); the LabAgent objects
    are thin views used by the DataCollector. Model attributes after each step:

    cooperation_rate  share of this round's actions that were cooperation
    mean_trust        mean over labs of their mean belief about partners
    incidents         incidents this round
    welfare           lab_payoffs + fines_collected - subsidies_paid - public_cost
                      (= stage payoffs - incident_cost - public_cost + the net of the
                      non-public transfers: peer sanctions, peer rewards, pledge costs; fines and
                      subsidies, including public rewards and pledge sanctions, are transfers to
                      and from the public purse)
    lab_payoffs       sum of the labs' payoffs (after fines, subsidies and incident costs)
    fines_collected, subsidies_paid, incident_cost, public_cost (cost_per_round of the active
    interventions), observability (in force this round)
    """

    def __init__(self, scenario: Scenario, rng: np.random.Generator | int | None = None):
        super().__init__(rng=rng)
        labs = expand_labs(scenario)
        self.scenario = scenario
        self.dynamics = scenario.dynamics
        self.n_labs = len(labs)
        self.network = build_network(scenario)  # None: labs are matched by dynamics.matching
        self.timeline = Timeline(scenario, self.network.degree if self.network is not None else None)
        self.engine = Engine([self.timeline], [self.rng], self.network, scenario.dynamics.rounds)
        for index, lab in enumerate(labs):
            LabAgent(self, index, lab)
        self.datacollector = LabDataCollector(self)

    @property
    def rules(self):
        """This round's :class:`~coopsim.policy.base.RoundRules`."""
        return self.timeline.rules

    @property
    def true_payoffs(self) -> np.ndarray:
        """(N, 2, 2) true stage payoffs [lab, own action, partner's action]."""
        return self.timeline.true_payoffs

    @property
    def perceived_payoffs(self) -> np.ndarray:
        """(N, 2, 2) perceived stage payoffs (accurate beliefs move them toward the true ones)."""
        return self.timeline.perceived_payoffs

    @property
    def decision_payoffs(self) -> np.ndarray:
        """(N, 2, 2) what each lab expects from a match this round, by its perception."""
        return self.timeline.decision_payoffs

    @property
    def memory(self):
        """The labs' :class:`~coopsim.abm.memory.PairMemory` (a batch of one run)."""
        return self.engine.memory

    @property
    def strategies(self):
        """One strategy object per distinct strategy spec, in order of first appearance."""
        return self.engine.strategies

    @property
    def strategy_of_lab(self) -> np.ndarray:
        """Each lab's position in :attr:`strategies`."""
        return self.engine.strategy_of_lab

    def step(self) -> None:
        """Play one round (see the module docstring for the order of events)."""
        model, labs = round_records(self.engine, self.engine.step())
        for name, values in model.items():
            setattr(self, name, values.item())
        self.lab_cooperation = labs["cooperation"][0].tolist()
        self.lab_matches = labs["matches"][0].tolist()
        self.lab_payoff = labs["payoff"][0].tolist()
        self.lab_trust = labs["trust"][0].tolist()
        self.lab_incidents = labs["incidents_caused"][0].tolist()
        self.datacollector.collect(self)
