"""augman stats agrees with a naive count on any manifest of JSON objects."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from augman.statistics.fold import StatsFold

KEYS = ("a", "b-ref", "c")
URIS = ("s3://b/1.jpg", "s3://b/x/2.png", "s3://other/3", "not-a-uri")
VALUES = st.one_of(
    st.sampled_from(URIS), st.integers(-5, 5), st.none(), st.booleans(),
    st.lists(st.integers(0, 3), max_size=2), st.dictionaries(st.sampled_from("xy"), st.integers(-9, 9)),
)  # fmt: skip
RECORDS = st.lists(st.dictionaries(st.sampled_from(KEYS), VALUES), max_size=40)
TYPE = {
    str: "string",
    int: "number",
    type(None): "null",
    bool: "boolean",
    list: "array",
    dict: "object",
}


def fold(records: list[dict[str, Any]], attrs: list[str] | None = None) -> Any:
    stats = StatsFold("m", attrs)
    for line_no, record in enumerate(records, 1):
        stats.add(line_no, orjson.dumps(record) + b"\n")
    return stats.finish()


@settings(max_examples=60, deadline=None)
@given(RECORDS)
def test_attribute_coverage_and_types(records: list[dict[str, Any]]) -> None:
    stats = fold(records)
    for key in KEYS:
        types = Counter(TYPE[type(r[key])] for r in records if key in r)
        if types:
            assert stats.attributes[key].present == sum(types.values())
            assert dict(stats.attributes[key].types) == dict(types)
        else:
            assert key not in stats.attributes
    assert stats.samples == stats.valid_lines == len(records)


@settings(max_examples=60, deadline=None)
@given(RECORDS)
def test_repeated_refs(records: list[dict[str, Any]]) -> None:
    strings = [r["b-ref"] for r in records if isinstance(r.get("b-ref"), str)]
    seen = Counter(strings)
    stats = fold(records)
    ref = stats.refs.get("b-ref")
    if ref is None:
        assert not any("b-ref" in r for r in records)
        return
    assert ref.values == sum("b-ref" in r for r in records)
    assert ref.not_strings == ref.values - len(strings)
    assert ref.not_s3 == strings.count("not-a-uri")
    assert ref.distinct == len(seen)
    assert ref.repeated_uris == sum(1 for n in seen.values() if n > 1)
    assert ref.repeat_lines == len(strings) - len(seen)
    assert {r.uri: r.count for r in ref.repeats} == {u: n for u, n in seen.items() if n > 1}


@settings(max_examples=60, deadline=None)
@given(RECORDS)
def test_samples_are_lines_with_every_attribute(records: list[dict[str, Any]]) -> None:
    stats = fold(records, ["c", "a"])
    assert stats.samples == sum(1 for r in records if "a" in r and "c" in r)
    assert list(stats.attributes) == ["c", "a"]
