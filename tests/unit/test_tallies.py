"""Bounded counters and histogram bins for augman stats."""

from __future__ import annotations

import pytest

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
