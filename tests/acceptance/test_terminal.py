"""What augman does when a terminal is on the other end: real processes on pseudo-terminals."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
import tty
from pathlib import Path

from tests.conftest import ROOT, augman_command, subprocess_env

WAIT = 30.0  # seconds before a test gives up on a process: a hang, never a timing
LINE = b'{"source-ref":"s3://my-bucket/a.jpg","class":"cat"}\n'


def read_until(fd: int, wanted: bytes, seen: bytes = b"") -> bytes:
    """Read the primary side of a pty until ``wanted`` shows (or the other side closes)."""
    deadline = time.monotonic() + WAIT
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: every process on the secondary side has closed it
            break
        if not chunk:
            break
        seen += chunk
    return seen


def end_input(primary: int, proc: subprocess.Popen[bytes]) -> None:
    """Type Ctrl-D until the process ends (one is enough: test_terminal_eof.py holds that)."""
    deadline = time.monotonic() + WAIT
    while proc.poll() is None and time.monotonic() < deadline:
        os.write(primary, b"\x04")
        time.sleep(0.2)


def raw_pty() -> tuple[int, int]:
    """A pty that passes bytes through unchanged (no \\n to \\r\\n, no echo)."""
    primary, secondary = pty.openpty()
    tty.setraw(secondary)
    return primary, secondary


# -- item: stream refuses a terminal ---------------------------------------------------------


def test_stream_refuses_a_terminal_before_reading_anything() -> None:
    primary, secondary = raw_pty()
    proc = subprocess.Popen(
        augman_command("stream", "-", "--attrs", "source-ref,class"), stdin=subprocess.PIPE,
        stdout=secondary, stderr=subprocess.PIPE, env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    os.close(secondary)
    try:
        code = proc.wait(timeout=WAIT)  # stdin stays open and empty: a read would hang
        assert proc.stderr is not None
        err = proc.stderr.read().decode()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        os.close(primary)
    assert code == 2
    assert "augman: error: stream writes binary records, and stdout is a terminal" in err
    assert "-o FILE" in err and "| augman dump" in err and "-o -" in err


def test_stream_with_dash_o_dash_writes_to_a_terminal(tmp_path: Path) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_bytes(LINE)
    primary, secondary = raw_pty()
    proc = subprocess.Popen(
        augman_command("stream", manifest, "--attrs", "class", "-o", "-"),
        stdout=secondary, stderr=subprocess.PIPE, env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    os.close(secondary)
    try:
        out = read_until(primary, b"cat")
        assert proc.wait(timeout=WAIT) == 0
    finally:
        os.close(primary)
    assert b"\x0a\x23\xd7\xce\x03\x00\x00\x00cat" in out  # magic, length 3, payload


# -- item: say what augman waits for ---------------------------------------------------------


def _start(*args: object, **streams: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        augman_command(*map(str, args)),
        env=subprocess_env(),
        cwd=ROOT,
        **streams,  # type: ignore[call-overload]
    )


def test_reading_a_manifest_from_the_terminal_says_how_to_end_it() -> None:
    primary, secondary = pty.openpty()  # cooked: Ctrl-D at the start of a line is end of file
    proc = _start("validate", "-", stdin=secondary, stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    try:
        seen = read_until(primary, b"Ctrl-D")
        assert b"augman: reading the manifest from the terminal; end with Ctrl-D" in seen
        os.write(primary, LINE)
        end_input(primary, proc)
        assert proc.stdout is not None
        out = proc.stdout.read()
        assert proc.wait(timeout=WAIT) == 0
    finally:
        os.close(primary)
    assert b"no problems found in 1 line" in out


def test_no_note_when_stderr_is_not_a_terminal() -> None:
    primary, secondary = pty.openpty()
    proc = _start("stats", "-", stdin=secondary, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.close(secondary)
    try:
        os.write(primary, LINE)
        end_input(primary, proc)
        out, err = proc.communicate(timeout=WAIT)
    finally:
        os.close(primary)
    assert proc.returncode == 0
    assert b"1 valid, 0 invalid" in out
    assert err == b""


def test_dump_on_a_terminal_says_it_reads_a_stream_from_it() -> None:
    primary, secondary = pty.openpty()
    proc = _start("dump", stdin=secondary, stdout=subprocess.PIPE, stderr=secondary)
    os.close(secondary)
    try:
        seen = read_until(primary, b"Ctrl-D")
        end_input(primary, proc)
        assert proc.wait(timeout=WAIT) == 0
    finally:
        os.close(primary)
    assert b"augman: reading a RecordIO stream from the terminal; end with Ctrl-D" in seen


def _read_fifo_after_note(primary: int, note: bytes, fifo: Path) -> bytes:
    seen = read_until(primary, note)
    assert note in seen
    with fifo.open("rb") as reader:
        return reader.read()


def test_stream_to_a_fifo_says_it_waits_for_a_reader(tmp_path: Path) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_bytes(LINE)
    fifo = tmp_path / "pipe"
    primary, secondary = pty.openpty()
    proc = _start(
        "stream",
        manifest,
        "--attrs",
        "class",
        "--fifo",
        fifo,
        stdout=subprocess.PIPE,
        stderr=secondary,
    )
    os.close(secondary)
    try:
        note = f"augman: waiting for a reader on {fifo} (Ctrl-C to stop)".encode()
        data = _read_fifo_after_note(primary, note, fifo)
        assert proc.wait(timeout=WAIT) == 0
    finally:
        os.close(primary)
    assert data.endswith(b"cat\x00")


def test_stream_to_sm_root_says_which_epoch_fifo_it_waits_on(tmp_path: Path) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_bytes(LINE)
    primary, secondary = pty.openpty()
    proc = _start(
        "stream", manifest, "--attrs", "class", "--sm-root", tmp_path / "opt_ml", "--channel",
        "train", "--epochs", "2", stdout=subprocess.PIPE, stderr=secondary,
    )  # fmt: skip
    os.close(secondary)
    data = tmp_path / "opt_ml" / "input" / "data"
    try:
        for epoch in (0, 1):
            fifo = data / f"train_{epoch}"
            note = f"augman: waiting for a reader on {fifo} (Ctrl-C to stop)".encode()
            assert _read_fifo_after_note(primary, note, fifo).endswith(b"cat\x00")
        assert proc.wait(timeout=WAIT) == 0
    finally:
        os.close(primary)
