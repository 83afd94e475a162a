"""Parameter sweeps: plan a grid, run its tasks on an executor, persist every result as it lands.

- :mod:`coopsim.sweep.plan`: the grid, validated up front, and its seeded tasks;
- :mod:`coopsim.sweep.task`: what one task computes (a replicate's summary metrics);
- :mod:`coopsim.sweep.store`: append-only results on disk, so a sweep can resume;
- :mod:`coopsim.sweep.executors`: serial, local process pool or Dask cluster;
- :mod:`coopsim.sweep.results`: the tidy table and its per-grid-point aggregates.
"""
