"""augman.dump: rows per record, sniffed types, previews, raw payload files, and stream ends."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import augman
from augman.errors import DataError, UsageError
from augman.recordio.codec import MAGIC_BYTES, CorruptStream, encode
from augman.recordio.dumping import DumpRow, preview, sniff


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + bytes(4)


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\1\1\0\0\1\0\1\0\0"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + bytes(9)
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


KINDS = [
    pytest.param(jpeg(640, 480), "jpeg", "JPEG 640x480", id="jpeg"),
    pytest.param(b"\xff\xd8\xff\xe0\x00", "jpeg", "ff d8 ff e0 00", id="jpeg-without-frame"),
    pytest.param(png(32, 16), "png", "PNG 32x16", id="png"),
    pytest.param(b"GIF89a\x10\x00\x08\x00", "gif", "GIF 16x8", id="gif"),
    pytest.param(b'{"class_id":0,"left":1}', "json", '{"class_id":0,"left":1}', id="json-object"),
    pytest.param(b"3", "json", "3", id="json-number"),
    pytest.param(b"a cat\tand\na dog", "text", "a cat\\tand\\na dog", id="text-escaped"),
    pytest.param("café".encode(), "text", "café", id="text-utf8"),
    pytest.param(b"x" * 100, "text", "x" * 59 + "…", id="text-shortened"),
    pytest.param(b"bell\x07", "binary", "62 65 6c 6c 07", id="control-chars"),
    pytest.param(b"\xff\xfe\x00", "binary", "ff fe 00", id="not-utf8"),
    pytest.param(b"", "empty", "", id="empty"),
]


@pytest.mark.parametrize(("payload", "kind", "shown"), KINDS)
def test_payloads_are_sniffed_and_previewed(payload: bytes, kind: str, shown: str) -> None:
    assert sniff(payload) == kind
    assert preview(payload, kind) == shown


def write_stream(path: Path, *payloads: bytes) -> str:
    path.write_bytes(b"".join(map(encode, payloads)))
    return str(path)


def test_rows_give_each_record_its_line_and_attribute(tmp_path: Path) -> None:
    payloads = (jpeg(2, 1), b"0", png(1, 1), b"1")
    stream = write_stream(tmp_path / "s", *payloads)
    rows = list(augman.dump(stream, attrs=["source-ref", "class"]))
    assert [(r.record, r.line, r.attribute, r.kind) for r in rows] == [
        (1, 1, "source-ref", "jpeg"),
        (2, 1, "class", "json"),
        (3, 2, "source-ref", "png"),
        (4, 2, "class", "json"),
    ]
    sizes = [len(encode(p)) for p in payloads]
    assert [r.offset for r in rows] == [sum(sizes[:i]) for i in range(4)]


def test_without_attrs_rows_have_no_line(tmp_path: Path) -> None:
    rows = list(augman.dump(write_stream(tmp_path / "s", b"a", b"b", b"c")))
    assert rows[2] == DumpRow(3, 24, 1, "text", "c")


def test_raw_payloads_are_written_with_their_type_extension(tmp_path: Path) -> None:
    stream = write_stream(tmp_path / "s", jpeg(2, 1), b"cat", b"\x00\x01", b"{}")
    rows = list(augman.dump(stream, attrs=["source-ref", "label/name"], raw_dir=tmp_path / "raw"))
    names = sorted(p.name for p in (tmp_path / "raw").iterdir())
    assert names == [
        "000001-source-ref.jpg", "000002-label_name.txt", "000003-source-ref.bin",
        "000004-label_name.json",
    ]  # fmt: skip
    assert (tmp_path / "raw" / "000001-source-ref.jpg").read_bytes() == jpeg(2, 1)
    assert rows[1].file == str(tmp_path / "raw" / "000002-label_name.txt")


def test_split_records_are_one_row(tmp_path: Path) -> None:
    parts = [MAGIC_BYTES + struct.pack("<I", flag << 29 | 4) + data for flag, data in
             ((1, b"abcd"), (3, b"efgh"))]  # fmt: skip
    (tmp_path / "s").write_bytes(b"".join(parts))
    (row,) = augman.dump(str(tmp_path / "s"))
    assert (row.parts, row.length, row.preview) == (2, 8, "abcdefgh")
    (dmlc,) = augman.dump(str(tmp_path / "s"), join="dmlc")
    assert dmlc.length == 12


def test_a_corrupt_stream_yields_the_rows_before_it(tmp_path: Path) -> None:
    path = tmp_path / "s"
    path.write_bytes(encode(b"one") + encode(b"two") + b"\x00" * 8)
    rows = augman.dump(str(path))
    assert next(rows).preview == "one"
    assert next(rows).preview == "two"
    with pytest.raises(CorruptStream, match=rf"^{path}: corrupt RecordIO stream at byte 24"):
        next(rows)


def test_a_stream_that_ends_mid_line_is_a_data_error(tmp_path: Path) -> None:
    stream = write_stream(tmp_path / "s", b"a", b"b", b"c")
    rows = augman.dump(stream, attrs=["source-ref", "class"])
    assert len([next(rows) for _ in range(3)]) == 3
    with pytest.raises(DataError, match=r"ended mid-line: 3 records .* line 2 has only source-ref"):
        next(rows)


def test_empty_attrs_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        list(augman.dump(write_stream(tmp_path / "s", b"a"), attrs=[]))
