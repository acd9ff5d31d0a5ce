"""SageMaker's limits on a channel's AttributeNames, checked before any line is read."""

from __future__ import annotations

from collections.abc import Sequence

from augman.errors import UsageError

MAX_ATTRIBUTE_NAMES = 16
MAX_ATTRIBUTE_NAME_LENGTH = 256


def check_attribute_names(attrs: Sequence[str]) -> tuple[str, ...]:
    """Apply SageMaker's limits on AttributeNames; raise :class:`UsageError` if broken."""
    names = tuple(attrs)
    if not names:
        raise UsageError(
            "AttributeNames is empty", "name at least one attribute, e.g. --attrs source-ref"
        )
    if len(names) > MAX_ATTRIBUTE_NAMES:
        raise UsageError(
            f"AttributeNames has {len(names)} names; SageMaker allows at most {MAX_ATTRIBUTE_NAMES}"
        )
    for name in names:
        if not name or len(name) > MAX_ATTRIBUTE_NAME_LENGTH:
            raise UsageError(
                f"attribute name {name[:40]!r} is {len(name)} characters long; "
                f"SageMaker allows 1 to {MAX_ATTRIBUTE_NAME_LENGTH}"
            )
    return names
