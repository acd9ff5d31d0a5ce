"""What is in a RecordIO stream: one row per record, with its line, attribute, type and preview.

This is the other end of ``augman stream``: it shows exactly what a training
container reads from the pipe. Records are read as they arrive, so rows can be
shown while a writer is still filling a FIFO.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from augman.checking.attrnames import check_attribute_names
from augman.errors import DataError, SinkError
from augman.inputs.sources import open_source
from augman.options import Join
from augman.recordio.codec import CorruptStream, Record, decode

PREVIEW_LENGTH = 60
EXTENSIONS = {
    "jpeg": "jpg", "png": "png", "gif": "gif", "json": "json", "text": "txt",
    "binary": "bin", "empty": "bin",
}  # fmt: skip
_PNG = b"\x89PNG\r\n\x1a\n"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
# Control characters would move the cursor or colour the terminal: show them escaped.
_ESCAPES = {i: f"\\x{i:02x}" for i in (*range(32), *range(127, 160))} | {
    9: "\\t", 10: "\\n", 13: "\\r",
}  # fmt: skip


def terminal_safe(text: str) -> str:
    """``text`` with control characters (C0, DEL, C1: ESC sequences) shown escaped."""
    return text.translate(_ESCAPES)


@dataclass(frozen=True)
class DumpRow:
    """One record of a stream, described.

    ``record`` counts from 1. With AttributeNames, ``line`` (1-based) and
    ``attribute`` say which manifest line and attribute the record stands for.
    ``kind`` is the sniffed type: jpeg, png, gif, json, text, binary or empty.
    ``file`` is where the payload was written (``raw_dir``), if anywhere.
    """

    record: int
    offset: int
    length: int
    kind: str
    preview: str
    parts: int = 1
    line: int | None = None
    attribute: str | None = None
    file: str | None = None


def rows(
    stream: str = "-",
    *,
    attrs: Sequence[str] | None = None,
    join: Join = Join.concat,
    raw_dir: str | Path | None = None,
    s3_client: Callable[[], Any] | None = None,
) -> Iterator[DumpRow]:
    """Yield one :class:`DumpRow` per record of the RecordIO ``stream`` as it is read.

    ``stream`` is a path (a FIFO works), ``-`` for stdin, or ``s3://bucket/key``.
    ``attrs`` is the AttributeNames the stream was written with, which gives each
    record its line and attribute. ``join`` is how split records are joined
    (:func:`augman.recordio.codec.decode`). ``raw_dir`` receives each payload as a file
    such as ``000001-source-ref.jpg``. Raises :class:`augman.recordio.codec.CorruptStream`
    at a torn or corrupt record (after the rows before it), and
    :class:`augman.errors.DataError` when the stream ends in the middle of a line.
    """

    names = check_attribute_names(attrs) if attrs is not None else None
    directory = _raw_directory(raw_dir) if raw_dir is not None else None
    count = 0
    with open_source(stream, s3_client) as source:
        try:
            for count, record in enumerate(decode(source.stream, join=join.value), 1):
                yield _row(count, record, names, directory)
        except CorruptStream as exc:
            raise exc.in_source(source.name) from None
    if names and count % len(names):
        raise _mid_line(source.name, count, names)


def sniff(payload: bytes) -> str:
    """The payload's type: jpeg, png, gif (by magic bytes), json (parses), text, binary, empty."""
    if not payload:
        return "empty"
    if payload.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if payload.startswith(_PNG):
        return "png"
    if payload[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    try:
        orjson.loads(payload)
        return "json"
    except orjson.JSONDecodeError:
        pass
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return "binary"
    return "text" if text.translate(_WHITESPACE).isprintable() else "binary"


_WHITESPACE = dict.fromkeys(map(ord, "\t\n\r"))


def preview(payload: bytes, kind: str) -> str:
    """A short, terminal-safe description of the payload's content."""
    if kind in ("json", "text"):
        return _shorten(
            payload[: PREVIEW_LENGTH * 4].decode("utf-8", "replace").translate(_ESCAPES)
        )
    size = _image_size(payload, kind)
    if size:
        return f"{kind.upper()} {size[0]}x{size[1]}"
    return _shorten(payload[:20].hex(" "))


def _shorten(text: str) -> str:
    return text if len(text) <= PREVIEW_LENGTH else text[: PREVIEW_LENGTH - 1] + "…"


def _image_size(payload: bytes, kind: str) -> tuple[int, int] | None:
    if kind == "png" and len(payload) >= 24:
        return struct.unpack(">II", payload[16:24])  # type: ignore[return-value]
    if kind == "gif" and len(payload) >= 10:
        return struct.unpack("<HH", payload[6:10])  # type: ignore[return-value]
    if kind == "jpeg":
        return _jpeg_size(payload)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the first start-of-frame segment (SOF0-SOF15, not DHT/JPG/DAC)."""
    at = 2
    while at + 9 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return width, height
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return None


def _row(number: int, record: Record, names: tuple[str, ...] | None, raw: Path | None) -> DumpRow:
    kind = sniff(record.payload)
    line = attribute = None
    if names:
        line, index = divmod(number - 1, len(names))
        line, attribute = line + 1, names[index]
    file = _write_raw(raw, number, attribute, kind, record.payload) if raw else None
    return DumpRow(
        number, record.offset, len(record.payload), kind, preview(record.payload, kind),
        record.parts, line, attribute, file,
    )  # fmt: skip


def _raw_directory(raw_dir: str | Path) -> Path:
    directory = Path(raw_dir)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(f"{directory}: cannot create the --raw directory: {exc.strerror}") from None
    return directory


def _write_raw(directory: Path, number: int, attribute: str | None, kind: str, data: bytes) -> str:
    name = f"{number:06d}"
    if attribute:
        name += "-" + _UNSAFE_NAME.sub("_", attribute)
    path = directory / f"{name}.{EXTENSIONS[kind]}"
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise SinkError(f"{path}: cannot write the payload: {exc.strerror}") from None
    return str(path)


def _mid_line(name: str, count: int, names: tuple[str, ...]) -> DataError:
    done = count % len(names)
    return DataError(
        f"{name}: the stream ended mid-line: {count} records is not a multiple of "
        f"{len(names)} attributes; line {count // len(names) + 1} has only "
        f"{', '.join(names[:done])} (missing {', '.join(names[done:])})",
        "the writer stopped early, or --attrs does not match the attributes it streamed",
    )
