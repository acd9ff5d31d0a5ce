"""The bulk path gives exactly what the line-by-line path gives: findings, counts, tallies."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from augman.checking import bulk as batch
from augman.checking.findings import Finding
from augman.checking.lines import LineChecker

POOL = [
    b'{"source-ref":"s3://my-bucket/a/1.jpg","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a/2.jpg","class":0,"class-metadata":{"confidence":0.5}}\n',
    b'{"source-ref":"s3://other.bucket/x y%20z+.png","class":"2"}\n',
    b'{"source-ref":"s3://my-bucket/folder/","class":1}\n',
    b'{"source-ref":"s3:/my-bucket/a.jpg","class":1}\n',
    b'{"source-ref":"s3://My_Bucket/a.jpg","class":1}\n',
    b'{"source-ref":42,"class":1}\n',
    b'{"source-ref":"s3://my-bucket/' + b"k" * 1100 + b'","class":1}\n',
    b'{"source-ref":"s3://my-bucket/' + b"k" * 1000 + b'","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":null}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":""}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg"}\n',
    b'{"class":1,"source-ref":"s3://my-bucket/a.jpg"}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1,"class":2}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1,"class":1}\n',
    b'{"source-ref": "s3://my-bucket/a.jpg", "class": 1}\n',
    b'{"source-ref":"s3://my-bucket/caf\xc3\xa9.jpg","class":1}\n',
    b'{"source-ref":"s3://my-bucket/caf\xe9.jpg","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a\\/b.jpg","class":1}\n',
    b'{"source":"\\ud83d","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1}\r\n',
    b'{"label-ref":"s3://my-bucket/l.png","source-ref":"s3://my-bucket/a.jpg","class":3}\n',
    b'{"source":"text","class":1}\n',
    b"[1,2]\n",
    b"\n",
    b"{oops\n",
    b'{"a":1} {"b":2}\n',
]


def _run(lines: list[bytes], attrs: Any, bulk: bool, size: int) -> tuple[Any, ...]:
    findings: list[Finding] = []
    checker = LineChecker("m", findings.append, attrs)
    if bulk:
        count, last = 0, b""
        for chunk in batch.chunks(lines, size):
            tops = batch.check_chunk(checker, count + 1, chunk)
            assert len(tops) == len(chunk)
            count, last = count + len(chunk), chunk[-1]
    else:
        for n, line in enumerate(lines, 1):
            checker.check(n, line)
        count, last = len(lines), lines[-1] if lines else b""
    checker.finish(count, last)
    shapes = {k: (s.count, s.lines) for k, s in checker.shapes.items()}
    return findings, checker.objects, checker.crlf_lines, shapes


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(POOL), max_size=40),
    st.sampled_from([None, ["source-ref", "class"]]),
    st.integers(1, 12),
    st.booleans(),
)
def test_bulk_and_line_paths_agree(
    lines: list[bytes], attrs: Any, size: int, cut_last: bool
) -> None:
    if lines and cut_last:
        lines[-1] = lines[-1].rstrip(b"\n")
    assert _run(lines, attrs, True, size) == _run(lines, attrs, False, size)


def test_clean_chunks_take_the_bulk_path() -> None:
    lines = [b'{"source-ref":"s3://my-bucket/%d.jpg","class":%d}\n' % (i, i % 3) for i in range(50)]
    checker = LineChecker("m", lambda f: None, ["source-ref", "class"])
    assert batch.accept(checker, range(1, 11), lines[:10]) is None  # no bucket known good yet
    batch.check_chunk(checker, 1, lines[:10])
    assert batch.accept(checker, range(11, 51), lines[10:]) is not None


def test_range_lines_splits_only_on_newlines() -> None:
    data = b"a\rb\n" + b"c" * 100 + b"\nd\n\ne"
    handle = io.BytesIO(data)
    assert list(batch.range_lines(handle, 0, len(data), block=7)) == [
        b"a\rb\n",
        b"c" * 100 + b"\n",
        b"d\n",
        b"\n",
        b"e",
    ]
    assert list(batch.range_lines(handle, 4, 105, block=3)) == [b"c" * 100 + b"\n"]
