"""Usage errors that Typer finds (a bad value, an unknown option), said in augman's words.

Typer (which vendors click as ``typer._click``) words them for developers, with
pydantic's phrasing ("Input should be greater than or equal to 0"); here each
becomes augman's ``what`` and ``hint``, printed as ``augman: error: ...`` by the
app's ``main``.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

from typer._click import Context, Parameter
from typer._click.exceptions import (
    BadOptionUsage,
    BadParameter,
    MissingParameter,
    NoSuchOption,
    UsageError,
)
from typer.core import TyperArgument

_EXTRA = re.compile(r"Got unexpected extra argument\(s\) \((.*)\)")
_PLAIN = re.compile(r"[\w@%+=:,./\-]+")
_REASONS = {
    "greater_than_equal": "must be at least {ge}",
    "greater_than": "must be more than {gt}",
    "less_than_equal": "must be at most {le}",
    "less_than": "must be less than {lt}",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_parsing": "is not a number",
}


class ExplainedUsageError(UsageError):
    """A usage error augman words itself, with its hint."""

    def __init__(self, message: str, hint: str, ctx: Context | None = None) -> None:
        super().__init__(message, ctx)
        self.hint = hint


def explain(exc: UsageError) -> tuple[str, str]:
    """``(what, hint)`` for a usage error raised while Typer parsed the command line."""
    command = exc.ctx.command_path if exc.ctx is not None else "augman"
    hint = f"`{command} --help` shows every option"
    if isinstance(exc, ExplainedUsageError):
        return exc.message, exc.hint
    if isinstance(exc, MissingParameter) and exc.param is not None:
        return f"{command} needs {_name(exc.param)}", _example(exc.ctx) or hint
    if isinstance(exc, BadParameter) and exc.param is not None:
        return _bad_value(exc, exc.param), hint
    if isinstance(exc, NoSuchOption):
        close = sorted(exc.possibilities or [])
        guess = f"did you mean {' or '.join(close)}? " if close else ""
        return f"{command} has no option {exc.option_name}", guess + hint
    if isinstance(exc, BadOptionUsage) and "requires an argument" in exc.message:
        return f"{exc.option_name} needs a value", _choices_hint(exc.ctx, exc.option_name) or hint
    if isinstance(exc, BadOptionUsage) and "does not take a value" in exc.message:
        return f"{exc.option_name} is a flag and takes no value", f"write {exc.option_name} alone"
    extra = _EXTRA.fullmatch(exc.message)
    if extra:
        return f"unexpected argument {extra.group(1)}", f"`{command} --help` shows the usage"
    return _plain(exc.format_message()), hint


def _bad_value(exc: BadParameter, param: Parameter) -> str:
    errors = _pydantic_errors(exc.__cause__)
    value = errors[0].get("input") if errors else None
    said = f"{_name(param)} {_shown(value)}" if value is not None else _name(param)
    choices = _choices(param)
    if choices:
        return f"{said} is not one of: {', '.join(choices)}"
    if errors and errors[0].get("type") in _REASONS:
        bounds = {k: _number(v) for k, v in (errors[0].get("ctx") or {}).items()}
        return f"{said} {_REASONS[errors[0]['type']].format(**bounds)}"
    return f"{said}: {_plain(exc.message)}"


def _pydantic_errors(cause: BaseException | None) -> list[dict[str, Any]]:
    errors = getattr(cause, "errors", None)
    return list(errors()) if callable(errors) else []


def _name(param: Parameter) -> str:
    """How the user writes ``param``: its long option, or an argument's metavar."""
    if isinstance(param, TyperArgument):
        return param.metavar or (param.name or "").upper()
    return max(param.opts, key=len) if param.opts else (param.name or "")


def _choices(param: Parameter) -> list[str]:
    descriptor = getattr(param, "type_descriptor", None)
    values = getattr(descriptor, "choices", None) or ()
    return [str(v.value) if isinstance(v, Enum) else str(v) for v in values]


def _choices_hint(ctx: Context | None, option: str) -> str | None:
    if ctx is None:
        return None
    param = next((p for p in ctx.command.params if option in p.opts), None)
    choices = _choices(param) if param is not None else []
    return f"one of: {', '.join(choices)}" if choices else None


def _example(ctx: Context | None) -> str | None:
    """The first ``Example:`` line of the command's help, as a hint."""
    text = ctx.command.help if ctx is not None else None
    found = re.search(r"^\s*Example: (.+)$", text or "", re.M)
    return f"e.g. {found.group(1)}" if found else None


def _shown(value: object) -> str:
    """A value as the user would type it: bare when that is unambiguous, else quoted."""
    text = str(value)
    return text if _PLAIN.fullmatch(text) else repr(text)


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _plain(message: str) -> str:
    """Click's sentence as one of augman's: lower-case start, no final full stop."""
    message = message.rstrip(".")
    return message[:1].lower() + message[1:]
