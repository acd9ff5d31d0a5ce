"""The ``augman`` command line: one module per command, all on one Typer app."""

from __future__ import annotations

import contextlib
import os
import sys

from augman.cli import dump as _dump  # noqa: F401  (registers its commands)
from augman.cli import preview as _preview  # noqa: F401  (registers its command)
from augman.cli import select as _select  # noqa: F401  (registers its command)
from augman.cli import stats as _stats  # noqa: F401  (registers its commands)
from augman.cli import stream as _stream  # noqa: F401  (registers its commands)
from augman.cli import validate as _validate  # noqa: F401  (registers its commands)
from augman.cli._app import EXIT_BROKEN_PIPE, EXIT_INTERRUPTED, app, silence_stdout


def main() -> None:
    """Entry point of the ``augman`` console script."""
    try:
        app(prog_name="augman")
    except BrokenPipeError:
        silence_stdout()
        sys.exit(EXIT_BROKEN_PIPE)
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _leave_interrupted()
        raise


def _leave_interrupted() -> None:
    """Exit 130 now, after Ctrl-C was handled and everything augman made was removed.

    When the signal lands in a read of stdin, CPython 3.11 can still mark the
    KeyboardInterrupt unhandled and end the process by SIGINT on its way out (seen
    as -2, not 130, by the caller) even though augman handled it; leaving at once
    after flushing keeps the exit code augman promises.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


__all__ = ["app", "main"]
