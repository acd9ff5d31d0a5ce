"""The ``augman`` command line: one module per command, all on one Typer app."""

from __future__ import annotations

import sys

from augman.cli import dump as _dump  # noqa: F401  (registers its commands)
from augman.cli import select as _select  # noqa: F401  (registers its command)
from augman.cli import stats as _stats  # noqa: F401  (registers its commands)
from augman.cli import stream as _stream  # noqa: F401  (registers its commands)
from augman.cli import validate as _validate  # noqa: F401  (registers its commands)
from augman.cli._app import EXIT_BROKEN_PIPE, app, silence_stdout


def main() -> None:
    """Entry point of the ``augman`` console script."""
    try:
        app(prog_name="augman")
    except BrokenPipeError:
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)


__all__ = ["app", "main"]
