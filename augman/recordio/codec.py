"""RecordIO, the framing SageMaker uses with ``RecordWrapperType=RecordIO``: writer and reader.

Each record: little-endian uint32 magic ``0xCED7230A``, uint32 ``lrec`` (cflag in the
top 3 bits, payload length in the low 29), the payload, then zero bytes up to a
multiple of 4. The writer always emits cflag 0 and never escapes an embedded magic
word, byte for byte as the SageMaker Python SDK's ``_write_recordio`` does (spec
section 2.3); payloads of 2**29 bytes or more cannot be framed in one record.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import IO, BinaryIO

from augman.errors import DataError

MAGIC = 0xCED7230A
MAX_LENGTH = (1 << 29) - 1
_HEADER = struct.Struct("<II")
_PADDING = (b"", b"\x00\x00\x00", b"\x00\x00", b"\x00")
PADDINGS = _PADDING  # by length % 4
SMALL_HEADERS = tuple(_HEADER.pack(MAGIC, n) for n in range(512))  # the common lengths, packed once


class RecordTooLarge(ValueError):
    """A payload of 2**29 bytes or more: the 29-bit length field cannot hold it.

    From :func:`encode_rows`, ``row`` and ``column`` say which payload it was.
    """

    def __init__(self, message: str, length: int = 0, row: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.length, self.row, self.column = length, row, column


def header(length: int) -> bytes:
    """The 8-byte header of a complete (cflag 0) record of ``length`` payload bytes."""
    if length > MAX_LENGTH:
        raise RecordTooLarge(too_large_message(length), length)
    return _HEADER.pack(MAGIC, length)


def too_large_message(length: int) -> str:
    return f"payload of {length:,} bytes exceeds the RecordIO limit of {MAX_LENGTH:,} bytes"


def padding(length: int) -> bytes:
    """The zero bytes that follow a payload of ``length`` bytes (0 to 3 of them)."""
    return _PADDING[length & 3]


def encode(payload: bytes) -> bytes:
    """One complete RecordIO record holding ``payload``."""
    return header(len(payload)) + payload + padding(len(payload))


def encode_rows(columns: Sequence[Sequence[bytes]]) -> bytes:
    """The records of many rows at once: row ``i`` is ``columns[0][i], columns[1][i], ...``.

    Rows follow each other in order, each row's payloads in column order: the bytes of
    :func:`encode` applied to every payload in that order, built with C-level loops.
    Raises :class:`RecordTooLarge` naming the first row (and column) that cannot be framed.
    """
    parts: list[Sequence[bytes]] = []
    for index, payloads in enumerate(columns):
        lengths = list(map(len, payloads))
        longest = max(lengths, default=0)
        if longest > MAX_LENGTH:
            row = next(i for i, n in enumerate(lengths) if n > MAX_LENGTH)
            raise RecordTooLarge(too_large_message(lengths[row]), lengths[row], row, index)
        headers = map(SMALL_HEADERS.__getitem__, lengths) if longest < 512 else map(header, lengths)
        parts += (list(headers), payloads, list(map(_PADDING.__getitem__, map(_LOW_BITS, lengths))))
    return b"".join(chain.from_iterable(zip(*parts, strict=True)))


_LOW_BITS = (3).__and__


def encode_into(buffer: bytearray, payload: bytes) -> None:
    """Append one record holding ``payload`` to ``buffer`` (the streaming hot path)."""
    buffer += header(len(payload))
    buffer += payload
    buffer += _PADDING[len(payload) & 3]


# -- reading -------------------------------------------------------------------
#
# The decoder follows lengths and never scans for the magic word, like every
# sequential reader (dmlc NextRecord, TF-ext, mlio). It checks what mlio checks
# (magic, the begin/middle/end order of split parts) and, beyond it, that each
# part's padding is present and zero (spec sections 2.1-2.3).

MAGIC_BYTES = _HEADER.pack(MAGIC, 0)[:4]
JOINS = ("concat", "dmlc")
CHUNK = 1 << 20
_FLAG_NAMES = {0: "0 (complete)", 1: "1 (begin)", 2: "2 (middle)", 3: "3 (end)"}


class CorruptStream(DataError):
    """The bytes are not a valid RecordIO stream: torn (cut off) or corrupt at ``offset``."""

    def __init__(
        self, offset: int, expected: str, found: str, hint: str | None = None, source: str = ""
    ) -> None:
        where = f"{source}: " if source else ""
        super().__init__(
            f"{where}corrupt RecordIO stream at byte {offset}: expected {expected}, found {found}",
            hint,
        )
        self.offset = offset
        self.expected = expected
        self.found = found

    def in_source(self, source: str) -> CorruptStream:
        """The same error, its message prefixed with the stream's name."""
        return CorruptStream(self.offset, self.expected, self.found, self.hint, source)


@dataclass(frozen=True)
class Record:
    """One decoded record: its payload and the byte offset of its (first) header.

    ``parts`` is 1 for a complete record (cflag 0), else the number of parts it
    was split into (cflags 1, 2..., 3).
    """

    payload: bytes
    offset: int
    parts: int = 1


def decode(stream: IO[bytes] | BinaryIO, *, join: str = "concat") -> Iterator[Record]:
    """Yield the records of a RecordIO ``stream``; raise :class:`CorruptStream` on bad bytes.

    The parts of a split record are concatenated (``join="concat"``, as TF-ext and
    mlio read them), or joined with the magic word between them (``"dmlc"``, as
    dmlc-core reads a writer's escaped magic). Records already yielded stay valid
    when a later one is corrupt. Reads whatever the stream has ready (``read1``),
    so records arrive as soon as a pipe delivers them.
    """
    if join not in JOINS:
        raise ValueError(f"join must be one of {JOINS}, not {join!r}")
    separator = MAGIC_BYTES if join == "dmlc" else b""
    reader = _Reader(stream)
    while reader.ensure(8) or reader.available:  # else a clean end, between two records
        start = reader.offset
        cflag, payload = _next_part(reader, None)
        if cflag == 0:
            yield Record(payload, start)
            continue
        parts = [payload]
        while cflag != 3:
            cflag, payload = _next_part(reader, start)
            parts.append(payload)
        yield Record(separator.join(parts), start, len(parts))


def decode_bytes(data: bytes, *, join: str = "concat") -> list[bytes]:
    """The payloads of a whole RecordIO stream held in memory (tests, small streams)."""
    return [record.payload for record in decode(io.BytesIO(data), join=join)]


class _Reader:
    """Large reads into one buffer; ``offset`` is the stream position of ``pos``."""

    def __init__(self, stream: IO[bytes] | BinaryIO) -> None:
        self._read = getattr(stream, "read1", stream.read)
        self.buf = b""
        self.pos = 0
        self.base = 0  # stream offset of buf[0]
        self.eof = False

    @property
    def offset(self) -> int:
        return self.base + self.pos

    @property
    def available(self) -> int:
        return len(self.buf) - self.pos

    def ensure(self, n: int) -> bool:
        """Make ``n`` bytes available from ``pos``; False when the stream ends first."""
        have = len(self.buf) - self.pos
        if have >= n:
            return True
        chunks = [self.buf[self.pos :]]
        while have < n and not self.eof:
            chunk = self._read(max(CHUNK, n - have))
            if not chunk:
                self.eof = True
            chunks.append(chunk)
            have += len(chunk)
        self.base += self.pos
        self.buf, self.pos = b"".join(chunks), 0
        return have >= n


def _next_part(reader: _Reader, begun: int | None) -> tuple[int, bytes]:
    """Read one header, payload and padding. ``begun``: offset of the split record, if any."""
    offset = reader.offset
    if not reader.ensure(8):
        raise _torn(offset, begun, "an 8-byte header", reader.available)
    magic, lrec = _HEADER.unpack_from(reader.buf, reader.pos)
    if magic != MAGIC:
        raise _bad_magic(offset, reader.buf[reader.pos : reader.pos + 4])
    cflag, length = lrec >> 29, lrec & MAX_LENGTH
    _check_flag(offset, cflag, begun)
    padded = length + (-length & 3)
    if not reader.ensure(8 + padded):
        raise _torn(offset + 8, begun, _body(length, padded), reader.available - 8)
    start = reader.pos + 8
    payload = reader.buf[start : start + length]
    if padded != length:
        _check_padding(offset + 8 + length, reader.buf[start + length : start + padded])
    reader.pos = start + padded
    return cflag, payload


def _check_flag(offset: int, cflag: int, begun: int | None) -> None:
    if begun is None and cflag in (0, 1):
        return
    if begun is not None and cflag in (2, 3):
        return
    found = f"cflag {_FLAG_NAMES.get(cflag, f'{cflag} (undefined)')}"
    if begun is None:
        expected = "cflag 0 (complete) or 1 (begin) at the start of a record"
    else:
        expected = f"cflag 2 (middle) or 3 (end) continuing the split record at byte {begun}"
    raise CorruptStream(offset + 4, expected, found, "the parts of a split record are out of order")


def _check_padding(offset: int, pad: bytes) -> None:
    if pad.count(0) != len(pad):
        where = offset + next(i for i, byte in enumerate(pad) if byte)
        raise CorruptStream(
            where,
            f"{len(pad)} zero padding byte(s) after the payload",
            pad.hex(" "),
            "the record lengths do not match the bytes: the stream is corrupt",
        )


def _body(length: int, padded: int) -> str:
    if padded == length:
        return f"a payload of {length} bytes"
    return f"a payload of {length} bytes and {padded - length} padding byte(s)"


def _torn(offset: int, begun: int | None, expected: str, got: int) -> CorruptStream:
    found = f"the end of the stream after {got} byte(s)" if got else "the end of the stream"
    if begun is not None and begun != offset:
        expected += f" (inside the split record at byte {begun})"
    return CorruptStream(
        offset, expected, found, "the stream was cut off: its writer stopped or was killed"
    )


def _bad_magic(offset: int, found: bytes) -> CorruptStream:
    hint = "the stream is corrupt, or a length before this point is wrong"
    if offset == 0:
        hint = "this is not RecordIO: a manifest, or a stream written with --wrap none?"
    return CorruptStream(offset, "the magic number 0a 23 d7 ce", found.hex(" "), hint)
