"""Payoff models from the literature, as pure functions of their parameters.

- :mod:`coopsim.models.dsair`: the DSAIR AI race (Han, Pereira, Santos & Lenaerts, JAIR 2020).
- :mod:`coopsim.models.precipice`: racing to the precipice (Armstrong, Bostrom & Shulman 2016).
"""
