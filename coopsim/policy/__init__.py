"""Policy interventions: one class per lever (its scenario fields, its effect on a round of the
agent-based model, the levers sensitivity may vary, the paper strategy it implements), a registry
keyed by ``type``, and the expected stage game under a policy derived from the same code
(:mod:`coopsim.policy.expected`). Adding an intervention is one module plus its import line below.
"""

from coopsim.policy.base import (
    INTERVENTIONS,
    PAPER_STRATEGIES,
    Intervention,
    InterventionBase,
    RoundRules,
    make_intervention,
)
from coopsim.policy import (  # noqa: F401  (each module registers its intervention)
    audit_and_fine,
    safety_subsidy,
    joint_research,
    transparency,
    accurate_beliefs,
    liability,
    peer_punishment,
    reward,
    voluntary_commitment,
)

__all__ = [
    "INTERVENTIONS",
    "PAPER_STRATEGIES",
    "Intervention",
    "InterventionBase",
    "RoundRules",
    "make_intervention",
]
