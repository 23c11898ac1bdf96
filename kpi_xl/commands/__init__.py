"""The kpi-xl subcommands: one module each, with ``register(subparsers)``."""
