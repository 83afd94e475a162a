"""`coopsim explore`: a local web app to move a scenario's settings and watch the labs respond.

- :mod:`coopsim.explore.controls`: the settings on the page, derived from a scenario;
- :mod:`coopsim.explore.session`: the edited scenario, the live model, saving;
- :mod:`coopsim.explore.views`: the one-shot verdict and the live charts as JSON;
- :mod:`coopsim.explore.server`: the Starlette app and its JSON API; :mod:`coopsim.explore.page`
  the page.

Why Starlette and not Mesa's SolaraViz: Solara's page loads its front end (its Vuetify app,
require.js, Vega) from a CDN at run time and enables telemetry by default, so it shows nothing on
a machine without internet access; this app serves everything itself, like the offline report.
"""
