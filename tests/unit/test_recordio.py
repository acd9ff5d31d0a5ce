"""RecordIO, spec section 2: the fixed vectors, split records, and every way a stream breaks."""

from __future__ import annotations

import io
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from augman.errors import DataError
from augman.recordio.codec import (
    CHUNK,
    MAGIC_BYTES,
    CorruptStream,
    Record,
    decode,
    decode_bytes,
    encode,
)

M = MAGIC_BYTES


def part(cflag: int, payload: bytes) -> bytes:
    """One part with its header and zero padding, the way TF-ext's test writer frames it."""
    return M + struct.pack("<I", cflag << 29 | len(payload)) + payload + b"\0" * (-len(payload) % 4)


# spec section 2.1, "Worked examples"
VECTORS = [
    pytest.param(b"1", "0a 23 d7 ce 01 00 00 00 31 00 00 00", id="one-byte"),
    pytest.param(b'{"a":1}', "0a 23 d7 ce 07 00 00 00 7b 22 61 22 3a 31 7d 00", id="json-pad-1"),
    pytest.param(b"abcd", "0a 23 d7 ce 04 00 00 00 61 62 63 64", id="no-padding"),
    pytest.param(b"", "0a 23 d7 ce 00 00 00 00", id="empty"),
]


@pytest.mark.parametrize(("payload", "framed"), VECTORS)
def test_encode_matches_the_spec_vectors(payload: bytes, framed: str) -> None:
    assert encode(payload) == bytes.fromhex(framed)


@pytest.mark.parametrize(("payload", "framed"), VECTORS)
def test_decode_reads_the_spec_vectors(payload: bytes, framed: str) -> None:
    assert list(decode(io.BytesIO(bytes.fromhex(framed)))) == [Record(payload, 0)]


def test_split_part_headers_match_the_spec_vectors() -> None:
    assert part(1, b"x" * 8)[4:8] == bytes.fromhex("08 00 00 20")
    assert part(3, b"x" * 5)[4:8] == bytes.fromhex("05 00 00 60")


def test_records_carry_their_byte_offsets() -> None:
    stream = encode(b"1") + encode(b'{"a":1}') + encode(b"") + encode(b"abcd")
    assert [r.offset for r in decode(io.BytesIO(stream))] == [0, 12, 28, 36]


def test_an_empty_stream_has_no_records() -> None:
    assert decode_bytes(b"") == []


SPLIT = part(1, b"abcdefgh") + part(2, b"ijk") + part(2, b"") + part(3, b"lmnop")


@pytest.mark.parametrize(
    ("join", "payload"),
    [
        pytest.param("concat", b"abcdefghijklmnop", id="concat-like-mlio-and-tf-ext"),
        pytest.param(
            "dmlc", b"abcdefgh" + M + b"ijk" + M + M + b"lmnop", id="dmlc-reinserts-magic"
        ),
    ],
)
def test_split_records_are_joined(join: str, payload: bytes) -> None:
    stream = encode(b"before") + SPLIT + encode(b"after")
    records = list(decode(io.BytesIO(stream), join=join))
    assert records == [
        Record(b"before", 0),
        Record(payload, 16, 4),
        Record(b"after", 16 + len(SPLIT)),
    ]


def test_an_unknown_join_is_refused() -> None:
    with pytest.raises(ValueError, match="join"):
        list(decode(io.BytesIO(b""), join="tf"))


HEADER_1 = M + struct.pack("<I", 1)
CORRUPT = [
    pytest.param(b"{\"a\": 1}\n", 0, "the magic number 0a 23 d7 ce, found 7b 22 61 22", id="not-recordio"),
    pytest.param(encode(b"1") + b"\x0b\x23\xd7\xce" + bytes(4), 12, "magic number", id="bad-magic-later"),
    pytest.param(M + b"\x01", 0, "an 8-byte header, found the end of the stream after 5", id="torn-header"),
    pytest.param(encode(b"abcd") + M, 12, "an 8-byte header", id="torn-second-header"),
    pytest.param(M + struct.pack("<I", 7) + b"abc", 8, "a payload of 7 bytes and 1 padding", id="torn-payload"),
    pytest.param(HEADER_1 + b"x\0", 8, "1 bytes and 3 padding byte(s), found the end of the stream after 2", id="torn-padding"),
    pytest.param(HEADER_1 + b"x\0\0", 8, "padding", id="padding-missing-at-end"),
    pytest.param(HEADER_1 + b"x\0\x07\0", 10, "3 zero padding byte(s) after the payload, found 00 07 00", id="nonzero-padding"),
    pytest.param(part(2, b"mid"), 4, "cflag 0 (complete) or 1 (begin)", id="middle-without-begin"),
    pytest.param(encode(b"1") + part(3, b"end"), 16, "found cflag 3 (end)", id="end-without-begin"),
    pytest.param(part(1, b"a") + encode(b"b"), 16, "cflag 2 (middle) or 3 (end) continuing the split record at byte 0, found cflag 0", id="complete-inside-split"),
    pytest.param(part(1, b"a") + part(1, b"b"), 16, "found cflag 1 (begin)", id="begin-inside-split"),
    pytest.param(M + struct.pack("<I", 5 << 29), 4, "found cflag 5 (undefined)", id="undefined-cflag"),
    pytest.param(part(1, b"a") + part(2, b"b"), 24, "an 8-byte header (inside the split record at byte 0)", id="torn-split-record"),
]  # fmt: skip


@pytest.mark.parametrize(("stream", "offset", "message"), CORRUPT)
def test_corruption_names_its_offset_and_what_was_expected(
    stream: bytes, offset: int, message: str
) -> None:
    with pytest.raises(CorruptStream) as caught:
        decode_bytes(stream)
    assert caught.value.offset == offset
    assert f"at byte {offset}: expected " in str(caught.value)
    assert message in str(caught.value)
    assert caught.value.hint


def test_corruption_is_a_data_error_that_exits_1() -> None:
    assert issubclass(CorruptStream, DataError)
    assert CorruptStream(0, "x", "y").exit_code == 1


def test_records_before_the_corruption_are_yielded_first() -> None:
    records = decode(io.BytesIO(encode(b"good") + encode(b"also") + b"junk-junk"))
    assert next(records).payload == b"good"
    assert next(records).payload == b"also"
    with pytest.raises(CorruptStream, match="at byte 24"):
        next(records)


class Trickle(io.RawIOBase):
    """A stream that hands out at most ``size`` bytes per read, like a slow pipe."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size, self.requests = memoryview(data), size, []

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        self.requests.append(n)
        chunk, self.data = self.data[: min(n, self.size)], self.data[min(n, self.size) :]
        return bytes(chunk)


def test_reads_are_large_not_one_per_header() -> None:
    stream = Trickle(b"".join(encode(b"%d" % i) for i in range(10_000)), size=1 << 30)
    assert len(list(decode(stream))) == 10_000
    assert len(stream.requests) <= 3
    assert all(n >= CHUNK for n in stream.requests)


def test_a_record_is_yielded_before_the_stream_reads_on() -> None:
    class OneChunkThenHang(io.RawIOBase):
        def __init__(self) -> None:
            self.sent = False

        def read(self, n: int = -1) -> bytes:
            assert not self.sent, "the decoder waited for more bytes than the first record"
            self.sent = True
            return encode(b"first")

    assert next(decode(OneChunkThenHang())) == Record(b"first", 0)


payload_lists = st.lists(st.binary(max_size=70), max_size=30)


@given(payload_lists)
def test_round_trip(payloads: list[bytes]) -> None:
    assert decode_bytes(b"".join(map(encode, payloads))) == payloads


@given(payload_lists, st.integers(min_value=1, max_value=13))
def test_round_trip_through_a_trickling_pipe(payloads: list[bytes], size: int) -> None:
    stream = Trickle(b"".join(map(encode, payloads)), size)
    assert [r.payload for r in decode(stream)] == payloads


@given(st.lists(st.binary(max_size=20), min_size=2, max_size=6))
def test_split_round_trip(pieces: list[bytes]) -> None:
    flags = [1] + [2] * (len(pieces) - 2) + [3]
    stream = b"".join(part(flag, piece) for flag, piece in zip(flags, pieces, strict=True))
    assert decode_bytes(stream) == [b"".join(pieces)]
    assert decode_bytes(stream, join="dmlc") == [M.join(pieces)]


@given(st.binary(max_size=200))
def test_arbitrary_bytes_raise_nothing_but_corrupt_stream(data: bytes) -> None:
    try:
        decode_bytes(data)
    except CorruptStream as exc:
        assert 0 <= exc.offset <= len(data)


@given(payload_lists, st.data())
def test_any_cut_of_a_valid_stream_is_a_torn_stream_or_whole_records(
    payloads: list[bytes], data: st.DataObject
) -> None:
    stream = b"".join(map(encode, payloads))
    cut = data.draw(st.integers(min_value=0, max_value=len(stream)))
    ends = {0} | {sum(len(encode(p)) for p in payloads[: i + 1]) for i in range(len(payloads))}
    if cut in ends:
        assert decode_bytes(stream[:cut]) == payloads[: sorted(ends).index(cut)]
    else:
        with pytest.raises(CorruptStream, match="found the end of the stream"):
            decode_bytes(stream[:cut])
