"""Run coopsim from a checkout: `python cli.py ...` behaves like `coopsim ...`."""

from coopsim.cli import main

if __name__ == "__main__":
    main()
