"""``docs/cli.md``, the command reference, generated from the Typer app.

Regenerate with ``python -m augman.cli.docs > docs/cli.md``;
``tests/acceptance/test_docs.py`` fails when the file is not what this renders.
Every command is listed with its help (``Example:`` lines become console
blocks), and every argument and option with its value, choices, default and help.
"""

from __future__ import annotations

import inspect
import re
from enum import Enum
from typing import Any

from typer._click import Command, Context, Parameter
from typer.core import TyperArgument, TyperGroup, TyperOption
from typer.main import get_command

_COMPLETION_OPTIONS = {"install_completion", "show_completion"}


def render() -> str:
    """The whole of ``docs/cli.md``."""
    from augman.cli import app

    group = get_command(app)
    assert isinstance(group, TyperGroup)
    ctx = Context(group, info_name="augman", **group.context_settings)
    out = [
        "# augman command reference",
        "",
        "Generated from the code by `python -m augman.cli.docs > docs/cli.md`; a test fails when",
        "it is out of date. `augman COMMAND --help` shows the same on a terminal.",
        "",
        "```console",
        f"$ augman {' '.join(group.collect_usage_pieces(ctx))}",
        "```",
        "",
        *_parameters(group, ctx),
        *_commands(group, ctx),
    ]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            out += _command(command, Context(command, info_name=name, parent=ctx))
    return "\n".join(out).rstrip("\n") + "\n"


def _commands(group: TyperGroup, ctx: Context) -> list[str]:
    """The list of commands, each with the first line of its help."""
    out = ["## Commands", ""]
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            out.append(f"- [`augman {name}`](#augman-{name}): {command.get_short_help_str(200)}")
    return [*out, ""]


def _command(command: Command, ctx: Context) -> list[str]:
    usage = " ".join(command.collect_usage_pieces(ctx))
    out = [f"## `augman {ctx.info_name}`", "", "```console", f"$ augman {ctx.info_name} {usage}"]
    out += ["```", ""]
    out += _help_text(command.help or "")
    return out + _parameters(command, ctx)


def _help_text(text: str) -> list[str]:
    """The docstring's paragraphs; ``Example: ...`` paragraphs as console blocks."""
    out: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        example = re.fullmatch(r"Example: (.+)", paragraph.strip(), re.S)
        if example:
            out += ["```console", f"$ {' '.join(example.group(1).split())}", "```", ""]
        else:
            out += [_escape(line) for line in paragraph.splitlines()] + [""]
    return out


def _parameters(command: Command, ctx: Context) -> list[str]:
    params = [p for p in command.get_params(ctx) if p.name not in _COMPLETION_OPTIONS]
    arguments = [p for p in params if isinstance(p, TyperArgument)]
    options = [p for p in params if isinstance(p, TyperOption)]
    out: list[str] = []
    for title, group in (("Arguments", arguments), ("Options", options)):
        if group:
            out += [f"### {title}" if ctx.parent else f"## {title}", ""]
            out += [_parameter(p) for p in group] + [""]
    return out


def _parameter(param: Parameter) -> str:
    if isinstance(param, TyperArgument):
        names = f"`{param.metavar or (param.name or '').upper()}`"
    else:
        opts = sorted(param.opts, key=lambda opt: (not opt.startswith("--"), opt))  # -h's are a set
        names = ", ".join(f"`{opt}`" for opt in [*opts, *param.secondary_opts])
    value = _value(param)
    facts = [f for f in (_default(param), _range(param), _required(param)) if f]
    head = f"{names} `{value}`" if value else names
    if facts:
        head += f" ({'; '.join(facts)})"
    help_text = " ".join((getattr(param, "help", None) or "").split())
    return f"- {head}: {_escape(help_text)}" if help_text else f"- {head}"


def _value(param: Parameter) -> str:
    """What follows the option: nothing for a flag, the choices, a metavar or the type."""
    if isinstance(param, TyperOption) and param.is_flag:
        return ""
    descriptor: Any = getattr(param, "type_descriptor", None)
    choices = getattr(descriptor, "choices", None)
    if choices:
        return "|".join(str(c.value) if isinstance(c, Enum) else str(c) for c in choices)
    if param.metavar:
        return param.metavar if isinstance(param, TyperOption) else ""
    return _type_name(getattr(descriptor, "annotation", None))


def _type_name(annotation: Any) -> str:
    names = {int: "INTEGER", float: "NUMBER", str: "TEXT"}
    if annotation in names:
        return names[annotation]
    name = getattr(annotation, "__name__", "")
    return "PATH" if name.endswith("Path") else "TEXT"


def _default(param: Parameter) -> str | None:
    default = param.default
    if default is None or default is False or default == [] or param.required:
        return None
    if isinstance(default, Enum):
        default = default.value
    return f"default: `{default}`"


def _range(param: Parameter) -> str | None:
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"at least {low}"
    return f"at most {high}" if high is not None else None


def _required(param: Parameter) -> str | None:
    return "required" if param.required else None


def _escape(text: str) -> str:
    """Markdown would take ``<channel>`` for an HTML tag."""
    return text.replace("<", "\\<").replace(">", "\\>")


if __name__ == "__main__":
    print(render(), end="")
