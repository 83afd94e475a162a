"""Policy interventions: one class per lever, with its effect on a round of the agent-based
model and its expected effect on the stage game, derived from the same code."""
