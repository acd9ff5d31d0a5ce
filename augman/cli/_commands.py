"""The command classes under augman's Typer app: help that reads well anywhere.

Typer's defaults cut help at 80 columns in a pipe and show ``<bool>`` after flags
that take no value; these classes render help at least ``HELP_WIDTH`` columns
wide when stdout is not a terminal (the terminal's width when it is; an explicit
``TERMINAL_WIDTH`` wins) and show nothing after a flag.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

from rich.console import Console
from typer import rich_utils
from typer._click import Context, HelpFormatter, Parameter
from typer.core import TyperCommand, TyperGroup, TyperOption

HELP_WIDTH = 100


def help_width() -> int | None:
    """The width help is rendered at; None leaves it to rich (the terminal's width)."""
    if rich_utils.MAX_WIDTH is not None or sys.stdout.isatty():
        return rich_utils.MAX_WIDTH
    return max(HELP_WIDTH, Console(file=sys.stdout).width)


@contextlib.contextmanager
def _help_rendered_at(width: int | None) -> Iterator[None]:
    """Typer's help console reads ``rich_utils.MAX_WIDTH`` when it is made: set it meanwhile."""
    previous, rich_utils.MAX_WIDTH = rich_utils.MAX_WIDTH, width
    try:
        yield
    finally:
        rich_utils.MAX_WIDTH = previous


def _without_flag_types(params: list[Parameter]) -> list[Parameter]:
    """A flag takes no value, so help shows no type after it (Typer shows ``<bool>``)."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


class AugmanCommand(TyperCommand):
    """One ``augman`` command."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _without_flag_types(super().get_params(ctx))

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with _help_rendered_at(help_width()):
            super().format_help(ctx, formatter)


class AugmanGroup(TyperGroup):
    """``augman`` itself: its help and the commands under it."""

    def get_params(self, ctx: Context) -> list[Parameter]:
        return _without_flag_types(super().get_params(ctx))

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with _help_rendered_at(help_width()):
            super().format_help(ctx, formatter)
