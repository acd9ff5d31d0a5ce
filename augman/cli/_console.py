"""The two consoles, and the one style of errors: ``augman: error: ...`` and a hint."""

from __future__ import annotations

import sys

from rich.console import Console


def stdout_console() -> Console:
    """The console for the product of a command (reports, tables)."""
    return Console(file=sys.stdout, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """The console for people: errors, warnings, progress."""
    return Console(file=sys.stderr, highlight=False, stderr=True)


def print_error(message: str, hint: str | None = None) -> None:
    """``augman: error: message`` and ``  hint: ...`` on stderr: the one style of errors."""
    console = stderr_console()
    console.print(f"augman: error: {message}", markup=False, highlight=False, soft_wrap=True)
    if hint:
        console.print(f"  hint: {hint}", markup=False, highlight=False, soft_wrap=True)
