"""SeenIndex: every repeat found, with the first line, in 12 bytes per distinct key."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from augman.statistics.seen import SIZE, SeenIndex


def naive(keys: list[int]) -> list[tuple[int, bool] | None]:
    first: dict[int, int] = {}
    repeated: set[int] = set()
    out: list[tuple[int, bool] | None] = []
    for line, key in enumerate(keys, 1):
        key %= 2**64  # keys are taken modulo 2**64: hash() can be negative
        if key not in first:
            first[key] = line
            out.append(None)
        else:
            out.append((first[key], key not in repeated))
            repeated.add(key)
    return out


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**64 - 1), max_size=300))
def test_matches_a_dict_on_any_keys(keys: list[int]) -> None:
    index = SeenIndex()
    assert [index.add(key, line) for line, key in enumerate(keys, 1)] == naive(keys)


@given(st.lists(st.sampled_from([0, 1, 2**63, 2**64 - 1, -1, 12345]), max_size=50))
def test_matches_a_dict_on_colliding_partitions(keys: list[int]) -> None:
    index = SeenIndex()
    assert [index.add(key, line) for line, key in enumerate(keys, 1)] == naive(keys)


def test_still_exact_after_splitting_into_more_partitions() -> None:
    rng = random.Random(7)
    keys = [rng.getrandbits(64) for _ in range(20_000)]
    keys += [keys[i] for i in range(0, 20_000, 97)]  # repeats after the splits
    rng.shuffle(keys)
    index = SeenIndex()
    assert [index.add(key, line) for line, key in enumerate(keys, 1)] == naive(keys)
    assert len(index) == 20_000
    assert len(index._keys) > 16  # it did split


def test_holds_twelve_bytes_per_distinct_key() -> None:
    index = SeenIndex()
    for line in range(1, 50_001):
        index.add(hash(f"s3://b/{line}.jpg"), line)
        index.add(hash("s3://b/always-the-same.jpg"), line)
    held = sum(
        k.itemsize * len(k) + v.itemsize * len(v)
        for k, v in zip(index._keys, index._lines, strict=True)
    )
    assert SIZE == 12 and held == 12 * len(index) == 12 * 50_001


def test_line_numbers_beyond_31_bits_are_capped() -> None:
    index = SeenIndex()
    assert index.add(5, 2**40) is None
    assert index.add(5, 2**40 + 1) == (2**31 - 1, True)


@given(
    st.lists(
        st.tuples(st.booleans(), st.lists(st.integers(-(2**63), 2**63 - 1), max_size=20)),
        max_size=12,
    )
)
def test_keys_added_as_new_are_found_by_later_lookups(
    batches: list[tuple[bool, list[int]]],
) -> None:
    """add_new (no lookup) for batches of keys never seen, add_many for the rest: as a dict."""
    index, keys, line = SeenIndex(), [], 0
    found: list[tuple[int, bool] | None] = []
    for new, batch in batches:
        if new:  # keep only keys that are surely new
            batch = [k for k in dict.fromkeys(batch) if k % 2**64 not in {x % 2**64 for x in keys}]
        lines = list(range(line + 1, line + 1 + len(batch)))
        if new and batch:
            index.add_new(batch, lines)
            found += [None] * len(batch)
        elif batch:
            repeats = {i: (first, once) for i, first, once in index.add_many(batch, lines)}
            found += [repeats.get(i) for i in range(len(batch))]
        keys += batch
        line += len(batch)
    assert found == naive(keys)
    assert len(index) == len({key % 2**64 for key in keys})
