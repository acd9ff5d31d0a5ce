"""RecordIO, the framing SageMaker uses with ``RecordWrapperType=RecordIO``.

Each record: little-endian uint32 magic ``0xCED7230A``, uint32 ``lrec`` (cflag in the
top 3 bits, payload length in the low 29), the payload, then zero bytes up to a
multiple of 4. The writer always emits cflag 0 and never escapes an embedded magic
word, byte for byte as the SageMaker Python SDK's ``_write_recordio`` does (spec
section 2.3); payloads of 2**29 bytes or more cannot be framed in one record.
"""

from __future__ import annotations

import struct

MAGIC = 0xCED7230A
MAX_LENGTH = (1 << 29) - 1
_HEADER = struct.Struct("<II")
_PADDING = (b"", b"\x00\x00\x00", b"\x00\x00", b"\x00")


class RecordTooLarge(ValueError):
    """A payload of 2**29 bytes or more: the 29-bit length field cannot hold it."""


def header(length: int) -> bytes:
    """The 8-byte header of a complete (cflag 0) record of ``length`` payload bytes."""
    if length > MAX_LENGTH:
        raise RecordTooLarge(
            f"payload of {length:,} bytes exceeds the RecordIO limit of {MAX_LENGTH:,} bytes"
        )
    return _HEADER.pack(MAGIC, length)


def padding(length: int) -> bytes:
    """The zero bytes that follow a payload of ``length`` bytes (0 to 3 of them)."""
    return _PADDING[length & 3]


def encode(payload: bytes) -> bytes:
    """One complete RecordIO record holding ``payload``."""
    return header(len(payload)) + payload + padding(len(payload))


def encode_into(buffer: bytearray, payload: bytes) -> None:
    """Append one record holding ``payload`` to ``buffer`` (the streaming hot path)."""
    buffer += header(len(payload))
    buffer += payload
    buffer += _PADDING[len(payload) & 3]
