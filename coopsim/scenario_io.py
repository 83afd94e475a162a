"""Public alias kept for notebooks written against earlier versions: ``coopsim.scenario_io``
is :mod:`coopsim.scenario.loading`."""

import sys

from coopsim.scenario import loading

sys.modules[__name__] = loading
