"""Lines in groups: chunks of consecutive lines, and the lines of one byte range of a file.

Every manifest line is cut here, and only here, so one limit holds everywhere: a line
longer than ``max_line`` bytes (not counting its newline) is never held in memory. It
is read past in blocks and stands in the output as a :class:`LongLine`, which the line
checker reports as AM115 ``line-too-long``; the next line is read as usual.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import IO, TypeVar

CHUNK_LINES = 1024  # lines the scan engine checks at once
ARRIVING_BYTES = 1 << 20  # at most this much is taken from a pipe at once
BLOCK_BYTES = 1 << 15  # a file is read in blocks of this much (a few hundred lines)
MAX_LINE_BYTES = 64 << 20  # the default limit on one line (its newline not counted)
T = TypeVar("T")


class LongLine(bytes):
    """A line over ``limit`` bytes, read past and not kept; ``length`` counts its newline.

    Its own bytes are only the line's newline (or nothing, at the end of a file without
    one), which no JSON decoder accepts, so every check sends it to the exact path.
    """

    length: int
    limit: int

    @classmethod
    def of(cls, length: int, limit: int, newline: bool) -> LongLine:
        line = cls(b"\n" if newline else b"")
        line.length, line.limit = length, limit
        return line

    def __reduce__(self) -> tuple[object, ...]:  # for --jobs workers' results
        return LongLine.of, (self.length, self.limit, self.endswith(b"\n"))


def is_too_long(line: bytes, limit: int) -> bool:
    """Whether ``line`` (with its newline, if any) is over ``limit`` bytes without it."""
    return len(line) - line.endswith(b"\n") > limit


def bytes_in(lines: list[bytes]) -> int:
    """How many bytes ``lines`` held in the input, the too-long ones read past included."""
    total = sum(map(len, lines))
    if LongLine in set(map(type, lines)):
        total += sum(line.length - len(line) for line in lines if type(line) is LongLine)
    return total


def chunks(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """Lists of up to ``size`` (default ``CHUNK_LINES``) consecutive items."""
    iterator, size = iter(items), size or CHUNK_LINES
    while chunk := list(islice(iterator, size)):
        yield chunk


def line_chunks(
    stream: IO[bytes], max_line: int = MAX_LINE_BYTES, *, live: bool = False
) -> Iterator[list[bytes]]:
    """The lines of ``stream`` in chunks: of ``CHUNK_LINES``, or from a pipe, as they arrive."""
    if live:
        return arriving(stream, max_line=max_line)
    return chunks(lines_of(stream, max_line))


def lines_of(stream: IO[bytes], max_line: int = MAX_LINE_BYTES) -> Iterator[bytes]:
    """The lines of ``stream`` one by one (a too-long one as a :class:`LongLine`)."""
    return chain.from_iterable(_whole_lines(_blocks(stream, BLOCK_BYTES), max_line))


def arriving(
    stream: IO[bytes], size: int | None = None, max_line: int = MAX_LINE_BYTES
) -> Iterator[list[bytes]]:
    """Chunks of the complete lines that have arrived on ``stream`` (a pipe, a FIFO).

    Never waits for more input while it holds a whole line: each read takes what is
    there (``read1``), so a fast producer gives chunks of many lines and a slow one
    chunks of one, each as soon as it arrived. A last line without a newline comes
    at the end of the input.
    """
    size = size or CHUNK_LINES
    for lines in _whole_lines(_blocks(stream, ARRIVING_BYTES), max_line):
        for start in range(0, len(lines), size):
            yield lines[start : start + size]


def range_lines(
    handle: IO[bytes], start: int, end: int, block: int = 1 << 23, max_line: int = MAX_LINE_BYTES
) -> Iterator[bytes]:
    """The lines of ``handle`` in the byte range ``[start, end)``, read in large blocks."""
    handle.seek(start)

    def blocks() -> Iterator[bytes]:
        left = end - start
        while left > 0 and (data := handle.read(min(block, left))):
            left -= len(data)
            yield data

    return chain.from_iterable(_whole_lines(blocks(), max_line))


def read_line(handle: IO[bytes], max_line: int = MAX_LINE_BYTES) -> bytes:
    """The next line of ``handle``, or a :class:`LongLine` after reading past one."""
    line = handle.readline(max_line + 1)
    if line.endswith(b"\n") or len(line) <= max_line:
        return line
    length = len(line)
    while (more := handle.readline(ARRIVING_BYTES)) and not more.endswith(b"\n"):
        length += len(more)
    return LongLine.of(length + len(more), max_line, more.endswith(b"\n"))


def _blocks(stream: IO[bytes], size: int) -> Iterator[bytes]:
    read = getattr(stream, "read1", stream.read)  # what has arrived, never waiting for more
    return iter(lambda: read(size), b"")


def _whole_lines(blocks: Iterable[bytes], max_line: int) -> Iterator[list[bytes]]:
    """The whole lines of each block, a line cut by a block's end joined to its rest.

    Lines split on b"\n" only, unlike ``bytes.splitlines``; a last line without a
    newline comes at the end.
    """
    cutter = _Cutter(max_line)
    for data in blocks:
        if lines := cutter.cut(data):
            yield lines
    if last := cutter.end():
        yield last


class _Cutter:
    """Cuts blocks into lines. The start of a line is held until its end comes only while
    it is within ``max_line``; past that its bytes are counted, not kept."""

    def __init__(self, max_line: int) -> None:
        self.max_line = max_line
        self.held: list[bytes] = []  # the start of a line cut by blocks' ends
        self.held_bytes = 0
        self.skipped = 0  # bytes of a too-long line read past so far

    def cut(self, data: bytes) -> list[bytes]:
        """The lines that ``data`` completes."""
        first: list[bytes] = []
        if self.skipped:
            end = data.find(b"\n") + 1
            if not end:
                self.skipped += len(data)
                return first
            first.append(LongLine.of(self.skipped + end, self.max_line, True))
            self.skipped, data = 0, data[end:]
        if self.held and b"\n" in data:
            data = b"".join([*self.held, data])
            self.held, self.held_bytes = [], 0
        lines = list(io.BytesIO(data))  # the last one may be cut by the block's end
        if data and not data.endswith(b"\n"):
            self._hold(lines.pop())
        lines = _capped(lines, self.max_line) if lines else lines
        return first + lines if first else lines

    def _hold(self, rest: bytes) -> None:
        if self.held_bytes + len(rest) > self.max_line:
            self.skipped, self.held, self.held_bytes = self.held_bytes + len(rest), [], 0
        else:
            self.held.append(rest)
            self.held_bytes += len(rest)

    def end(self) -> list[bytes]:
        """The last line, when the input does not end with a newline."""
        if self.skipped:
            return [LongLine.of(self.skipped, self.max_line, False)]
        return [b"".join(self.held)] if self.held else []


def _capped(lines: list[bytes], max_line: int) -> list[bytes]:
    """``lines`` with each one over ``max_line`` bytes replaced by a :class:`LongLine`."""
    if max(map(len, lines)) <= max_line + 1:  # one C pass: nearly always the end of it
        return lines
    return [
        LongLine.of(len(line), max_line, line.endswith(b"\n"))
        if is_too_long(line, max_line)
        else line
        for line in lines
    ]
