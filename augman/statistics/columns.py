"""One attribute's raw values over a chunk of lines: what ``augman stats`` folds at once.

Per-line Python is what made stats slow; a column is handled with C-level loops
instead. Its raw JSON values are joined once with newlines (a raw value never
holds a newline: lines were split on them), and the joined bytes are then
searched, split or decoded in one call (msgspec's ``decode_lines``).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import accumulate, compress, islice, repeat
from operator import add
from typing import Any

NEWLINE = b"\n"
TYPES = ("string", "number", "object", "array", "boolean", "null")
STRING, NUMBER, OBJECT, ARRAY, BOOLEAN, NULL = range(len(TYPES))
SHORT = 8  # bytes per value under which one search beats picking each first byte


def _type_table() -> bytes:
    """The first byte of a JSON value -> its index in TYPES, for ``bytes.translate``."""
    table = bytearray(256)
    for chars, index in (
        (b'"', STRING),
        (b"-0123456789", NUMBER),
        (b"{", OBJECT),
        (b"[", ARRAY),
        (b"tf", BOOLEAN),
        (b"n", NULL),
    ):
        for char in chars:
            table[char] = index
    return bytes(table)


TYPE_OF = _type_table()
# A newline becomes 0xFF and a JSON value's first byte its type's index: a type's values
# are then the occurrences of 0xFF followed by its index (in short columns, one search each).
_TYPE_AFTER_NEWLINE = TYPE_OF[: NEWLINE[0]] + b"\xff" + TYPE_OF[NEWLINE[0] + 1 :]
_CODES = [bytes((0xFF, index)) for index in range(len(TYPES))]


class Column:
    """The raw values of one attribute on some lines of a chunk, in line order.

    ``numbers`` are their line numbers. Whoever finds every value to be of one
    JSON type (a string, an object) while reading the column sets ``known``, and
    :meth:`type_counts` then costs nothing.
    """

    __slots__ = ("_joined", "known", "numbers", "values")

    def __init__(self, numbers: Sequence[int], values: list[Any]) -> None:
        self.numbers = numbers
        self.values = values
        self.known: int | None = None
        self._joined: bytes | None = None

    def __len__(self) -> int:
        return len(self.values)

    @property
    def joined(self) -> bytes:
        """The values joined with newlines (made once)."""
        if self._joined is None:
            self._joined = NEWLINE.join(self.values)
        return self._joined

    def type_counts(self) -> list[tuple[int, int]]:
        """(index in TYPES, how many values are of that JSON type), for the types present."""
        if self.known is not None:
            return [(self.known, len(self))]
        joined = self.joined
        if len(joined) > SHORT * len(self):
            types = self._first_bytes().translate(TYPE_OF)
            return [(index, n) for index in range(len(TYPES)) if (n := types.count(index))]
        # short values: each type's count is that of its code after a newline, in one copy
        codes = (NEWLINE + joined).translate(_TYPE_AFTER_NEWLINE)
        return [(index, n) for index, code in enumerate(_CODES) if (n := codes.count(code))]

    def _first_bytes(self) -> bytes:
        """Each value's first byte: picked from the joined bytes at each value's offset."""
        starts = accumulate(map(add, map(len, self.values), repeat(1)), initial=0)
        return bytes(map(self.joined.__getitem__, islice(starts, len(self))))

    def select(self, keep: Sequence[bool]) -> Column:
        """The values where ``keep`` is true (itself when all are)."""
        if all(keep):
            return self
        return Column(list(compress(self.numbers, keep)), list(compress(self.values, keep)))
