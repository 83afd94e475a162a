"""Pure maths on arrays: stage games, equilibria, evolution, DSAIR, precipice, intervals.
Nothing here sees a Scenario."""
