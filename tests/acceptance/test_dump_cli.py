"""`augman dump`: wiring, exit codes, stdin pipes, FIFOs written by another process, --raw."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from augman.recordio.codec import encode
from tests.conftest import augman_command, subprocess_env

STREAM = b"".join(map(encode, (b"\xff\xd8\xff\xe0jpeg", b"0", b"\x89PNG\r\n\x1a\n", b"cat")))


@pytest.fixture
def stream_file(tmp_path: Path) -> Path:
    path = tmp_path / "train.rio"
    path.write_bytes(STREAM)
    return path


def test_text_rows_are_aligned_under_a_header(cli: Any, stream_file: Path) -> None:
    result = cli("dump", stream_file, "--attrs", "source-ref,class")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["record", "offset", "line", "attribute", "bytes", "type", "preview"]
    assert lines[2].split() == ["2", "16", "1", "class", "1", "json", "0"]
    assert lines[4].split() == ["4", "44", "2", "class", "3", "text", "cat"]
    end = lines[0].index("bytes") + len("bytes")  # sizes are right-aligned under "bytes"
    assert all(row[end - 1].isdigit() and row[end] == " " for row in lines[1:])


def test_json_lines_one_object_per_record(cli: Any, stream_file: Path) -> None:
    result = cli("dump", stream_file, "--attrs", "source-ref,class", "--format", "json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0] == {
        "record": 1, "offset": 0, "length": 8, "kind": "jpeg", "preview": "ff d8 ff e0 6a 70 65 67",
        "parts": 1, "line": 1, "attribute": "source-ref",
    }  # fmt: skip
    assert [r["kind"] for r in rows] == ["jpeg", "json", "png", "text"]


def test_raw_writes_each_payload(cli: Any, stream_file: Path, tmp_path: Path) -> None:
    result = cli(
        "dump", stream_file, "-a", "source-ref,class", "--raw", tmp_path / "raw", "-f", "json"
    )
    assert result.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == [
        "000001-source-ref.jpg", "000002-class.json", "000003-source-ref.png", "000004-class.txt",
    ]  # fmt: skip
    assert json.loads(result.stdout.splitlines()[3])["file"] == str(
        tmp_path / "raw" / "000004-class.txt"
    )


def test_reads_stdin_by_default(cli: Any) -> None:
    result = cli("dump", input=STREAM)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == 5


@pytest.mark.parametrize(
    ("stream", "rows", "message"),
    [
        pytest.param(STREAM[:-3], 3, "at byte 52: expected a payload of 3 bytes and 1 padding", id="torn"),
        pytest.param(STREAM[:28] + b"\1" + STREAM[29:], 2, "at byte 28: expected the magic", id="bad-magic"),
        pytest.param(b'{"source-ref": "s3://b/k"}\n', 0, "at byte 0: expected the magic", id="a-manifest"),
    ],
)  # fmt: skip
def test_a_corrupt_stream_prints_the_rows_before_it_then_exits_1(
    run_augman: Any, stream: bytes, rows: int, message: str
) -> None:
    result = run_augman("dump", "-", input=stream)
    assert result.returncode == 1
    assert result.stderr.startswith(b"augman: error: -: corrupt RecordIO stream")
    assert message.encode() in result.stderr
    assert b"Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == (1 + rows if rows else 0)  # no table before an error


def test_a_stream_ending_mid_line_exits_1_after_its_rows(cli: Any, stream_file: Path) -> None:
    result = cli("dump", stream_file, "--attrs", "source-ref,class,extra")
    assert result.exit_code == 1
    assert len(result.stdout.splitlines()) == 5
    assert "the stream ended mid-line: 4 records is not a multiple of 3 attributes" in result.stderr


def test_wrap_none_cannot_be_dumped(cli: Any, stream_file: Path) -> None:
    result = cli("dump", stream_file, "--wrap", "none")
    assert result.exit_code == 2
    assert "--wrap none cannot be split into records" in result.stderr
    assert result.stdout == ""


def test_a_missing_file_exits_2(cli: Any, tmp_path: Path) -> None:
    result = cli("dump", tmp_path / "nope.rio")
    assert result.exit_code == 2
    assert "no such file" in result.stderr


def lines_of(pipe: IO[bytes]) -> queue.Queue[bytes]:
    """Each line from ``pipe`` as it arrives, read on a thread so that tests can time out."""
    lines: queue.Queue[bytes] = queue.Queue()

    def pump() -> None:
        for line in pipe:
            lines.put(line)
        lines.put(b"")

    threading.Thread(target=pump, daemon=True).start()
    return lines


@contextlib.contextmanager
def dumping(*args: str, stdin: int | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        augman_command("dump", *args), stdin=stdin, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            if pipe:
                pipe.close()


def test_rows_stream_from_a_stdin_pipe_as_records_arrive() -> None:
    with dumping("-", "--attrs", "source-ref,class", stdin=subprocess.PIPE) as proc:
        assert proc.stdin and proc.stdout
        rows = lines_of(proc.stdout)
        proc.stdin.write(encode(b"\xff\xd8\xff\xe0jpeg"))
        proc.stdin.flush()
        assert rows.get(timeout=30).startswith(b" record")
        assert b"source-ref" in rows.get(timeout=30)  # while the writer still holds the pipe open
        proc.stdin.write(encode(b"1"))
        proc.stdin.close()
        assert b"class" in rows.get(timeout=30)
        assert rows.get(timeout=30) == b""
        assert proc.wait(timeout=30) == 0


def open_fifo_for_writing(path: Path, timeout: float = 30) -> int:
    """Open ``path`` once a reader has it open, without blocking forever if none comes."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            os.set_blocking(fd, True)
            return fd
        except OSError as exc:
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_rows_stream_from_a_fifo_written_by_another_process(tmp_path: Path) -> None:
    fifo = tmp_path / "train_0"
    os.mkfifo(fifo)
    with dumping(str(fifo), "--format", "json") as proc:
        assert proc.stdout
        rows = lines_of(proc.stdout)
        fd = open_fifo_for_writing(fifo)
        try:
            os.write(fd, encode(b'{"a":1}'))
            assert json.loads(rows.get(timeout=30))["kind"] == "json"
            os.write(fd, encode(b"two"))
            assert json.loads(rows.get(timeout=30))["preview"] == "two"
        finally:
            os.close(fd)
        assert rows.get(timeout=30) == b""
        assert proc.wait(timeout=30) == 0


def test_attrs_follow_sagemaker_limits_before_any_row(cli: Any) -> None:
    result = cli("dump", "--attrs", ",".join(f"a{i}" for i in range(17)), "-", input=b"")
    assert result.exit_code == 2
    assert "at most 16" in result.stderr
    assert result.stdout == ""
