"""Property tests: no bytes crash the line checks, and good lines come back intact."""

from __future__ import annotations

import io
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from augman.api import scan
from augman.checking.findings import Finding
from augman.checking.lines import LineChecker
from augman.inputs.sources import Source

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _scan(data: bytes, attrs: list[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    scan(Source("x", io.BufferedReader(io.BytesIO(data))), findings.append, attrs)  # type: ignore[arg-type]
    return findings


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300), st.one_of(st.none(), st.just(["source-ref", "class"])))
def test_no_bytes_crash_the_checks(data: bytes, attrs: Any) -> None:
    findings = _scan(data, attrs)
    assert all(f.line is None or 1 <= f.line <= data.count(b"\n") + 1 for f in findings)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"{",
                b"}",
                b"[",
                b"]",
                b'"',
                b"\\",
                b"\\u",
                b"d8",
                b",",
                b":",
                b"1",
                b"a",
                b" ",
                b"\n",
                b"\r",
                b"\xff",
                b"\xef\xbb\xbf",
                b"NaN",
                b"-ref",
            ]
        ),
        max_size=60,
    )
)
def test_json_like_noise_never_crashes(parts: list[bytes]) -> None:
    _scan(b"".join(parts), ["a-ref"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_any_json_object_line_is_accepted_and_returned(value: dict[str, Any]) -> None:
    line = orjson.dumps(value) + b"\n"
    findings: list[Finding] = []
    top = LineChecker("x", findings.append).check(1, line)
    assert top is not None
    assert list(top) == list(value)
    assert {k: orjson.loads(bytes(raw)) for k, raw in top.items()} == value
    assert [f.code for f in findings if f.code[:4] == "AM10" or f.code == "AM112"] == []
