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
