"""Bounded counters for ``augman stats``: exact counts for a capped number of keys, and bins.

Counting classes, buckets or prefixes exactly is cheap while they are few; a
manifest with one folder per image would make a plain dict grow with its length.
:class:`CappedCounter` counts the first ``cap`` distinct keys exactly and only
counts how many values fell outside them.
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_KEYS = 10_000  # distinct keys counted exactly per counter
BATCH = 8192  # lines between flushes of the counters' buffers


@dataclass(frozen=True)
class Counts:
    """Exact counts per key (most frequent first) and the values not counted by key.

    ``untracked`` values had a key first seen after ``MAX_KEYS`` distinct keys.
    """

    items: Mapping[str, int]
    untracked: int = 0

    @property
    def total(self) -> int:
        return sum(self.items.values()) + self.untracked


class CappedCounter:
    """Counts values per key, for at most ``cap`` distinct keys (in first-seen order).

    ``add`` and ``add_many`` are the ``append`` and ``extend`` of a buffer (C
    calls, no Python frame); :meth:`flush` counts the buffer with
    :class:`collections.Counter` (in C too). The owner calls :meth:`flush` every
    ``BATCH`` lines or so, which bounds the buffer; :meth:`freeze` flushes.
    """

    def __init__(self, cap: int = MAX_KEYS) -> None:
        self.cap = cap
        self.counts: dict[str, int] = {}
        self.untracked = 0
        self._pending: list[str] = []
        self.add: Callable[[str], None] = self._pending.append
        self.add_many: Callable[[Iterable[str]], None] = self._pending.extend

    def add_count(self, key: str, n: int) -> None:
        """Count ``key`` ``n`` times now (after what is buffered, to keep first-seen order)."""
        if self._pending:
            self.flush()
        counts = self.counts
        if key in counts:
            counts[key] += n
        elif len(counts) < self.cap:
            counts[key] = n
        else:
            self.untracked += n

    def flush(self) -> None:
        batch = Counter(self._pending)
        self._pending.clear()
        for key, n in batch.items():
            self.add_count(key, n)

    def freeze(self) -> Counts:
        self.flush()
        ordered = sorted(self.counts.items(), key=lambda item: (-item[1], item[0]))
        return Counts(dict(ordered), self.untracked)


@dataclass(frozen=True)
class Histogram:
    """Counts per labelled bin, plus values outside every bin, and simple moments."""

    bins: tuple[tuple[str, int], ...]
    outside: int = 0
    count: int = 0
    total: float = 0.0
    low: float | None = None
    high: float | None = None

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None


class BinCounter:
    """A histogram over fixed ``edges``: bin i holds ``edges[i] <= x < edges[i + 1]``.

    Buffered like :class:`CappedCounter`, then binned in C (``bisect`` through
    ``map``, counted by ``Counter``). Anything but an int or a float is ignored.
    """

    def __init__(self, edges: Sequence[float], labels: Sequence[str]) -> None:
        if len(labels) != len(edges) - 1:
            raise ValueError("one label per bin: len(labels) == len(edges) - 1")
        self.edges = tuple(edges)
        self.labels = tuple(labels)
        self.counts = [0] * len(labels)
        self.outside = 0
        self.count = 0
        self.total = 0.0
        self.low: float | None = None
        self.high: float | None = None
        self._pending: list[object] = []
        self.add: Callable[[object], None] = self._pending.append
        self.add_many: Callable[[Iterable[object]], None] = self._pending.extend
        self._bin = functools.partial(bisect.bisect_right, self.edges)

    def flush(self) -> None:
        values: list[float] = [v for v in self._pending if type(v) is float or type(v) is int]  # type: ignore[misc]
        self._pending.clear()
        if not values:
            return
        self.count += len(values)
        self.total += sum(values)
        low, high = min(values), max(values)
        self.low = low if self.low is None else min(self.low, low)
        self.high = high if self.high is None else max(self.high, high)
        for at, n in Counter(map(self._bin, values)).items():
            if 0 < at <= len(self.counts):
                self.counts[at - 1] += n
            else:
                self.outside += n

    def freeze(self) -> Histogram:
        self.flush()
        bins = tuple(zip(self.labels, self.counts, strict=True))
        return Histogram(bins, self.outside, self.count, self.total, self.low, self.high)


def count_bins() -> BinCounter:
    """Bins for small counts: boxes per image, labels per image."""
    edges = (0, 1, 2, 3, 4, 5, 6, 11, 21, 51, 101, float("inf"))
    labels = ("0", "1", "2", "3", "4", "5", "6-10", "11-20", "21-50", "51-100", "over 100")
    return BinCounter(edges, labels)


def confidence_bins() -> BinCounter:
    """Ten bins of width 0.1 over [0, 1] (1.0 in the last); others fall outside."""
    edges = [i / 10 for i in range(10)] + [1.0 + 1e-12]
    labels = [f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10)]
    return BinCounter(edges, labels)


def area_bins() -> BinCounter:
    """A box's area as a share of its image's area; over 100% falls outside."""
    edges = (0.0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0 + 1e-12)
    labels = ("under 0.1%", "0.1-1%", "1-5%", "5-10%", "10-25%", "25-50%", "50-100%")
    return BinCounter(edges, labels)
