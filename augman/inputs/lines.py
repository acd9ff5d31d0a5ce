"""Lines in groups: chunks of consecutive lines, and the lines of one byte range of a file."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, TypeVar

CHUNK_LINES = 1024  # lines the scan engine checks at once
T = TypeVar("T")


def chunks(items: Iterable[T], size: int | None = None) -> Iterator[list[T]]:
    """Lists of up to ``size`` (default ``CHUNK_LINES``) consecutive items."""
    iterator, size = iter(items), size or CHUNK_LINES
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
