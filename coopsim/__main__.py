"""`python -m coopsim ...` behaves like `coopsim ...`."""

from coopsim.cli import main

main()
