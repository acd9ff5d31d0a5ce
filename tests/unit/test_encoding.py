"""Value encodings: the raw JSON of an attribute value -> the payload on the pipe."""

from __future__ import annotations

import json

import msgspec
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from augman.streaming.encoding import ENCODINGS, as_json, as_text, compact, is_ref, ref_uri


@pytest.mark.parametrize(
    ("raw", "text", "as_json_"),
    [
        (b'"Call me Ishmael"', b"Call me Ishmael", b'"Call me Ishmael"'),
        (b'""', b"", b'""'),
        (rb'"a\"b\\c\/d\n"', b'a"b\\c/d\n', rb'"a\"b\\c\/d\n"'),
        (rb'"caf\u00e9 \ud83d\ude00"', "café 😀".encode(), rb'"caf\u00e9 \ud83d\ude00"'),
        ('"日本語"'.encode(), "日本語".encode(), '"日本語"'.encode()),
        (b'"0"', b"0", b'"0"'),
        (b'"[1, 0, 1]"', b"[1, 0, 1]", b'"[1, 0, 1]"'),
        (b"1", b"1", b"1"),
        (b"1.50", b"1.50", b"1.50"),
        (b"-2.5e-3", b"-2.5e-3", b"-2.5e-3"),
        (b"1E+2", b"1E+2", b"1E+2"),
        (b"12345678901234567890123", b"12345678901234567890123", b"12345678901234567890123"),
        (b"true", b"true", b"true"),
        (b"false", b"false", b"false"),
        (b"null", b"null", b"null"),
        (b'{ "b" : 1, "a" : [ 1.0 , "x y" ] }', b'{"b":1,"a":[1.0,"x y"]}', b'{"b":1,"a":[1.0,"x y"]}'),
        (b'{"a":{"b":[]}}', b'{"a":{"b":[]}}', b'{"a":{"b":[]}}'),
        (b"[ ]", b"[]", b"[]"),
        (b'[\t1,\r2]', b"[1,2]", b"[1,2]"),
    ],
    ids=["string", "empty-string", "escapes", "unicode-escapes", "utf8", "digit-string",
         "array-in-string", "int", "float-keeps-zero", "exponent", "upper-exponent", "bigint",
         "true", "false", "null", "object-spaced", "object-compact", "empty-array", "tabs"],
)  # fmt: skip
def test_encodings(raw: bytes, text: bytes, as_json_: bytes) -> None:
    assert as_text(raw) == text
    assert as_json(raw) == as_json_


def test_registry_names() -> None:
    assert {"text": as_text, "json": as_json} == ENCODINGS


@pytest.mark.parametrize(
    ("name", "ref"),
    [("source-ref", True), ("label-ref", True), ("city-streets-ref-metadata", False),
     ("source", False), ("ref", False), ("Source-REF", False)],
)  # fmt: skip
def test_is_ref_tests_the_name_suffix(name: str, ref: bool) -> None:
    assert is_ref(name) is ref


def test_ref_uri_decodes_escapes() -> None:
    assert ref_uri(b'"s3://b-1/k.jpg"') == "s3://b-1/k.jpg"
    assert ref_uri(rb'"s3:\/\/b-1\/caf\u00e9.jpg"') == "s3://b-1/café.jpg"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@given(st.text())
def test_a_string_arrives_as_its_utf8_text(value: str) -> None:
    for raw in (
        orjson.dumps(value),
        json.dumps(value).encode(),
        json.dumps(value, ensure_ascii=False).encode(),
    ):
        try:
            expected = value.encode()
        except UnicodeEncodeError:  # a lone surrogate: the line checks reject it first
            return
        assert as_text(raw) == expected


@given(json_values, st.sampled_from([None, 0, 2]), st.sampled_from([(",", ":"), (", ", ": ")]))
def test_compact_keeps_the_value_and_drops_whitespace(
    value: object, indent: int | None, separators: tuple[str, str]
) -> None:
    raw = json.dumps(value, indent=indent, separators=separators).encode()
    out = compact(raw)
    assert json.loads(out) == json.loads(raw)
    assert msgspec.json.format(out, indent=-1) == out  # nothing left to remove
