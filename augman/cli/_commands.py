"""The command classes under augman's Typer app: help that reads well, errors in one style.

Typer's defaults cut help at 80 columns in a pipe and show ``<bool>`` after flags
that take no value; these classes render help at least ``HELP_WIDTH`` columns
wide when stdout is not a terminal (the terminal's width when it is; an explicit
``TERMINAL_WIDTH`` wins) and show nothing after a flag. ``AugmanGroup.main``
prints usage errors as every other augman error, ``augman: error: ...`` with a
hint, instead of Typer's box (exit 2 either way).
"""

from __future__ import annotations

import contextlib
import difflib
import sys
from collections.abc import Iterator, Sequence
from typing import Any, NoReturn

from rich.console import Console
from typer._click import Context, HelpFormatter, Parameter
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.exceptions import Abort

from augman.cli._console import print_error
from augman.cli._usage import ExplainedUsageError, explain

HELP_WIDTH = 100


def help_width() -> int | None:
    """The width help is rendered at; None leaves it to rich (the terminal's width)."""
    from typer import rich_utils  # loads rich's markdown and syntax: only when help is drawn

    if rich_utils.MAX_WIDTH is not None or sys.stdout.isatty():
        return rich_utils.MAX_WIDTH
    return max(HELP_WIDTH, Console(file=sys.stdout).width)


@contextlib.contextmanager
def _help_rendered_at(width: int | None) -> Iterator[None]:
    """Typer's help console reads ``rich_utils.MAX_WIDTH`` when it is made: set it meanwhile."""
    from typer import rich_utils

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


def _with_context(exc: UsageError, ctx: Context) -> UsageError:
    """The parser raises some usage errors without the context; add it (for the hint)."""
    if exc.ctx is None:
        exc.ctx, exc.cmd = ctx, ctx.command
    return exc


class AugmanCommand(TyperCommand):
    """One ``augman`` command."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            raise _with_context(exc, ctx) from exc.__cause__

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

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run ``augman``; in standalone mode, errors from parsing leave in augman's style."""
        run = super().main
        if not standalone_mode:
            return run(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = run(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except NoArgsIsHelpError as exc:  # the help is already printed
            sys.exit(exc.exit_code)
        except UsageError as exc:
            _leave(*explain(exc), code=exc.exit_code)
        except ClickException as exc:
            _leave(exc.format_message(), None, code=exc.exit_code)
        except Abort:
            _leave("aborted", None, code=1)
        sys.exit(code if isinstance(code, int) else 0)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Any | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, list(self.commands), n=1)
            guess = f"did you mean {close[0]}? " if close else ""
            raise ExplainedUsageError(
                f"no such command {name}", guess + "`augman --help` lists the commands", ctx
            )
        return super().resolve_command(ctx, args)


def _leave(message: str, hint: str | None, code: int) -> NoReturn:
    print_error(message, hint)
    sys.exit(code)
