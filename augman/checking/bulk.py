"""Clean lines in bulk: the hot path of ``validate``, with no Python bytecode per clean line.

A chunk of lines is decoded with ``map`` (C loops calling msgspec), and every check is
done once for the whole chunk: UTF-8, escapes and line endings on the joined bytes,
key sets with a ``Counter``, repeated keys by comparing the chunk's length with the
compact length of what was decoded, ``-ref`` values with one regular expression over
all of them. Only when the whole chunk passes is it accepted here, with no finding;
any doubt sends the chunk line by line through :meth:`LineChecker.check`, which
reports exactly. Both paths give the same findings, counts and key-set tallies.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from operator import itemgetter
from typing import IO, TypeVar

from msgspec import Raw

from augman.checking.lines import (
    DECODE_ERRORS,
    EMPTY_VALUES,
    LINES_PER_SHAPE,
    MAX_GOOD_BUCKETS,
    LineChecker,
    Shape,
    Top,
)  # fmt: skip
from augman.checking.lines import decode_top as decode
from augman.inputs.s3uri import MAX_URI_LENGTH

CHUNK_LINES = 1024
T = TypeVar("T")


def check_lines(checker: LineChecker, lines: Iterable[bytes], first: int = 1) -> tuple[int, bytes]:
    """Check every line, in chunks; return the number of lines and the last one."""
    count, last = 0, b""
    for chunk in chunks(lines):
        check_chunk(checker, first + count, chunk)
        count += len(chunk)
        last = chunk[-1]
    return count, last


def chunks(lines: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """Lists of up to ``size`` (default ``CHUNK_LINES``) consecutive items."""
    iterator, size = iter(lines), size or CHUNK_LINES
    while chunk := list(islice(iterator, size)):
        yield chunk


def range_lines(handle: IO[bytes], start: int, end: int, block: int = 1 << 23) -> Iterator[bytes]:
    """The lines of ``handle`` in the byte range ``[start, end)``, read in large blocks."""
    handle.seek(start)
    carry = b""
    while start < end:
        data = handle.read(min(block, end - start))
        if not data:
            break
        start += len(data)
        buffer = carry + data
        cut = buffer.rfind(b"\n") + 1
        yield from io.BytesIO(buffer[:cut])  # splits on b"\n" only, unlike bytes.splitlines
        carry = buffer[cut:]
    if carry:
        yield carry


def check_chunk(checker: LineChecker, first: int, lines: list[bytes]) -> list[Top | None]:
    """Check consecutive lines numbered from ``first``; return each line's object or None."""
    tops = accept(checker, range(first, first + len(lines)), lines)
    if tops is not None:
        return list(tops)
    return [checker.check(first + i, line) for i, line in enumerate(lines)]


def accept(checker: LineChecker, numbers: Sequence[int], lines: list[bytes]) -> list[Top] | None:
    """The chunk's objects when every line is clean (tallied, no finding), else None.

    On None nothing was counted: check the lines one by one with ``checker.check``.
    """
    try:
        tops: list[Top] = list(map(decode, lines))
    except DECODE_ERRORS:
        return None
    blob = b"".join(lines)
    if b"\r" in blob or not _utf8(blob):
        return None
    if b"\\" in blob and (b"\\ud" in blob or b"\\uD" in blob):  # memchr first: escapes are rare
        return None
    counts = Counter(map(tuple, tops))
    shapes = [(checker.shape_of(keys), n) for keys, n in counts.items()]
    if any(shape.missing or shape.order for shape, _ in shapes):
        return None
    if not _compact(lines, blob, tops, shapes) or not _values_ok(checker, tops, shapes):
        return None
    _tally(checker, numbers, tops, zip(counts, shapes, strict=True))
    return tops


def _utf8(blob: bytes) -> bool:
    if blob.isascii():
        return True
    try:
        blob.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _compact(
    lines: list[bytes], blob: bytes, tops: list[Top], shapes: list[tuple[Shape, int]]
) -> bool:
    """Every line is its object written compactly, so no line repeats a key.

    Each line is at least as long as the compact form of what it decodes to (plus
    its newline); equal totals mean every line is exactly that long.
    """
    newlines = len(lines) - (not lines[-1].endswith(b"\n"))
    values = sum(map(len, chain.from_iterable(map(dict.values, tops))))  # type: ignore[arg-type]
    keys = sum(shape.compact_length * n for shape, n in shapes)
    return len(blob) == newlines + values + keys


def _values_ok(checker: LineChecker, tops: list[Top], shapes: list[tuple[Shape, int]]) -> bool:
    everywhere = set.intersection(*(set(shape.selected) | set(shape.refs) for shape, _ in shapes))
    refs = set(chain.from_iterable(shape.refs for shape, _ in shapes))
    if refs - everywhere:
        return False  # a -ref key on some lines only: let the line path look
    selected = set(chain.from_iterable(shape.selected for shape, _ in shapes))
    for key in selected:
        values = list(map(itemgetter(key), tops))
        if min(map(len, values)) <= 4 and not EMPTY_VALUES.isdisjoint(map(bytes, values)):
            return False
    return all(_refs_ok(checker, list(map(itemgetter(key), tops))) for key in refs)


def _refs_ok(checker: LineChecker, values: list[Raw]) -> bool:
    """All values are '"s3://<a bucket already found valid>/<key not ending in />"'."""
    pattern = _pattern(tuple(checker.good_buckets))
    joined = b"\n".join(values) + b"\n"  # Raw is a buffer: no copies
    return pattern is not None and pattern.fullmatch(joined) is not None


_PATTERNS: dict[tuple[str, ...], re.Pattern[bytes] | None] = {}


def _pattern(buckets: tuple[str, ...]) -> re.Pattern[bytes] | None:
    if buckets not in _PATTERNS:
        if not buckets or len(buckets) > MAX_GOOD_BUCKETS:
            _PATTERNS[buckets] = None
        else:
            # a key: no quote, backslash or newline; not ending in '/'; the URI at most
            # MAX_URI_LENGTH bytes (characters <= bytes, so this never passes a long one)
            one = rb"|".join(
                rb'"s3://%s/[^"\\\n]{0,%d}[^"\\\n/]"'
                % (re.escape(b.encode()), MAX_URI_LENGTH - len("s3:///") - len(b) - 1)
                for b in buckets
            )
            _PATTERNS[buckets] = re.compile(rb"(?:(?:%s)\n)*" % one)
    return _PATTERNS[buckets]


def _tally(
    checker: LineChecker, numbers: Sequence[int], tops: list[Top],
    shapes: Iterable[tuple[tuple[str, ...], tuple[Shape, int]]],
) -> None:  # fmt: skip
    checker.objects += len(tops)
    for keys, (shape, n) in shapes:
        if shape.count < LINES_PER_SHAPE:
            found = (n for n, top in zip(numbers, tops, strict=True) if tuple(top) == keys)
            shape.lines.extend(islice(found, LINES_PER_SHAPE - shape.count))
        shape.count += n
