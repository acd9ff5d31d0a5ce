"""Lines in groups: chunks of consecutive lines, and the lines of one byte range of a file."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import chain, islice
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
    read = stream.read1  # type: ignore[attr-defined]
    for lines in _whole_lines(iter(lambda: read(ARRIVING_BYTES), b"")):
        for start in range(0, len(lines), size):
            yield lines[start : start + size]


def range_lines(handle: IO[bytes], start: int, end: int, block: int = 1 << 23) -> Iterator[bytes]:
    """The lines of ``handle`` in the byte range ``[start, end)``, read in large blocks."""
    handle.seek(start)

    def blocks() -> Iterator[bytes]:
        left = end - start
        while left > 0 and (data := handle.read(min(block, left))):
            left -= len(data)
            yield data

    return chain.from_iterable(_whole_lines(blocks()))


def _whole_lines(blocks: Iterable[bytes]) -> Iterator[list[bytes]]:
    """The whole lines of each block, a line cut by a block's end joined to its rest.

    Lines split on b"\n" only, unlike ``bytes.splitlines``; a last line without a
    newline comes at the end.
    """
    carry = b""
    for data in blocks:
        data = carry + data if carry else data
        cut = data.rfind(b"\n") + 1
        carry = data[cut:]
        if cut:
            yield list(io.BytesIO(data[:cut]))
    if carry:
        yield [carry]
