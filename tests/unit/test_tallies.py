"""Bounded counters and histogram bins for augman stats."""

from __future__ import annotations

import bisect
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augman.statistics.tallies import CappedCounter, area_bins, confidence_bins, count_bins


def test_capped_counter_counts_the_first_keys_exactly_and_the_rest_in_one_number() -> None:
    counter = CappedCounter(cap=2)
    for key in ["a", "b", "a", "c", "d", "a", "c"]:
        counter.add(key)
    counts = counter.freeze()
    assert counts.items == {"a": 3, "b": 1}
    assert list(counts.items) == ["a", "b"]  # most frequent first
    assert counts.untracked == 3 and counts.total == 7


@pytest.mark.parametrize(
    ("make", "value", "label"),
    [
        (confidence_bins, 0.0, "0.0-0.1"),
        (confidence_bins, 0.1, "0.1-0.2"),
        (confidence_bins, 0.95, "0.9-1.0"),
        (confidence_bins, 1.0, "0.9-1.0"),
        (confidence_bins, 1.5, None),
        (confidence_bins, -0.1, None),
        (count_bins, 0, "0"),
        (count_bins, 5, "5"),
        (count_bins, 6, "6-10"),
        (count_bins, 10, "6-10"),
        (count_bins, 101, "over 100"),
        (area_bins, 0.0005, "under 0.1%"),
        (area_bins, 0.02, "1-5%"),
        (area_bins, 1.0, "50-100%"),
        (area_bins, 1.2, None),
    ],
    ids=lambda v: str(v) if not callable(v) else v.__name__,
)
def test_values_fall_in_the_right_bin(make, value, label) -> None:  # type: ignore[no-untyped-def]
    bins = make()
    bins.add(value)
    histogram = bins.freeze()
    filled = [name for name, n in histogram.bins if n]
    assert filled == ([label] if label else [])
    assert histogram.outside == (0 if label else 1)
    assert histogram.count == 1 and histogram.mean == value


NUMBERS = st.one_of(
    st.integers(-3, 150),
    st.floats(-0.5, 1.5),
    st.sampled_from([0.0, -0.0, 1, 1.0, 0.5, float("inf"), float("nan"), True, None, "x"]),
)


@settings(max_examples=300)
@given(
    st.sampled_from([confidence_bins, count_bins, area_bins]),
    st.lists(st.lists(st.one_of(NUMBERS, st.sampled_from([0.25, 0.75])), max_size=40), max_size=4),
)
def test_bins_match_bisecting_each_value_batch_by_batch(
    make: Any, batches: list[list[Any]]
) -> None:
    bins, naive = make(), make()
    counts, outside, total = [0] * len(naive.counts), 0, 0.0
    low: Any = None
    high: Any = None
    for batch in batches:
        bins.add_many(batch)
        bins.flush()
        values = [v for v in batch if type(v) is float or type(v) is int]
        if not values:
            continue
        total += sum(values)
        low = min(values) if low is None else min(low, min(values))
        high = max(values) if high is None else max(high, max(values))
        for value in values:
            at = bisect.bisect_right(naive.edges, value)
            if 0 < at <= len(counts):
                counts[at - 1] += 1
            else:
                outside += 1
    histogram = bins.freeze()
    assert [n for _, n in histogram.bins] == counts and histogram.outside == outside
    assert repr((histogram.total, histogram.low, histogram.high)) == repr((total, low, high))


@given(st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=12), max_size=6), st.integers(1, 5))
def test_counting_a_chunk_at_once_is_adding_one_by_one(chunks: list[list[str]], cap: int) -> None:
    """add_counts of each chunk's Counter keeps the same keys, counts and order as add.

    ``one`` flushes every other chunk: when the buffer is counted does not matter either.
    """
    one, many = CappedCounter(cap), CappedCounter(cap)
    for index, chunk in enumerate(chunks):
        for key in chunk:
            one.add(key)
        if index % 2:
            one.flush()
        many.add_counts(Counter(chunk).items())
    assert one.freeze() == many.freeze()
    assert list(one.counts) == list(many.counts)
