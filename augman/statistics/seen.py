"""Which values were seen before, and on which line first, in 12 bytes per distinct value.

``augman stats`` finds repeated ``-ref`` URIs (the same image on two lines is a
train/validation leak risk) in one pass over a manifest of any length. A Python
``set`` of the URIs would cost about 100 bytes per line; this index keeps only a
64-bit hash and the 32-bit first line number of each distinct value (12 bytes),
in sorted ``array`` partitions chosen by the hash's top bits and searched with
``bisect`` (C speed). Splitting a partition is a slice: it stays sorted.

Keys the caller knows to be new (the URIs of a chunk that only increase, as S3
lists keys, cannot repeat an earlier one) are only appended, 12 bytes each, with
no search; they are sorted into the partitions when a key must next be looked up,
which a manifest in URI order never needs.

Guarantees: every repeat is found (no false negatives). A repeat is reported
wrongly only if two different values share a 64-bit hash: with ``n`` distinct
values the chance is about ``n**2 / 2**65`` (under 3e-4 for 100 million). Line
numbers above 2**31 - 1 are stored as 2**31 - 1.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Sequence
from itertools import count, repeat

SIZE = 12  # bytes per distinct key: 8 of hash, 4 of line number
_MASK64 = (1 << 64) - 1
_REPEATED = 1 << 31  # top bit of a stored line: the key has repeated already
_MAX_LINE = _REPEATED - 1
_GROWTH_BITS = 4  # a split makes 16 partitions of each
_PER_PARTITION = 512  # average keys per partition before splitting: keeps inserts short


class SeenIndex:
    """A set of 64-bit keys that remembers the line each key was first added on."""

    def __init__(self) -> None:
        self._bits = _GROWTH_BITS
        self._shift = 64 - self._bits  # a key's partition is its top _bits bits
        self._limit = _PER_PARTITION << self._bits  # split when holding more keys
        self._keys = [array("Q") for _ in range(1 << self._bits)]
        self._lines = [array("I") for _ in range(1 << self._bits)]
        self._count = 0
        self._new_keys = array("q")  # added by add_new (as given: hash() is signed), not yet
        self._new_lines = array("I")  # in the partitions

    def __len__(self) -> int:
        """The number of distinct keys held."""
        return self._count + len(self._new_keys)

    def add(self, key: int, line: int) -> tuple[int, bool] | None:
        """Add ``key`` (taken modulo 2**64: ``hash()`` may be negative) seen on ``line``.

        Return None for a new key; for a key seen before, its first line and
        whether this is its first repeat (so callers can count distinct repeats).
        """
        if self._new_keys:
            self._settle()
        key &= _MASK64
        part = key >> self._shift
        keys = self._keys[part]
        at = bisect.bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            return self._repeat(self._lines[part], at)
        keys.insert(at, key)
        self._lines[part].insert(at, line if line <= _MAX_LINE else _MAX_LINE)
        self._count += 1
        if self._count > self._limit:
            self._split()
        return None

    def add_many(self, keys: Iterable[int], lines: Iterable[int]) -> list[tuple[int, int, bool]]:
        """:meth:`add` each key with its line; ``(index, first line, first repeat)`` of repeats."""
        found = []
        for index, key, line in zip(count(), keys, lines):
            seen = self.add(key, line)
            if seen is not None:
                found.append((index, *seen))
        return found

    def add_new(self, keys: list[int], lines: Sequence[int]) -> None:
        """Add keys that are surely new, none twice, without looking them up (C-level appends).

        ``keys`` are ``hash()`` values (signed 64-bit); ``lines`` ascend.
        """
        self._new_keys.extend(keys)
        self._new_lines.extend(
            lines if lines[-1] <= _MAX_LINE else map(min, lines, repeat(_MAX_LINE))
        )

    def _settle(self) -> None:
        """Put the keys of :meth:`add_new` into their partitions, before a lookup."""
        keys, lines = self._new_keys, self._new_lines
        self._new_keys, self._new_lines = array("q"), array("I")
        for key, line in zip(keys, lines, strict=True):
            self.add(key, line)

    @staticmethod
    def _repeat(lines: array[int], at: int) -> tuple[int, bool]:
        first = lines[at]
        if first & _REPEATED:
            return first & _MAX_LINE, False
        lines[at] = first | _REPEATED
        return first, True

    def _split(self) -> None:
        bits = self._bits + _GROWTH_BITS
        new_keys: list[array[int]] = []
        new_lines: list[array[int]] = []
        for high, (keys, lines) in enumerate(zip(self._keys, self._lines, strict=True)):
            start = 0
            for low in range(1, (1 << _GROWTH_BITS) + 1):
                bound = ((high << _GROWTH_BITS) + low) << (64 - bits)
                end = bisect.bisect_left(keys, bound)
                new_keys.append(keys[start:end])
                new_lines.append(lines[start:end])
                start = end
        self._bits, self._keys, self._lines = bits, new_keys, new_lines
        self._shift, self._limit = 64 - bits, _PER_PARTITION << bits
