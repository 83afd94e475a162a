"""The test suite (a package, so test modules share helpers as `tests.conftest` and
`tests.abm_scenarios` under both `pytest` and `python -m pytest`)."""
