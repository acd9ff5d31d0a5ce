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
from augman.cli._app import (
    EXIT_BROKEN_PIPE,
    EXIT_INTERRUPTED,
    app,
    print_error,
    silence_stdout,
)  # fmt: skip
from augman.cli._stdout import flush, guarded, was_closed
from augman.errors import AugmanError
from augman.outputs.atomicfile import remove_leftovers


def main() -> None:
    """Entry point of the ``augman`` console script."""
    guarded()
    try:
        _run()
    finally:
        remove_leftovers()  # temp files an interrupt caught before their cleanup was set up


def _run() -> None:
    try:
        app(prog_name="augman")
    except BrokenPipeError:
        _leave_closed()
    except AugmanError as exc:  # a write to stdout outside a command (--help, --version)
        _leave_failed(exc)
    except SystemExit as exc:
        if exc.code == EXIT_INTERRUPTED:
            _leave_interrupted()
        _flush_before_exit()
        if was_closed():  # Rich (help, tables) catches a closed stdout itself and exits 1
            _leave_closed()
        raise


def _flush_before_exit() -> None:
    """What is still buffered for stdout goes now, where a failure can still be reported."""
    try:
        flush()
    except BrokenPipeError:
        _leave_closed()
    except AugmanError as exc:
        _leave_failed(exc)


def _leave_closed() -> None:
    silence_stdout()
    sys.exit(EXIT_BROKEN_PIPE)


def _leave_failed(exc: AugmanError) -> None:
    print_error(exc.message, exc.hint)
    silence_stdout()
    sys.exit(exc.exit_code)


def _leave_interrupted() -> None:
    """Exit 130 now, after Ctrl-C was handled and everything augman made was removed.

    When the signal lands in a read of stdin, CPython 3.11 can still mark the
    KeyboardInterrupt unhandled and end the process by SIGINT on its way out (seen
    as -2, not 130, by the caller) even though augman handled it; leaving at once
    after flushing keeps the exit code augman promises.
    """
    remove_leftovers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(EXIT_INTERRUPTED)


__all__ = ["app", "main"]
