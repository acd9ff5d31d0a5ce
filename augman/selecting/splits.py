"""Seeded, order-free choices per line: ``--fraction`` and ``--split`` assignment.

Each choice is a stable hash (BLAKE2b, never Python's salted ``hash``) of the seed
and either the line's 1-based number in the input or a key attribute's value. It
does not depend on the order lines arrive in, so ``--shuffle`` changes only the
order of the output, never which lines are in it, and a split made today is the
split made tomorrow.
"""

from __future__ import annotations

import functools
import hashlib
import math
import re
from dataclasses import dataclass

import msgspec

from augman import jsontext
from augman.errors import UsageError

_STEM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_TOLERANCE = 1e-6
_SCALE = float(1 << 64)


def unit(seed: int, purpose: bytes, data: bytes) -> float:
    """A number in [0, 1), uniform over ``data``, fixed for (seed, purpose, data)."""
    digest = hashlib.blake2b(data, digest_size=8, person=purpose, salt=_salt(seed)).digest()
    return int.from_bytes(digest, "big") / _SCALE


@functools.lru_cache(maxsize=8)
def _salt(seed: int) -> bytes:
    return hashlib.blake2b(str(seed).encode(), digest_size=16).digest()


def position_key(line_no: int) -> bytes:
    """The hash input for a line chosen by its position (1-based line number)."""
    return line_no.to_bytes(8, "big")


def value_key(raw: msgspec.Raw | bytes) -> bytes:
    """The hash input for a JSON value: one byte string per equal value.

    A plain string's bytes are already canonical; other values (escapes, numbers,
    objects with spaces or another key order) are normalised (:func:`augman.jsontext.canonical`) so
    that equal values written differently still land together.
    """
    data = bytes(raw)
    if data[:1] == b'"' and b"\\" not in data:
        return data
    return jsontext.canonical(data)


class Fraction:
    """``--fraction F``: keep each line with probability F (0 <= F <= 1), seeded."""

    def __init__(self, fraction: float, seed: int) -> None:
        if not 0.0 <= fraction <= 1.0 or math.isnan(fraction):
            raise UsageError(f"--fraction {fraction} is not between 0 and 1")
        self.fraction = fraction
        self.seed = seed

    def keeps(self, line_no: int) -> bool:
        return unit(self.seed, b"augman:fraction", position_key(line_no)) < self.fraction


@dataclass(frozen=True)
class Split:
    """``--split train=0.8,validation=0.2``: named parts and their fractions, in order."""

    parts: tuple[tuple[str, float], ...]

    @classmethod
    def parse(cls, text: str) -> Split:
        """Parse ``name=fraction,...``; raise :class:`UsageError` when it is not a partition."""
        parts = tuple(_part(item, text) for item in text.split(","))
        names = [name for name, _ in parts]
        if len(set(names)) != len(names):
            raise UsageError(f"--split {text!r} names a part twice")
        total = math.fsum(fraction for _, fraction in parts)
        if abs(total - 1.0) > _TOLERANCE:
            raise UsageError(
                f"--split {text!r}: the fractions add up to {total:g}, not 1",
                "e.g. --split train=0.8,validation=0.1,test=0.1",
            )
        return cls(parts)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.parts)

    def bounds(self) -> tuple[float, ...]:
        """Cumulative upper bounds; the last is exactly 1 whatever the rounding."""
        running, bounds = 0.0, []
        for _, fraction in self.parts:
            running += fraction
            bounds.append(running)
        bounds[-1] = 1.0
        return tuple(bounds)


def _part(item: str, text: str) -> tuple[str, float]:
    name, equals, number = item.strip().partition("=")
    name = name.strip()
    if not equals or not _STEM.fullmatch(name):
        raise UsageError(
            f"--split {text!r}: {item.strip()!r} is not NAME=FRACTION with a file-name NAME",
            "names are letters, digits, '_', '-' and '.': --split train=0.8,validation=0.2",
        )
    try:
        fraction = float(number)
    except ValueError:
        raise UsageError(f"--split {text!r}: {number.strip()!r} is not a number") from None
    if not 0.0 < fraction <= 1.0:
        raise UsageError(f"--split {text!r}: the fraction of {name!r} must be > 0 and <= 1")
    return name, fraction


class Assigner:
    """Picks a split part for a line from its position or its key value."""

    def __init__(self, split: Split, seed: int) -> None:
        self.names = split.names
        self.seed = seed
        self._bounds = tuple(zip(split.names, split.bounds(), strict=True))

    def part(self, key: bytes) -> str:
        u = unit(self.seed, b"augman:split", key)
        for name, bound in self._bounds:
            if u < bound:
                return name
        return self.names[-1]
