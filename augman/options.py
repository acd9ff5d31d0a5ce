"""The choices a caller makes, as enums: one declaration for the library and the command line.

Each is a ``str`` enum, so ``OnError("skip")`` and ``OnError.skip`` are the same and
Typer shows the values as the option's choices.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from augman.errors import UsageError


class OnError(str, enum.Enum):
    """What a bad line does to a run that writes lines or records."""

    stop = "stop"  # stop before the bad line (exit 1)
    skip = "skip"  # leave it out, report it, go on


class Wrap(str, enum.Enum):
    """RecordWrapperType: RecordIO records, or payloads back to back."""

    recordio = "recordio"
    none = "none"


class ValueEncoding(str, enum.Enum):
    """How an attribute that is not a ``-ref`` becomes bytes on the pipe (spec 3.2)."""

    text = "text"  # strings without quotes, everything else as compact JSON
    json = "json"  # every value as compact JSON


class Join(str, enum.Enum):
    """How ``dump`` joins the parts of a split RecordIO record."""

    concat = "concat"
    dmlc = "dmlc"


class ReportFormat(str, enum.Enum):
    """``validate`` report formats (registry: ``augman.reporting.validation.REPORTERS``)."""

    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


class StatsFormat(str, enum.Enum):
    """``stats`` report formats."""

    text = "text"
    json = "json"


class DumpFormat(str, enum.Enum):
    """``dump`` row formats: aligned text rows, or JSON Lines."""

    text = "text"
    json = "json"


class FailOn(str, enum.Enum):
    """The lowest severity that makes ``validate`` exit 1."""

    error = "error"
    warning = "warning"


class RefCheck(str, enum.Enum):
    """``validate --check-refs``: every -ref attribute, the --attrs ones, or those and image headers."""

    all = "all"
    selected = "selected"
    content = "content"


class RefStrategy(str, enum.Enum):
    """How ``--check-refs`` asks S3: HEAD each object, LIST each folder, or per folder (auto)."""

    auto = "auto"
    head = "head"
    list = "list"


E = TypeVar("E", bound=enum.Enum)


def choice(kind: type[E], value: E | str, what: str) -> E:
    """``value`` as a member of ``kind``; raise :class:`UsageError` naming the choices."""
    try:
        return kind(value)
    except ValueError:
        names = ", ".join(str(member.value) for member in kind)
        raise UsageError(f"{what} {value!r} is not one of: {names}") from None
