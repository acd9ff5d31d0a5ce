"""One Ctrl-D ends input typed at a terminal: real processes with a pseudo-terminal on stdin."""

from __future__ import annotations

import os
import pty
import subprocess

import pytest

from tests.conftest import ROOT, augman_command, subprocess_env

WAIT = 20.0  # seconds: a process still reading after one Ctrl-D waits for a second one forever
LINE = b'{"source-ref":"s3://my-bucket/a.jpg","class":"cat"}\n'


def typed_once(args: list[str], typed: bytes) -> tuple[int, bytes]:
    """Run augman with a terminal on stdin; type ``typed`` and then ONE Ctrl-D."""
    primary, secondary = pty.openpty()  # canonical mode: Ctrl-D ends a read, as for a user
    proc = subprocess.Popen(
        augman_command(*args), stdin=secondary, stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    os.close(secondary)
    try:
        os.write(primary, typed + b"\x04")
        try:
            out, _ = proc.communicate(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail(f"augman {' '.join(args)} still waited for input after one Ctrl-D")
    finally:
        os.close(primary)
    return proc.returncode, out


@pytest.mark.parametrize(
    ("args", "typed", "code", "shown"),
    [
        (["validate", "-"], LINE, 0, b"no problems found in 1 line"),
        (["validate", "-"], b"", 1, b"AM114"),
        (["select", "-"], LINE, 0, LINE),
        (["stats", "-", "--format", "json"], LINE, 0, b'"lines": 1'),
        (["stats", "-", "--format", "json"], b"", 0, b'"lines": 0'),
        (["dump"], b"", 0, b"record"),
        (["dump", "-", "--format", "json"], b"", 0, b""),
    ],
    ids=[
        "validate-a-line", "validate-nothing", "select-a-line", "stats-a-line", "stats-nothing",
        "dump-nothing", "dump-json-nothing",
    ],
)  # fmt: skip
def test_one_ctrl_d_ends_terminal_input(
    args: list[str], typed: bytes, code: int, shown: bytes
) -> None:
    got, out = typed_once(args, typed)
    assert got == code
    assert shown in out
