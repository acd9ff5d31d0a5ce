"""Standard output that fails cleanly: a write error is an ``augman: error:``, never a traceback.

:func:`guarded` puts a text stream over a raw writer on fd 1 in place of ``sys.stdout``,
so that every command's writes, Typer's and Rich's included, and the flush at the end
of the run go through one place. A full disk or ``> /dev/full`` raises
:class:`~augman.errors.SinkError` (exit 2); a reader that went away
(``| head``) stays a :class:`BrokenPipeError` (exit 141, quietly).
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any

from augman.errors import SinkError

HINT = "free some space or write somewhere else (-o FILE)"


class StdoutClosed(BrokenPipeError):
    """The reader of stdout went away (``| head``): augman exits 141 and says nothing.

    It carries no errno on purpose: click turns an ``EPIPE`` it catches itself into
    exit 1, while this one passes through click to augman's own handler.
    """


class _Fd1(io.RawIOBase):
    """fd 1 as a raw stream whose write errors say that they are stdout's.

    The first error is raised; after it, writes are dropped, so that the run ends with
    one message and the flush at exit has nothing left to fail on.
    """

    closed = False  # the reader went away, whoever caught the error (Rich exits 1 on it)

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._failed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        if self._failed:
            return len(data)
        try:
            return os.write(self._fd, data)
        except OSError as exc:
            self._failed = True
            if isinstance(exc, BrokenPipeError):
                _Fd1.closed = True
                raise StdoutClosed("stdout was closed") from None
            raise SinkError(f"stdout: write failed: {exc.strerror or exc}", HINT) from None


def guarded() -> None:
    """Replace ``sys.stdout`` by the same stream over :class:`_Fd1` (same encoding and mode)."""
    try:
        old, fd = sys.stdout, sys.stdout.fileno()
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return  # not a real file (an embedding host): leave it be
    old.flush()
    stream = io.TextIOWrapper(
        io.BufferedWriter(_Fd1(fd)), encoding=old.encoding, errors=old.errors,
        line_buffering=bool(getattr(old, "line_buffering", False)),
    )  # fmt: skip
    sys.stdout = stream


def was_closed() -> bool:
    """Whether a write to stdout found its reader gone."""
    return _Fd1.closed


def flush() -> None:
    """Flush ``sys.stdout`` now, raising what a failed write raises (see :func:`guarded`)."""
    if sys.stdout is not None and not sys.stdout.closed:
        sys.stdout.flush()
