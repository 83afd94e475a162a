"""The `coopsim` subcommands, one module per topic, all registered on `common.app`."""
