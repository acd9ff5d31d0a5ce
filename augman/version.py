"""The package version, in one place (reports and ``--version`` print it)."""

__version__ = "0.1.0.dev0"
