"""Analyses of a scenario: one-shot, iterated, evolution, phase, sensitivity."""
