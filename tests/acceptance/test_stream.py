"""`augman stream`: the bytes on the pipe, line by line, option by option.

Expected bytes are built here independently of augman, with the SageMaker Python
SDK's ``_write_recordio`` algorithm: ``struct.pack('<II', magic, len)``, the
payload, then zero bytes up to a multiple of 4.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import augman
from augman.inputs.ordering import Shard
from augman.outputs import sinks, smroot
from augman.streaming.verdicts import BadLine

MAGIC = 0xCED7230A

LINES = [
    rb'{"source":"Call me Ishmael","class":1,"meta":{"a": [1, 2.50], "b": "x y"},"other":0}',
    rb'{"source":"tab\there \"quoted\" \u00e9 \ud83d\ude00","class":-2.5e-3,"meta":[]}',
    '{"source":"日本語","class":true,"meta":[ {"k" : "v"} ]}'.encode(),
    rb'{"other":1,"source":"","class":0,"meta":{"nested":{"k":1E+2}}}',
]
TEXT = [
    [b"Call me Ishmael", b"1", b'{"a":[1,2.50],"b":"x y"}'],
    ['tab\there "quoted" \u00e9 \U0001f600'.encode(), b"-2.5e-3", b"[]"],
    ["日本語".encode(), b"true", b'[{"k":"v"}]'],
    [b"", b"0", b'{"nested":{"k":1E+2}}'],
]
JSON = [
    [b'"Call me Ishmael"', b"1", b'{"a":[1,2.50],"b":"x y"}'],
    [rb'"tab\there \"quoted\" \u00e9 \ud83d\ude00"', b"-2.5e-3", b"[]"],
    ['"日本語"'.encode(), b"true", b'[{"k":"v"}]'],
    [b'""', b"0", b'{"nested":{"k":1E+2}}'],
]
ATTRS = "source,class,meta"


def record(payload: bytes) -> bytes:
    """One record, as the SageMaker SDK's _write_recordio writes it."""
    length = len(payload)
    pad = (((length + 3) >> 2) << 2) - length
    return struct.pack("<II", MAGIC, length) + payload + b"\x00" * pad


def recordio(rows: list[list[bytes]]) -> bytes:
    return b"".join(record(payload) for row in rows for payload in row)


def payloads_of(data: bytes) -> list[bytes]:
    """Split a RecordIO stream (test-side reader, cflag 0 only)."""
    out, offset = [], 0
    while offset < len(data):
        magic, length = struct.unpack_from("<II", data, offset)
        assert magic == MAGIC
        out.append(data[offset + 8 : offset + 8 + length])
        offset += 8 + length + (-length % 4)
    return out


class MemorySink:
    """A sink that keeps each epoch's bytes."""

    def __init__(self) -> None:
        self.epochs: list[bytearray] = []

    def epoch(self, index: int) -> Any:
        import contextlib

        @contextlib.contextmanager
        def output() -> Iterator[Any]:
            self.epochs.append(bytearray())
            yield self

        return output()

    def write(self, data: bytes) -> None:
        self.epochs[-1] += data

    @property
    def data(self) -> bytes:
        return b"".join(self.epochs)


@pytest.fixture
def manifest(write_manifest: Any) -> Path:
    path: Path = write_manifest(*LINES)
    return path


def numbered(count: int) -> list[str]:
    return [json.dumps({"source": f"line {n}", "class": n}) for n in range(count)]


# -- the bytes on the pipe -------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), recordio(TEXT)),
        (("--value-encoding", "text"), recordio(TEXT)),
        (("--value-encoding", "json"), recordio(JSON)),
        (("--wrap", "none"), b"".join(p for row in TEXT for p in row)),
        (("--wrap", "none", "--value-encoding", "json"), b"".join(p for row in JSON for p in row)),
    ],
    ids=["default", "text", "json", "wrap-none", "wrap-none-json"],
)
def test_bytes_match_the_sdk_framing(
    cli: Any, manifest: Path, tmp_path: Path, options: tuple[str, ...], expected: bytes
) -> None:
    out = tmp_path / "out.bin"
    result = cli("stream", manifest, "--attrs", ATTRS, "-o", out, *options)
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected


def test_stdout_carries_the_same_bytes(cli: Any, manifest: Path) -> None:
    result = cli("stream", manifest, "--attrs", ATTRS)
    assert result.exit_code == 0
    assert result.stdout_bytes == recordio(TEXT)


def test_attributes_come_in_attrs_order_not_key_order(cli: Any, manifest: Path) -> None:
    result = cli("stream", manifest, "--attrs", "class,source")
    assert payloads_of(result.stdout_bytes)[:4] == [
        b"1",
        b"Call me Ishmael",
        b"-2.5e-3",
        TEXT[1][0],
    ]


def test_library_call_returns_a_summary(manifest: Path) -> None:
    sink = MemorySink()
    result = augman.stream(str(manifest), sink, attrs=ATTRS.split(","))
    assert sink.data == recordio(TEXT)
    assert (result.lines, result.records, result.bytes) == (4, 12, len(sink.data))
    assert result.ok
    assert result.warnings == {"AM204": 2}  # "" and [] are empty values


def test_stdin_and_gzip_sources(cli: Any, manifest: Path, tmp_path: Path) -> None:
    import gzip

    packed = tmp_path / "m.manifest.gz"
    packed.write_bytes(gzip.compress(manifest.read_bytes()))
    from_stdin = cli("stream", "-", "--attrs", ATTRS, input=manifest.read_bytes())
    from_gzip = cli("stream", packed, "--attrs", ATTRS)
    assert from_stdin.stdout_bytes == from_gzip.stdout_bytes == recordio(TEXT)


# -- bad lines -------------------------------------------------------------------------

BAD = [
    pytest.param('{"source":"a","class":1,"meta":2', "AM109", id="truncated"),
    pytest.param('{"source":"a","meta":2}', "AM201", id="missing-attribute"),
    pytest.param("not json", "AM101", id="invalid-json"),
    pytest.param("", "AM103", id="blank"),
    pytest.param('{"source":"a","class":1,"meta":2,"class":3}', "AM112", id="duplicate-key"),
]


@pytest.mark.parametrize(("bad", "code"), BAD)
def test_a_bad_line_stops_the_stream_after_the_line_before(
    cli: Any, write_manifest: Any, tmp_path: Path, bad: str, code: str
) -> None:
    path = write_manifest(
        '{"source":"a","class":1,"meta":2}', bad, '{"source":"c","class":3,"meta":4}'
    )
    if code == "AM109":  # a truncated line is the last one, without a newline
        path.write_bytes(path.read_bytes().split(b"\n")[0] + b"\n" + bad.encode())
    result = cli("stream", path, "--attrs", ATTRS)
    assert result.exit_code == 1
    assert result.stdout_bytes == recordio([[b"a", b"1", b"2"]])
    assert f"{path}:2" in result.stderr and f" {code} " in result.stderr
    assert "stopped at line 2" in result.stderr


def test_stop_removes_an_output_file(cli: Any, write_manifest: Any, tmp_path: Path) -> None:
    path = write_manifest('{"source":"a","class":1,"meta":2}', "oops")
    out = tmp_path / "out.bin"
    assert cli("stream", path, "--attrs", ATTRS, "-o", out).exit_code == 1
    assert list(tmp_path.iterdir()) == [path]


def test_bad_line_error_carries_the_findings(write_manifest: Any) -> None:
    path = write_manifest('{"source":"a","class":1}', '{"source":"b"}')
    sink = MemorySink()
    with pytest.raises(BadLine) as caught:
        augman.stream(str(path), sink, attrs=["source", "class"])
    assert caught.value.line == 2
    assert [f.code for f in caught.value.findings] == ["AM201"]
    assert sink.data == recordio([[b"a", b"1"]])


def test_skip_leaves_bad_lines_out_and_lists_them(cli: Any, write_manifest: Any) -> None:
    path = write_manifest(
        '{"source":"a","class":1}', "{oops", '{"source":"c"}', '{"source":"d","class":4}'
    )
    result = cli("stream", path, "--attrs", "source,class", "--on-error", "skip")
    assert result.exit_code == 1
    assert result.stdout_bytes == recordio([[b"a", b"1"], [b"d", b"4"]])
    assert "skipped 2 bad line(s)" in result.stderr
    assert f"{path}:2:2: AM101" in result.stderr
    assert f"{path}:3: AM201" in result.stderr


def test_allow_skips_exits_0(cli: Any, write_manifest: Any) -> None:
    path = write_manifest('{"source":"a","class":1}', '{"source":"c"}')
    result = cli("stream", path, "--attrs", "source,class", "--on-error", "skip", "--allow-skips")
    assert result.exit_code == 0
    assert "skipped 1 bad line(s)" in result.stderr


def test_warnings_do_not_stop_a_line_and_are_counted(cli: Any, write_manifest: Any) -> None:
    path = write_manifest('{"class":null,"source":"a"}')
    result = cli("stream", path, "--attrs", "source,class")
    assert result.exit_code == 0
    assert result.stdout_bytes == recordio([[b"a", b"null"]])
    assert "2 warning(s) in the streamed lines (AM202 x1, AM204 x1)" in result.stderr


def test_an_empty_manifest_streams_nothing_and_exits_1(cli: Any, write_manifest: Any) -> None:
    path = write_manifest(newline=b"")
    result = cli("stream", path, "--attrs", "source")
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert "AM114" in result.stderr


def test_a_record_too_large_names_line_and_attribute(
    write_manifest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(augman.recordio.codec, "MAX_LENGTH", 5)  # the real one is 2**29 - 1 bytes
    path = write_manifest('{"source":"12345","class":1}', '{"source":"123456","class":2}')
    sink = MemorySink()
    with pytest.raises(
        augman.AugmanError,
        match=r":2: source: payload of 6 bytes exceeds the RecordIO limit of 5 bytes",
    ):
        augman.stream(str(path), sink, attrs=["source", "class"])
    assert sink.data == recordio([[b"12345", b"1"]])


# -- epochs, shuffle, shard ----------------------------------------------------------------


def test_epochs_are_written_back_to_back(cli: Any, write_manifest: Any) -> None:
    path = write_manifest(*numbered(3))
    once = cli("stream", path, "--attrs", "class").stdout_bytes
    assert cli("stream", path, "--attrs", "class", "--epochs", "3").stdout_bytes == once * 3


def test_epochs_from_stdin(cli: Any) -> None:
    data = "".join(line + "\n" for line in numbered(3)).encode()
    result = cli("stream", "-", "--attrs", "class", "--epochs", "2", input=data)
    assert payloads_of(result.stdout_bytes) == [b"0", b"1", b"2"] * 2


def test_each_epoch_gets_its_own_order_and_a_seed_repeats_it(write_manifest: Any) -> None:
    path = str(write_manifest(*numbered(50)))
    runs = []
    for seed in (7, 7, 8):
        sink = MemorySink()
        augman.stream(path, sink, attrs=["class"], epochs=2, shuffle_seed=seed)
        runs.append([payloads_of(bytes(epoch)) for epoch in sink.epochs])
    first, again, other = runs
    assert first == again
    assert first[0] != first[1] and first != other
    for epoch in first:
        assert sorted(epoch, key=int) == [str(n).encode() for n in range(50)]


@pytest.mark.parametrize("source", ["path", "stdin", "gzip"])
def test_shuffle_reads_any_source(
    cli: Any, write_manifest: Any, tmp_path: Path, source: str
) -> None:
    import gzip

    path = write_manifest(*numbered(20))
    expected = cli("stream", path, "--attrs", "class", "--shuffle-seed", "3").stdout_bytes
    data = path.read_bytes()
    if source == "stdin":
        result = cli("stream", "-", "--attrs", "class", "--shuffle-seed", "3", input=data)
    else:
        packed = tmp_path / "m.gz"
        packed.write_bytes(gzip.compress(data) if source == "gzip" else data)
        result = cli("stream", packed, "--attrs", "class", "--shuffle-seed", "3")
    assert result.stdout_bytes == expected
    assert sorted(payloads_of(expected), key=int) == [str(n).encode() for n in range(20)]


def test_shard_keeps_every_nth_line_in_file_order(cli: Any, write_manifest: Any) -> None:
    path = write_manifest(*numbered(10))
    result = cli("stream", path, "--attrs", "class", "--shard", "1/3")
    assert payloads_of(result.stdout_bytes) == [b"1", b"4", b"7"]


def test_shards_after_a_shuffle_cover_every_line_once_and_move_between_epochs(
    write_manifest: Any,
) -> None:
    path = str(write_manifest(*numbered(30)))
    shards = []
    for index in range(3):
        sink = MemorySink()
        augman.stream(path, sink, attrs=["class"], epochs=2, shuffle_seed=1, shard=Shard(index, 3))
        shards.append([set(payloads_of(bytes(epoch))) for epoch in sink.epochs])
    for epoch in (0, 1):
        union = set().union(*(shard[epoch] for shard in shards))
        assert union == {str(n).encode() for n in range(30)}
        assert sum(len(shard[epoch]) for shard in shards) == 30
    assert shards[0][0] != shards[0][1]


# -- sinks ------------------------------------------------------------------------------


def test_output_file_is_written_in_place_and_keeps_no_temporary(
    cli: Any, manifest: Path, tmp_path: Path
) -> None:
    out = tmp_path / "sub" / "out.bin"
    out.parent.mkdir()
    out.write_bytes(b"old")
    assert cli("stream", manifest, "--attrs", ATTRS, "-o", out).exit_code == 0
    assert out.read_bytes() == recordio(TEXT)
    assert list(out.parent.iterdir()) == [out]


def test_output_to_a_device_is_written_directly(cli: Any, manifest: Path) -> None:
    assert cli("stream", manifest, "--attrs", ATTRS, "-o", os.devnull).exit_code == 0


def test_sm_root_writes_inputdataconfig_and_keeps_other_channels(
    tmp_path: Path, manifest: Path
) -> None:
    config = tmp_path / "input" / "config" / "inputdataconfig.json"
    config.parent.mkdir(parents=True)
    config.write_text('{"validation": {"TrainingInputMode": "File"}}')
    with smroot.to_sagemaker(
        tmp_path, "train", content_type="application/x-recordio", sharded=True, wrapper="None"
    ):
        assert (tmp_path / "input" / "data" / "train_0").is_fifo()
    assert json.loads(config.read_text()) == {
        "validation": {"TrainingInputMode": "File"},
        "train": {
            "ContentType": "application/x-recordio",
            "TrainingInputMode": "Pipe",
            "S3DistributionType": "ShardedByS3Key",
            "RecordWrapperType": "None",
        },
    }
    assert list(json.loads(config.read_text())["train"]) == [
        "ContentType", "TrainingInputMode", "S3DistributionType", "RecordWrapperType",
    ]  # fmt: skip
    assert not (tmp_path / "input" / "data" / "train_0").exists()


def test_sm_root_default_entry(tmp_path: Path) -> None:
    with smroot.to_sagemaker(tmp_path, "train"):
        pass
    config = json.loads((tmp_path / "input" / "config" / "inputdataconfig.json").read_text())
    assert config == {
        "train": {
            "TrainingInputMode": "Pipe",
            "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "RecordIO",
        }
    }


def test_an_existing_non_fifo_is_not_overwritten(cli: Any, manifest: Path, tmp_path: Path) -> None:
    taken = tmp_path / "input" / "data" / "train_0"
    taken.parent.mkdir(parents=True)
    taken.write_text("mine")
    result = cli("stream", manifest, "--attrs", ATTRS, "--sm-root", tmp_path, "--channel", "train")
    assert result.exit_code == 2
    assert "exists and is not a FIFO" in result.stderr
    assert taken.read_text() == "mine"


# -- usage errors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("-o", "x.bin", "--fifo", "p"), "-o and --fifo both name the output"),
        (("--fifo", "p", "--sm-root", "d", "--channel", "c"), "--fifo and --sm-root"),
        (("--channel", "train"), "--channel needs --sm-root"),
        (("--content-type", "a/b"), "--content-type needs --sm-root"),
        (("--sm-root", "d"), "--sm-root needs --channel"),
        (("--sm-root", "d", "--channel", "bad name"), "not a valid ChannelName"),
        (("--shard", "3/3"), "--shard '3/3'"),
        (("--allow-skips",), "--allow-skips needs --on-error skip"),
        (("--value-encoding", "yaml"), "--value-encoding yaml is not one of: text, json"),
        (("--attrs", ",".join(f"a{n}" for n in range(17))), "at most 16"),
    ],
    ids=["file-and-fifo", "fifo-and-sm-root", "channel-alone", "content-type-alone",
         "sm-root-alone", "bad-channel", "bad-shard", "allow-skips-alone", "bad-encoding", "too-many-attrs"],
)  # fmt: skip
def test_usage_errors_exit_2(
    cli: Any,
    manifest: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    options: tuple[str, ...],
    message: str,
) -> None:
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    result = cli("stream", manifest, "--attrs", ATTRS, *options)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout_bytes == b""
    assert list(workdir.iterdir()) == []


def test_a_missing_manifest_exits_2(cli: Any, tmp_path: Path) -> None:
    result = cli("stream", tmp_path / "nope", "--attrs", "a")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


# -- the offline example -------------------------------------------------------------------

EXAMPLES = Path(__file__).parent.parent.parent / "examples"


@pytest.mark.parametrize("manifest", ["classification.manifest", "bounding-box.manifest"])
def test_every_example_image_is_in_examples_images(manifest: str) -> None:
    for text in (EXAMPLES / manifest).read_text().splitlines():
        uri = json.loads(text)["source-ref"]
        assert uri.startswith("s3://example-bucket/images/")
        image = (EXAMPLES / "images" / uri.rsplit("/", 1)[1]).read_bytes()
        assert image.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")), uri


def test_example_streams_its_inline_attributes(cli: Any) -> None:
    result = cli("stream", EXAMPLES / "classification.manifest", "--attrs", "class")
    assert result.exit_code == 0
    assert payloads_of(result.stdout_bytes) == [b"0", b"1", b"2", b"0", b"1", b"0"]


def test_augman_dump_reads_back_what_stream_wrote(cli: Any, manifest: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.rio"
    assert cli("stream", manifest, "--attrs", ATTRS, "-o", out).exit_code == 0
    rows = list(augman.dump(str(out), attrs=ATTRS.split(","), raw_dir=tmp_path / "raw"))
    assert [(row.line, row.attribute, row.length) for row in rows] == [
        (line + 1, attr, len(payload))
        for line, row_payloads in enumerate(TEXT)
        for attr, payload in zip(ATTRS.split(","), row_payloads, strict=True)
    ]
    assert [Path(str(row.file)).read_bytes() for row in rows] == [p for r in TEXT for p in r]


def test_skipped_lines_are_counted_once_over_epochs(
    cli: Any, write_manifest: Any, tmp_path: Path
) -> None:
    path = write_manifest('{"class":1}', "{bad", '{"class":3}')
    out = tmp_path / "out.bin"
    result = cli(
        "stream", path, "--attrs", "class", "--on-error", "skip", "--epochs", "3", "-o", out
    )
    assert result.exit_code == 1
    assert "skipped 1 bad line(s)" in result.stderr
    assert payloads_of(out.read_bytes()) == [b"1", b"3"] * 3  # a skip completes the stream


def test_an_unreadable_inputdataconfig_is_an_error(
    cli: Any, manifest: Path, tmp_path: Path
) -> None:
    config = tmp_path / "input" / "config" / "inputdataconfig.json"
    config.parent.mkdir(parents=True)
    config.write_text("{not json")
    result = cli("stream", manifest, "--attrs", ATTRS, "--sm-root", tmp_path, "--channel", "train")
    assert result.exit_code == 2
    assert "cannot read the existing config" in result.stderr
    assert config.read_text() == "{not json"


def test_a_reader_gone_ends_only_its_epoch(
    write_manifest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(augman.streaming.framing, "FLUSH_AT", 1)  # a write after every line
    monkeypatch.setattr(augman.inputs.lines, "CHUNK_LINES", 1)  # ... as the lines come
    path = str(write_manifest(*numbered(5)))

    class ClosesEpochZero(MemorySink):
        def write(self, data: bytes) -> None:
            if len(self.epochs) == 1 and self.epochs[0]:
                raise sinks.EpochEnded
            super().write(data)

    sink = ClosesEpochZero()
    result = augman.stream(path, sink, attrs=["class"], epochs=2)
    assert payloads_of(bytes(sink.epochs[0])) == [b"0"]
    assert payloads_of(bytes(sink.epochs[1])) == [b"0", b"1", b"2", b"3", b"4"]
    assert result.epochs_cut == (0,)
    assert (result.lines, result.records) == (7, 7)  # epoch 0 had framed 2 lines when cut


def test_sm_root_options_reach_inputdataconfig(cli: Any, manifest: Path, tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "input" / "data" / "validation_0"
    received: list[bytes] = []

    def read() -> None:
        while not fifo.exists():
            threading.Event().wait(0.01)
        received.append(fifo.read_bytes())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = cli(
        "stream", manifest, "--attrs", ATTRS, "--sm-root", tmp_path, "--channel", "validation",
        "--content-type", "application/x-recordio", "--shard", "0/2", "--wrap", "none",
    )  # fmt: skip
    reader.join(30)
    assert result.exit_code == 0, result.stderr
    assert received == [b"".join(TEXT[0]) + b"".join(TEXT[2])]
    config = json.loads((tmp_path / "input" / "config" / "inputdataconfig.json").read_text())
    assert config == {
        "validation": {
            "ContentType": "application/x-recordio",
            "TrainingInputMode": "Pipe",
            "S3DistributionType": "ShardedByS3Key",
            "RecordWrapperType": "None",
        }
    }
    assert not fifo.exists()


def test_crlf_lines_stream_their_values_with_a_warning(cli: Any, write_manifest: Any) -> None:
    path = write_manifest('{"source":"a","class":1}', '{"source":"b","class":2.0}', newline=b"\r\n")
    result = cli("stream", path, "--attrs", "source,class")
    assert result.exit_code == 0
    assert result.stdout_bytes == recordio([[b"a", b"1"], [b"b", b"2.0"]])
    assert "AM113 x1" in result.stderr


def test_help_lists_every_value_encoding(cli: Any) -> None:
    from augman.options import ValueEncoding
    from augman.streaming.encoding import ENCODINGS

    assert tuple(ENCODINGS) == tuple(encoding.value for encoding in ValueEncoding)
    assert "<text|json>" in cli("stream", "--help").stdout
