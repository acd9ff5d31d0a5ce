"""The pieces of `select`: --where truthiness, projection bytes, --split/--fraction hashing."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from augman.errors import UsageError
from augman.selecting.projection import Projection, compact
from augman.selecting.splits import Assigner, Fraction, Split, unit, value_key
from augman.selecting.where import Where, truthy

_decode = msgspec.json.Decoder(dict[str, msgspec.Raw]).decode

# -- --where --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, False), (False, False), ("", False), ([], False), ({}, False),
        (True, True), (0, True), (0.0, True), ("x", True), ([0], True), ({"a": None}, True),
    ],
    ids=lambda v: repr(v),
)  # fmt: skip
def test_truthiness_is_jmespaths(value: Any, expected: bool) -> None:
    assert truthy(value) is expected


@pytest.mark.parametrize(
    ("expression", "line", "expected"),
    [
        ('"class-metadata".confidence > `0.9`', b'{"class-metadata": {"confidence": 0.95}}', True),
        ('"class-metadata".confidence > `0.9`', b'{"class-metadata": {"confidence": 0.5}}', False),
        ('"class-metadata".confidence > `0.9`', b'{"other": 1}', False),
        ('length("bounding-box".annotations) > `0`', b'{"bounding-box": {"annotations": [{}]}}', True),
        ('length("bounding-box".annotations) > `0`', b'{"bounding-box": {"annotations": []}}', False),
        ("class", b'{"class": 0}', True),
        ("class", b'{"class": null}', False),
        ("contains(`[1, 2]`, class)", b'{"class": 2}', True),
        ("length(keys(@)) == `2`", b'{"a": 1, "b": {"c": 2}}', True),
        ("@.a == `1` && b.c", b'{"a": 1, "b": {"c": 2}}', True),
    ],
    ids=["above", "below", "absent", "has-boxes", "no-boxes", "zero-is-true", "null", "contains",
         "whole-document", "current-node"],
)  # fmt: skip
def test_where_keeps_truthy_lines(expression: str, line: bytes, expected: bool) -> None:
    assert Where.parse(expression).matches(line, _decode(line), "m", 1) is expected


@pytest.mark.parametrize("expression", ["foo[", "a ==", "[?a >", "length(", "a.b.", "@@"], ids=str)
def test_a_bad_expression_is_a_usage_error_with_the_parsers_message(expression: str) -> None:
    with pytest.raises(
        UsageError, match=r"^--where: .*(Expect|ends too early|invalid|Unclosed|Unexpected|Unknown)"
    ):
        Where.parse(expression)


def test_an_expression_that_fails_on_a_line_names_the_line() -> None:
    where = Where.parse("length(boxes) > `0`")
    with pytest.raises(UsageError, match=r"^m.manifest:7: --where fails on this line"):
        where.matches(b'{"other": 1}\n', _decode(b'{"other": 1}'), "m.manifest", 7)


# -- projection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "attrs", "expected"),
    [
        (b'{"a": 1, "b": 2, "c": 3}', ["c", "a"], b'{"c":3,"a":1}\n'),
        (b'{ "a" : [ 1 , 2 ] ,"b":{"x" :\t"y z"} }', ["b", "a"], b'{"b":{"x":"y z"},"a":[1,2]}\n'),
        (b'{"a": "caf\\u00e9 \\"q\\" \\\\", "b": 1.50e3}', ["a", "b"], b'{"a":"caf\\u00e9 \\"q\\" \\\\","b":1.50e3}\n'),
        ('{"a": "café", "ü": true}'.encode(), ["ü", "a"], '{"ü":true,"a":"café"}\n'.encode()),
        (b'{"a": 123456789012345678901234567890}', ["a"], b'{"a":123456789012345678901234567890}\n'),
        (b'{"a": {"s": " [ , ] "}}', ["a"], b'{"a":{"s":" [ , ] "}}\n'),
    ],
    ids=["reorder", "whitespace", "escapes-and-numbers-kept", "unicode-keys", "big-int", "spaces-in-strings"],
)  # fmt: skip
def test_projection_writes_exact_bytes(line: bytes, attrs: list[str], expected: bytes) -> None:
    assert Projection(attrs).line(_decode(line)) == expected


def test_projection_names_the_first_missing_attribute() -> None:
    top = _decode(b'{"a": 1}')
    assert Projection(["a", "b", "c"]).missing(top) == "b"
    assert Projection(["a"]).missing(top) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@given(value=json_values, indent=st.sampled_from([None, 1, "\t"]), ascii=st.booleans())
def test_compact_keeps_the_value_and_drops_all_whitespace(
    value: Any, indent: Any, ascii: bool
) -> None:
    written = json.dumps(value, indent=indent, ensure_ascii=ascii).replace("\n", " ").encode()
    result = compact(written)
    assert json.loads(result) == json.loads(written)
    assert (
        result
        == json.dumps(json.loads(written), separators=(",", ":"), ensure_ascii=ascii).encode()
    )


# -- --split and --fraction -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("train=0.8,validation=0.2", (("train", 0.8), ("validation", 0.2))),
        (" a = 0.5 , b=0.25,c=0.25 ", (("a", 0.5), ("b", 0.25), ("c", 0.25))),
        ("all=1", (("all", 1.0),)),
        ("x=0.1,y=0.1,z=0.1,w=0.7", (("x", 0.1), ("y", 0.1), ("z", 0.1), ("w", 0.7))),
        ("v1.2_a-b=1", (("v1.2_a-b", 1.0),)),
    ],
    ids=["train-validation", "spaces", "one-part", "float-rounding", "stem-characters"],
)  # fmt: skip
def test_split_specs_parse(text: str, parts: tuple[tuple[str, float], ...]) -> None:
    assert Split.parse(text).parts == parts


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("train=0.8,validation=0.1", "add up to 0.9"),
        ("train=0.8,validation=0.3", "add up to 1.1"),
        ("train=1,validation=0", "must be > 0"),
        ("train=-0.5,validation=1.5", "must be > 0"),
        ("train=0.5,train=0.5", "twice"),
        ("train", "not NAME=FRACTION"),
        ("=1", "not NAME=FRACTION"),
        ("a/b=1", "not NAME=FRACTION"),
        ("..=1", "not NAME=FRACTION"),
        (".hidden=1", "not NAME=FRACTION"),
        ("train=half,validation=0.5", "'half' is not a number"),
        ("train=nan,validation=0.5", "must be > 0"),
    ],
    ids=["sum-low", "sum-high", "zero", "negative", "repeated", "no-fraction", "no-name",
         "slash", "dot-dot", "hidden", "not-a-number", "nan"],
)  # fmt: skip
def test_bad_split_specs_are_usage_errors(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        Split.parse(text)


def test_unit_is_a_fixed_function_of_seed_purpose_and_data() -> None:
    # Fixed values: a change here would silently change every user's split.
    assert unit(0, b"augman:split", b"abc") == unit(0, b"augman:split", b"abc")
    assert unit(0, b"augman:split", b"abc") != unit(1, b"augman:split", b"abc")
    assert unit(0, b"augman:split", b"abc") != unit(0, b"augman:fraction", b"abc")
    assert 0.0 <= unit(5, b"p", b"") < 1.0


def test_assignment_follows_the_fractions() -> None:
    assigner = Assigner(Split.parse("a=0.7,b=0.2,c=0.1"), seed=1)
    counts = {"a": 0, "b": 0, "c": 0}
    for n in range(20_000):
        counts[assigner.part(n.to_bytes(8, "big"))] += 1
    assert counts["a"] == pytest.approx(14_000, rel=0.05)
    assert counts["b"] == pytest.approx(4_000, rel=0.08)
    assert counts["c"] == pytest.approx(2_000, rel=0.1)


@pytest.mark.parametrize("fraction", [0.0, 0.3, 1.0], ids=str)
def test_fraction_keeps_about_that_share(fraction: float) -> None:
    kept = sum(Fraction(fraction, seed=2).keeps(n) for n in range(1, 10_001))
    assert kept == pytest.approx(10_000 * fraction, abs=250)


@pytest.mark.parametrize("fraction", [-0.1, 1.5, float("nan")], ids=str)
def test_fraction_outside_0_1_is_a_usage_error(fraction: float) -> None:
    with pytest.raises(UsageError, match="between 0 and 1"):
        Fraction(fraction, seed=0)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (b'"s3://b/k.jpg"', b'"s3://b/k.jpg"'),
        (b'"caf\\u00e9"', '"café"'.encode()),
        (b'{"x": 1, "y": [1, 2]}', b'{"y":[1,2],"x":1}'),
        (b"1.0", b"1.0"),
    ],
    ids=["plain-string", "escaped-string", "object-spacing-and-order", "number"],
)  # fmt: skip
def test_equal_key_values_hash_equal(a: bytes, b: bytes) -> None:
    assert value_key(msgspec.Raw(a)) == value_key(msgspec.Raw(b))


def test_different_key_values_hash_differently() -> None:
    assert value_key(b'"s3://b/1.jpg"') != value_key(b'"s3://b/2.jpg"')
    assert value_key(b"1") != value_key(b'"1"')
    assert orjson.loads(value_key(b'{"b": 1, "a": 2}')) == {"a": 2, "b": 1}


def test_an_ordering_of_a_string_and_a_number_fails_on_the_line_not_with_a_traceback() -> None:
    with pytest.raises(UsageError, match=r"^m:3: --where fails on this line: '>' not supported"):
        Where.parse("a > `1`").matches(b'{"a": "x"}\n', _decode(b'{"a": "x"}'), "m", 3)
