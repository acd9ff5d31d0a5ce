"""Lines in groups: chunks of consecutive lines, and the lines of one byte range of a file."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, TypeVar

CHUNK_LINES = 1024  # lines the scan engine checks at once
ARRIVING_BYTES = 1 << 20  # at most this much is taken from a pipe at once
T = TypeVar("T")


def chunks(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """Lists of up to ``size`` (default ``CHUNK_LINES``) consecutive items."""
    iterator, size = iter(items), size or CHUNK_LINES
    while chunk := list(islice(iterator, size)):
        yield chunk


def arriving(stream: IO[bytes], size: int | None = None) -> Iterator[list[bytes]]:
    """Chunks of the complete lines that have arrived on ``stream`` (a pipe, a FIFO).

    Never waits for more input while it holds a whole line: each read takes what is
    there (``read1``), so a fast producer gives chunks of many lines and a slow one
    chunks of one, each as soon as it arrived. A last line without a newline comes
    at the end of the input.
    """
    size = size or CHUNK_LINES
    read, carry = stream.read1, b""  # type: ignore[attr-defined]
    while data := read(ARRIVING_BYTES):
        data = carry + data if carry else data
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            lines = list(io.BytesIO(data[:cut]))  # splits on b"\n" only, unlike bytes.splitlines
            for start in range(0, len(lines), size):
                yield lines[start : start + size]
    if carry:
        yield [carry]


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
