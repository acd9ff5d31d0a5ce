"""The scan engine gives exactly what the per-line path gives: findings, objects, tallies."""

from __future__ import annotations

import io
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from augman.checking.scan import Scanner
from augman.inputs.lines import range_lines

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
    # spacing as json.dumps and other writers put it, with and without repeated keys
    b'{"source-ref": "s3://my-bucket/a.jpg", "class": 1, "class": 2}\n',
    b'{ "source-ref" : "s3://my-bucket/a.jpg" ,\t"class" : [1, {"x": "y z"}] }\n',
    b'{"source-ref": "s3://my-bucket/a.jpg", "class": {"a": 1, "a": 2}}\n',
    b'{"source-ref": "s3://my-bucket/a.jpg", "class": "say \\"hi\\""}\n',
    # keys that hold quotes or escapes, and an object with no keys
    b'{"source-ref":"s3://my-bucket/a.jpg","cl\\"ass":1,"cl\\"ass":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","a\\u0022\\u0022":1,"class":2,"class":3}\n',
    b'{"\\u0063lass":1,"source-ref":"s3://my-bucket/a.jpg"}\n',
    b"{}\n",
    b"{ }\n",
    # buckets: plain ones of every kind, dotted, an IP address, reserved prefixes, too long
    b'{"source-ref":"s3://b-2.example.com/k.jpg","class":1}\n',
    b'{"source-ref":"s3://192.168.1.1/k.jpg","class":1}\n',
    b'{"source-ref":"s3://1.2.3/k.jpg","class":1}\n',
    b'{"source-ref":"s3://xn--bucket/k.jpg","class":1}\n',
    b'{"source-ref":"s3://sthree-b/k.jpg","class":1}\n',
    b'{"source-ref":"s3://ab/k.jpg","class":1}\n',
    b'{"source-ref":"s3://' + b"b" * 63 + b"/" + b"k" * 955 + b'","class":1}\n',
    b'{"source-ref":"s3://' + b"b" * 63 + b"/" + b"k" * 956 + b'","class":1}\n',
    b'{"source-ref":"s3://a..b/k.jpg","class":1}\n',
    b'{"source-ref":"s3://bucket-/k.jpg","class":1}\n',
    b'{"source-ref":"s3://b/k/","class":1}\n',
    b'{"source-ref":"s3://bucket","class":1}\n',
    b'{"source-ref":"s3://bucket/","class":1}\n',
    b'{"source-ref":"S3://bucket/k","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1,"mask-ref":"s3://m.b/x.png"}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1,"mask-ref":null}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":[]}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":[ ]}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":{ \t }}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":[ 1 ]}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":{}}\n',
    b'\xef\xbb\xbf{"source-ref":"s3://my-bucket/a.jpg","class":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":NaN}\n',
    # a key of 600 characters but 1,200 bytes; a look-alike of the key in a value and nested
    b'{"source-ref":"s3://my-bucket/' + "\u00e9".encode() * 600 + b'","class":1}\n',
    b'{"note":"source-ref","m":{"source-ref":1},"source-ref":"S3://b/k","class":1}\n',
    # numbers beyond float range are valid JSON; surrogate pairs are fine, lone halves not
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1e400}\n',
    b'{"source-ref":-1e400,"class":1}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":"\\ud83d\\ude00"}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1e400,"x":"\\ude00"}\n',
    b'{"source-ref":"s3://my-bucket/a.jpg","class":1e400,"x":"\\\\ud83d"}\n',
]


def _run(lines: list[bytes], attrs: Any, bulk: bool, size: int) -> tuple[Any, ...]:
    scanner = Scanner("m", attrs)
    per_line: list[tuple[int, Any, list[Any]]] = []
    if bulk:
        for chunk in scanner.scan_stream(lines, size):
            assert len(chunk.tops) == len(chunk.lines)
            for i, number in enumerate(chunk.numbers):
                found = chunk.findings.get(i, [])
                top = None if i in chunk.rejected else chunk.tops[i]
                per_line.append((number, _plain(top), found))
        found_at_end = scanner.finish()
    else:
        for number, line in enumerate(lines, 1):
            top, found = scanner.check_line(number, line)
            per_line.append((number, _plain(top), found))
        found_at_end = scanner.finish_at(len(lines), lines[-1] if lines else b"")
    checker = scanner.checker
    shapes = {k: (s.count, s.lines) for k, s in checker.shapes.items()}
    return per_line, found_at_end, checker.objects, checker.crlf_lines, shapes


def _plain(top: Any) -> Any:
    return None if top is None else [(key, bytes(value)) for key, value in top.items()]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(POOL), max_size=40),
    st.sampled_from([None, ["source-ref", "class"], ["class", "source-ref"], ["mask-ref"]]),
    st.integers(1, 12),
    st.booleans(),
)
def test_scan_and_line_paths_agree(
    lines: list[bytes], attrs: Any, size: int, cut_last: bool
) -> None:
    if lines and cut_last:
        lines[-1] = lines[-1].rstrip(b"\n")
    assert _run(lines, attrs, True, size) == _run(lines, attrs, False, size)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(POOL), min_size=20, max_size=150),
    st.sampled_from([None, ["source-ref", "class"]]),
    st.integers(13, 150),
)
def test_large_chunks_agree_with_the_line_path(lines: list[bytes], attrs: Any, size: int) -> None:
    assert _run(lines, attrs, True, size) == _run(lines, attrs, False, size)


def _spaced(i: int) -> bytes:
    keys = ["source-ref", "class", "class-metadata"][: 1 + i % 3]  # key sets vary per line
    record = {"source-ref": f"s3://bucket-{i % 7}/img/{i}.jpg", "class": i % 5,
              "class-metadata": {"class-name": "a b", "confidence": 0.5}}  # fmt: skip
    return json.dumps({k: record[k] for k in keys}).encode() + b"\n"


def test_spaced_lines_with_varying_keys_and_defects_stay_on_the_fast_path() -> None:
    lines = [_spaced(i) for i in range(3000)]
    for i in range(0, 3000, 100):  # 1% bad lines: a repeated key, invalid JSON, a bad URI
        lines[i] = [b'{"class": 1, "class": 2}\n', b"{oops\n", b'{"source-ref": "s3:/x"}\n'][
            i // 100 % 3
        ]
    scanner = Scanner("m")
    scans = list(scanner.scan_stream(lines))
    assert sum(len(scan.rejected) for scan in scans) == 30  # each of them is an error
    assert scanner.exact_lines <= 40  # the 30 odd lines and a few that look like them
    assert scanner.bulk_lines + scanner.exact_lines == 3000


def test_many_buckets_dotted_or_not_are_checked_in_bulk() -> None:
    lines = [
        b'{"source-ref":"s3://b%d.example-%d/%d.jpg","class":%d}\n' % (i % 300, i % 7, i, i % 3)
        for i in range(3000)
    ]
    lines[1500] = b'{"source-ref":"s3://10.0.0.1/x.jpg","class":1}\n'  # an IP address: AM303
    scanner = Scanner("m", ["source-ref", "class"])
    scans = list(scanner.scan_stream(lines))
    assert [scan.findings[i][0].code for scan in scans for i in scan.findings] == ["AM303"]
    assert scanner.exact_lines < 1024  # the values of that one chunk that look like it, at most
    assert scanner.bulk_lines + scanner.exact_lines == 3000


def test_range_lines_splits_only_on_newlines() -> None:
    data = b"a\rb\n" + b"c" * 100 + b"\nd\n\ne"
    handle = io.BytesIO(data)
    assert list(range_lines(handle, 0, len(data), block=7)) == [
        b"a\rb\n",
        b"c" * 100 + b"\n",
        b"d\n",
        b"\n",
        b"e",
    ]
    assert list(range_lines(handle, 4, 105, block=3)) == [b"c" * 100 + b"\n"]


BUCKETS = [f"b{i}.example" for i in range(80)] + ["10.0.0.1", "xn--b", "a..b", "Bad", "ab"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(BUCKETS), st.sampled_from(["k.jpg", "", "k/", "k\\\\/x"])),
        min_size=70,
        max_size=300,
    ),
    st.integers(50, 300),
)
def test_many_buckets_agree_with_the_line_path(refs: list[tuple[str, str]], size: int) -> None:
    lines = [b'{"source-ref":"s3://%s/%s"}\n' % (b.encode(), k.encode()) for b, k in refs]
    assert _run(lines, None, True, size) == _run(lines, None, False, size)
