"""Streaming a file frames clean chunks in bulk; the bytes equal the line-by-line path's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augman
from augman.inputs import lines as input_lines
from augman.inputs import sources

VALUES = [
    b"1", b"-2.50e3", b"true", b"null", b'""', b'"plain"', b'"caf\xc3\xa9"', b'"esc\\"aped\\n"',
    b'"\\u00e9"', b"[1,2]", b"[1, 2]", b'{"a":{"b":[1]}}', b'{ "a" : 1 }', b"[]", b"{}",
]  # fmt: skip


class Sink:
    def __init__(self) -> None:
        self.data = bytearray()

    def epoch(self, index: int) -> Any:
        @contextlib.contextmanager
        def output() -> Iterator[Any]:
            yield self

        return output()

    def write(self, data: bytes) -> None:
        self.data += data

    def flush(self) -> None:
        pass


def _stream(
    path: Path, live: bool, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[bytes, Any]:
    monkeypatch.setattr(sources, "is_live", lambda _: live)
    sink = Sink()
    try:
        result: Any = augman.stream(str(path), sink, attrs=["a", "b"], **options)
    except augman.AugmanError as exc:
        result = str(exc)
    return bytes(sink.data), result


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(VALUES), st.sampled_from(VALUES), st.integers(0, 9)), max_size=30
    ),
    st.sampled_from(["recordio", "none"]),
    st.sampled_from(["text", "json"]),
    st.sampled_from(["stop", "skip"]),
    st.integers(1, 5),
)
def test_bulk_frames_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[tuple[bytes, bytes, int]],
    wrap: str, encoding: str, on_error: str, chunk: int,
) -> None:  # fmt: skip
    monkeypatch.setattr(input_lines, "CHUNK_LINES", chunk)
    lines = []
    for a, b, kind in rows:
        if kind == 0:
            lines.append(b'{"a":' + a + b"}")  # b missing: a bad line
        elif kind == 1:
            lines.append(b"[" + a + b"]")  # not an object
        else:
            lines.append(b'{"a":' + a + b',"b":' + b + b"}")
    path = tmp_path / "m.manifest"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    options = {"wrap": wrap, "value_encoding": encoding, "on_error": on_error}
    assert _stream(path, False, monkeypatch, **options) == _stream(
        path, True, monkeypatch, **options
    )


def test_a_file_takes_the_bulk_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from augman.streaming import columns

    calls: list[int] = []
    frame = columns.frame
    monkeypatch.setattr(
        columns, "frame", lambda tops, *a: calls.append(len(tops)) or frame(tops, *a)
    )
    path = tmp_path / "m.manifest"
    path.write_bytes(b'{"a":1,"b":"x"}\n' * 3000)
    data, result = _stream(path, False, monkeypatch)
    assert calls == [1024, 1024, 952]
    assert result.lines == 3000 and data.count(b"\x0a\x23\xd7\xce") == 6000
