"""Sizes on the command line: ``64M``, ``1.5G``, ``512k``, ``1000000`` (binary multiples)."""

from __future__ import annotations

import re

from augman.errors import UsageError

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.IGNORECASE)


def parse_size(text: str, option: str) -> int:
    """``text`` as a number of bytes; K, M, G, T are powers of 1024 (``64M``, ``64MiB``)."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise UsageError(
            f"{option} {text!r} is not a size",
            f"write a number of bytes with an optional unit: {option} 64M, {option} 1G",
        )
    return int(float(match[1]) * _UNITS[match[2].lower()])
