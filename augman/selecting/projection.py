"""``--attrs``: a line reduced to the named keys, in that order, written compactly.

Values keep their bytes as the manifest wrote them (escapes, number formats) and
only lose the whitespace between tokens, so ``"caf\\u00e9"`` stays escaped and
``1.50`` stays ``1.50``: projection never re-encodes a value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import msgspec
import orjson

Top = Mapping[str, msgspec.Raw]

# A JSON string (kept as it is) or a run of whitespace between tokens (dropped).
_TOKEN = re.compile(rb'("(?:[^"\\]|\\.)*")|[ \t\r\n]+')


class Projection:
    """Writes lines holding exactly ``attrs``, in that order."""

    def __init__(self, attrs: Sequence[str]) -> None:
        self.attrs = tuple(attrs)
        self._fields = [(orjson.dumps(attr) + b":", attr) for attr in self.attrs]

    def missing(self, top: Top) -> str | None:
        """The first attribute ``top`` lacks, or None."""
        for attr in self.attrs:
            if attr not in top:
                return attr
        return None

    def line(self, top: Top) -> bytes:
        """The projected line, newline included; every attribute must be present."""
        parts = [key + compact(bytes(top[attr])) for key, attr in self._fields]
        return b"{" + b",".join(parts) + b"}\n"


def compact(value: bytes) -> bytes:
    """A JSON value from one line (so no LF), without whitespace between its tokens."""
    # A value inside one line holds no LF; three memchr scans are the common, fast case.
    if b" " not in value and b"\t" not in value and b"\r" not in value:
        return value
    return _TOKEN.sub(_keep_strings, value)


def _keep_strings(match: re.Match[bytes]) -> bytes:
    return match[1] or b""
