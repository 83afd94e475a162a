"""Altair chart builders: pure functions, data in and a themed chart out (no file system)."""
