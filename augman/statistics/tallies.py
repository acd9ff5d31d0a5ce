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
from operator import sub

_NUMBERS = {int, float}
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
    Whenever the buffer is counted, and whether a chunk comes as its ``Counter``
    (:meth:`add_counts`), the counts and the first-seen order are those of adding
    one key at a time.
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

    def add_counts(self, counts: Iterable[tuple[str, int]]) -> None:
        """Count each ``(key, n)`` now, in the order given: a chunk's ``Counter``, say."""
        for key, n in counts:
            self.add_count(key, n)

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

    Buffered like :class:`CappedCounter`, then binned in C: ints counted first and
    each distinct one binned, floats sorted and cut at the edges, anything else
    through ``bisect`` and ``Counter``. Anything but an int or a float is ignored.
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
        values, kinds = self._numbers()
        if not values:
            return
        total = sum(values)  # in buffer order, batch by batch: the same float every time
        self.count += len(values)
        self.total += total
        binned, low, high = self._binned(values, kinds, total == total)
        self.low = low if self.low is None else min(self.low, low)
        self.high = high if self.high is None else max(self.high, high)
        for at, n in binned.items():
            if 0 < at <= len(self.counts):
                self.counts[at - 1] += n
            else:
                self.outside += n

    def _binned(
        self, values: list[float], kinds: set[type], no_nan: bool
    ) -> tuple[Counter[int], float, float]:
        """Values per ``bisect_right`` position, and the least and greatest value.

        The cheapest exact way for the values at hand: few distinct values are
        counted first and each binned once; distinct floats are sorted and cut at
        the edges; anything else is bisected value by value. ``min`` and ``max``
        return the first of equal values (0.0 before -0.0, 1 before 1.0), and so
        does each way here.
        """
        if kinds == {int} or _few_distinct(values):  # counts, confidences with two decimals
            counted = Counter(values)  # keyed by each value as first met
            binned: Counter[int] = Counter()
            for value, n in counted.items():
                binned[self._bin(value)] += n
            return binned, min(counted), max(counted)
        if kinds == {float} and no_nan:
            values.sort()  # stable: the first of equal values stays first
            high = values[bisect.bisect_left(values, values[-1])]
            return self._sorted_bins(values), values[0], high
        return Counter(map(self._bin, values)), min(values), max(values)

    def _numbers(self) -> tuple[list[float], set[type]]:
        """The buffered ints and floats (not bools, not None), in order, and their types."""
        pending = self._pending
        kinds = set(map(type, pending))
        if kinds <= _NUMBERS:
            values: list[float] = pending.copy()  # type: ignore[assignment]
        else:
            values = [v for v in pending if type(v) is float or type(v) is int]  # type: ignore[misc]
            kinds &= _NUMBERS
        pending.clear()
        return values, kinds

    def _sorted_bins(self, values: list[float]) -> Counter[int]:
        """What ``Counter(map(self._bin, values))`` gives, from sorted values and the edges."""
        below = [bisect.bisect_left(values, edge) for edge in self.edges]  # values < each edge
        binned = Counter({at: n for at, n in enumerate(map(sub, below[1:], below), 1) if n})
        binned[0] += below[0]
        binned[len(self.edges)] += len(values) - below[-1]
        return binned

    def freeze(self) -> Histogram:
        self.flush()
        bins = tuple(zip(self.labels, self.counts, strict=True))
        return Histogram(bins, self.outside, self.count, self.total, self.low, self.high)


def _few_distinct(values: list[float], sample: int = 1024) -> bool:
    """Whether values repeat enough to count each distinct one before binning it."""
    return len(set(values[:sample])) * 8 <= min(len(values), sample)


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
