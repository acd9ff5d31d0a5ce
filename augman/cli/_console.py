"""The two consoles, and the one style of errors: ``augman: error: ...`` and a hint."""

from __future__ import annotations

import sys

from rich.console import Console

from augman.printable import printable


def stdout_console() -> Console:
    """The console for the product of a command (reports, tables)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """The console for people: errors, warnings, progress."""
    return Console(file=sys.stderr, highlight=False, stderr=True)


def print_error(message: str, hint: str | None = None) -> None:
    """``augman: error: message`` and ``  hint: ...`` on stderr: the one style of errors."""
    console = stderr_console()  # a message can echo keys and URIs of the data: escaped
    text = printable(f"augman: error: {message}", newlines=True)
    console.print(text, markup=False, highlight=False, soft_wrap=True)
    if hint:
        console.print(printable(f"  hint: {hint}", newlines=True), markup=False, soft_wrap=True)
