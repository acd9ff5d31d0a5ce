"""The progress bar: on a terminal, only for a run that takes a while, and gone at the end."""

from __future__ import annotations

import array
import fcntl
import os
import pty
import subprocess
import termios
import time

from tests.conftest import augman_command, subprocess_env

LINE = b'{"source-ref":"s3://my-bucket/a.jpg","class":1}\n'


def _until_read(pipe: int, timeout: float = 30) -> None:
    """Wait until the reader has taken everything written to ``pipe`` so far."""
    waited = time.monotonic() + timeout
    left = array.array("i", [1])
    while time.monotonic() < waited:
        fcntl.ioctl(pipe, termios.FIONREAD, left)
        if left[0] == 0:
            return
        time.sleep(0.01)
    raise AssertionError("augman did not read its stdin")


def _validate_slowly(stderr_is_terminal: bool, pause: float) -> tuple[bytes, bytes, int]:
    env = subprocess_env()
    env.pop("AUGMAN_NO_PROGRESS", None)
    primary, secondary = pty.openpty() if stderr_is_terminal else (None, None)
    proc = subprocess.Popen(
        augman_command("validate", "-"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=secondary if secondary is not None else subprocess.PIPE, env=env,
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(LINE)
    proc.stdin.flush()
    _until_read(proc.stdin.fileno())  # augman has started (slow to import on a busy machine)
    time.sleep(pause)
    proc.stdin.write(LINE * 10)
    proc.stdin.close()
    out = proc.stdout.read()
    code = proc.wait(timeout=30)
    if primary is None:
        assert proc.stderr is not None
        return out, proc.stderr.read(), code
    assert secondary is not None
    os.close(secondary)
    err = b""
    try:
        while chunk := os.read(primary, 65536):
            err += chunk
    except OSError:  # EIO once the other side is closed
        pass
    os.close(primary)
    return out, err, code


def test_a_slow_run_on_a_terminal_shows_a_progress_bar_on_stderr() -> None:
    out, err, code = _validate_slowly(stderr_is_terminal=True, pause=2.0)
    assert code == 0
    assert b"no problems found in 11 lines" in out
    assert "━".encode() in err and b"-" in err  # the bar, labelled with the source name


def test_a_quick_run_prints_nothing_on_stderr_even_on_a_terminal() -> None:
    _, err, code = _validate_slowly(stderr_is_terminal=True, pause=0.0)
    assert code == 0
    assert err == b""


def test_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    _, err, code = _validate_slowly(stderr_is_terminal=False, pause=1.5)
    assert code == 0
    assert err == b""
