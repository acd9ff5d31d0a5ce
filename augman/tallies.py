"""Bounded counters for ``augman stats``: exact counts for a capped number of keys, and bins.

Counting classes, buckets or prefixes exactly is cheap while they are few; a
manifest with one folder per image would make a plain dict grow with its length.
:class:`CappedCounter` counts the first ``cap`` distinct keys exactly and only
counts how many values fell outside them.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_KEYS = 10_000  # distinct keys counted exactly per counter


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
    """Counts values per key, for at most ``cap`` distinct keys."""

    def __init__(self, cap: int = MAX_KEYS) -> None:
        self.cap = cap
        self.counts: dict[str, int] = {}
        self.untracked = 0

    def add(self, key: str, n: int = 1) -> None:
        counts = self.counts
        if key in counts:
            counts[key] += n
        elif len(counts) < self.cap:
            counts[key] = n
        else:
            self.untracked += n

    def add_many(self, keys: Iterable[str]) -> None:
        counts = self.counts
        for key in keys:
            if key in counts:
                counts[key] += 1
            elif len(counts) < self.cap:
                counts[key] = 1
            else:
                self.untracked += 1

    def freeze(self) -> Counts:
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
    """A histogram over fixed ``edges``: bin i holds ``edges[i] <= x < edges[i + 1]``."""

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

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        if self.low is None or value < self.low:
            self.low = value
        if self.high is None or value > self.high:
            self.high = value
        at = bisect.bisect_right(self.edges, value) - 1
        if 0 <= at < len(self.counts):
            self.counts[at] += 1
        else:
            self.outside += 1

    def add_many(self, values: Sequence[float]) -> None:
        """Add every value; the same as :meth:`add` on each, with less work per value."""
        if not values:
            return
        self.count += len(values)
        self.total += sum(values)
        low, high = min(values), max(values)
        if self.low is None or low < self.low:
            self.low = low
        if self.high is None or high > self.high:
            self.high = high
        counts, edges, bins = self.counts, self.edges, len(self.counts)
        for value in values:
            at = bisect.bisect_right(edges, value) - 1
            if 0 <= at < bins:
                counts[at] += 1
            else:
                self.outside += 1

    def freeze(self) -> Histogram:
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
