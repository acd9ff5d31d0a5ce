"""select on a file checks clean chunks in bulk; the output equals the line-by-line path's."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import augman
from augman.inputs import lines as input_lines
from augman.inputs import sources

POOL = [
    b'{"source-ref":"s3://my-bucket/1.jpg","class":1,"conf":0.95}',
    b'{"source-ref":"s3://my-bucket/2.jpg","class":2,"conf":0.5}',
    b'{"source-ref": "s3://my-bucket/3.jpg", "class": 0}',
    b'{"source-ref":"s3://my-bucket/4.jpg"}',
    b'{"source-ref":"s3:/bad","class":1,"conf":1}',
    b'{"class":null,"source-ref":"s3://my-bucket/5.jpg","conf":0.99}',
    b"[1]",
    b"{oops",
    b"",
]


def _select(
    path: Path, live: bool, monkeypatch: pytest.MonkeyPatch, **options: Any
) -> tuple[bytes, Any]:
    monkeypatch.setattr(sources, "is_live", lambda _: live)
    out = io.BytesIO()
    try:
        result: Any = augman.select(str(path), out, **options)
    except augman.AugmanError as exc:
        result = str(exc)
    return out.getvalue(), result


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(POOL), max_size=30),
    st.sampled_from(
        [
            {},
            {"where": "conf > `0.9`"},
            {"attrs": ["source-ref", "class"]},
            {"shuffle": True},
            {"head": 3},
            {"head": 0},
            {"shard": "1/3"},
            {"shard": "0/2", "head": 4},
            {"shard": "2/3", "head": 1},
        ]
    ),
    st.sampled_from(["stop", "skip"]),
    st.integers(1, 5),
)
def test_bulk_selects_the_same_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes], options: dict[str, Any],
    on_error: str, chunk: int,
) -> None:  # fmt: skip
    monkeypatch.setattr(input_lines, "CHUNK_LINES", chunk)
    path = tmp_path / "m.manifest"
    path.write_bytes(b"".join(line + b"\n" for line in lines))
    bulk = _select(path, False, monkeypatch, on_error=on_error, **options)
    assert bulk == _select(path, True, monkeypatch, on_error=on_error, **options)
