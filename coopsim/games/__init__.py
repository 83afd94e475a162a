"""Payoff models keyed by ``game.model``."""
