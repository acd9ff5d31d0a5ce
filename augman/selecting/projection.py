"""``--attrs``: a line reduced to the named keys, in that order, written compactly.

Values keep their bytes as the manifest wrote them (escapes, number formats) and
only lose the whitespace between tokens, so ``"caf\\u00e9"`` stays escaped and
``1.50`` stays ``1.50``: projection never re-encodes a value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec
import orjson

from augman.jsontext import compact

Top = Mapping[str, msgspec.Raw]


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
