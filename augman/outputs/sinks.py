"""Where streamed bytes go: stdout, a file, a FIFO, or a SageMaker ``/opt/ml`` tree.

A sink hands out one :class:`Output` per epoch. stdout, ``-o FILE`` and ``--fifo``
(here) write the epochs back to back; ``--sm-root`` (:mod:`augman.outputs.smroot`) serves
each epoch on its own FIFO, as SageMaker Pipe mode does. Every sink is a context manager: leaving it normally
keeps the output (a file is renamed into place), leaving it by an exception
(a bad line, Ctrl-C, SIGTERM) removes what augman created. FIFOs augman created
are removed either way.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Protocol

from augman.errors import SinkError
from augman.outputs.atomicfile import (
    discard,
    rename_into_place,
    temporary_beside,
    writes_in_place,
    written_path,
)  # fmt: skip

PIPE_SIZE = 1 << 20  # asked of every pipe or FIFO written to; 0 leaves the kernel default
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
Data = bytes | bytearray | memoryview
Waiting = Callable[[Path], None]  # told the FIFO it is about to wait on; never prints itself


class EpochEnded(Exception):
    """The reader of an epoch's FIFO closed it before the end: go on to the next epoch."""


class Output(Protocol):
    """Takes the bytes of one epoch; ``write`` writes all of ``data`` or raises."""

    def write(self, data: Data) -> None: ...


class Sink(Protocol):
    """Hands out the :class:`Output` of each epoch, in order from 0."""

    def epoch(self, index: int) -> AbstractContextManager[Output]: ...


def write_all(fd: int, data: Data) -> None:
    """Write every byte of ``data`` to ``fd`` (a pipe may take less than asked).

    No memoryview of ``data`` outlives the call, even when it raises, so the
    caller can reuse a bytearray it passed.
    """
    written = os.write(fd, data)
    while written < len(data):
        data = bytes(data[written:])  # rare: a signal interrupted a large write
        written = os.write(fd, data)


def grow_pipe(fd: int) -> None:
    """Ask for a 1 MiB pipe buffer (Linux ``F_SETPIPE_SZ``): fewer, larger writes.

    Only where ``fd`` is a pipe or FIFO; a refusal (another OS, a lower
    ``/proc/sys/fs/pipe-max-size``) just leaves the default.
    """
    with contextlib.suppress(OSError):
        if PIPE_SIZE and stat.S_ISFIFO(os.fstat(fd).st_mode):
            fcntl.fcntl(fd, _F_SETPIPE_SZ, PIPE_SIZE)


class FdOutput:
    """An :class:`Output` over an open file descriptor; ``name`` is for messages."""

    def __init__(self, fd: int, name: str) -> None:
        self.fd = fd
        self.name = name

    def write(self, data: Data) -> None:
        try:
            write_all(self.fd, data)
        except BrokenPipeError:
            raise  # the reader went away: the caller decides what that means
        except OSError as exc:
            raise SinkError(f"{self.name}: write failed: {exc.strerror or exc}") from None


class EpochOutput(FdOutput):
    """An epoch FIFO's output: a reader that goes away ends the epoch, not the run."""

    def write(self, data: Data) -> None:
        try:
            super().write(data)
        except BrokenPipeError:
            raise EpochEnded from None


class _BackToBack:
    """Every epoch written to one descriptor, opened on first use by ``opener``."""

    def __init__(self, name: str, opener: Callable[[], int]) -> None:
        self.name = name
        self._opener = opener
        self.fd: int | None = None

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[Output]:
        if self.fd is None:
            self.fd = self._opener()
            grow_pipe(self.fd)
        yield FdOutput(self.fd, self.name)


class _BinaryOutput:
    """An :class:`Output` over a binary file object (a ``sys.stdout`` with no descriptor)."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file

    def write(self, data: Data) -> None:
        self.file.write(data)
        self.file.flush()


class _Stdout:
    """Standard output: its descriptor, bypassing Python's buffers, when it has one."""

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[Output]:
        try:
            fd = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):  # replaced (a notebook, a test runner)
            yield _BinaryOutput(sys.stdout.buffer)
            return
        sys.stdout.flush()
        if index == 0:
            grow_pipe(fd)
        yield FdOutput(fd, "stdout")


@contextlib.contextmanager
def to_stdout() -> Iterator[Sink]:
    """Write to standard output."""
    yield _Stdout()


@contextlib.contextmanager
def to_file(path: Path) -> Iterator[Sink]:
    """Write ``path`` through a temporary name in its directory, renamed on success.

    A FIFO or device (``/dev/null``) is written directly; a symbolic link is written
    through, the link kept (see :mod:`augman.outputs.atomicfile`).
    """
    path = written_path(path)
    if writes_in_place(path):
        sink = _BackToBack(str(path), lambda: open_for_writing(path))
        try:
            yield sink
        finally:
            _close(sink.fd)
        return
    fd, temp = temporary_beside(path)
    try:
        yield _BackToBack(str(path), lambda: fd)
    except BaseException:
        os.close(fd)
        discard(temp)
        raise
    os.close(fd)
    rename_into_place(temp, path)


@contextlib.contextmanager
def to_fifo(path: Path, on_wait: Waiting | None = None) -> Iterator[Sink]:
    """Write to the FIFO ``path``, made if absent (and then removed at exit).

    Opening blocks until a reader opens the other end; ``on_wait(path)`` is
    called first when no reader has it open yet.
    """
    created = make_fifo(path)
    sink = _BackToBack(str(path), lambda: open_for_writing(path, on_wait))
    try:
        yield sink
    finally:
        _close(sink.fd)
        if created:
            remove(path)


# -- file-system helpers -----------------------------------------------------------------


def make_dirs(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(f"{path}: cannot create the directory: {exc.strerror or exc}") from None
    return path


def make_fifo(path: Path) -> bool:
    """Make a FIFO at ``path``; False if one is already there (it is then left alone)."""
    try:
        os.mkfifo(path)
        return True
    except FileExistsError:
        if stat.S_ISFIFO(os.stat(path).st_mode):
            return False
        raise SinkError(
            f"{path}: exists and is not a FIFO", "remove it or pick another path"
        ) from None
    except OSError as exc:
        raise SinkError(f"{path}: cannot make a FIFO: {exc.strerror or exc}") from None


def open_for_writing(path: Path, on_wait: Waiting | None = None) -> int:
    """Open ``path`` to write; a FIFO blocks until a reader opens the other end.

    With ``on_wait``, a FIFO that no reader has open yet calls ``on_wait(path)``
    before the open that blocks (the CLI says what it waits for).
    """
    try:
        if on_wait is not None:
            fd = _open_if_read(path)
            if fd is not None:
                return fd
            on_wait(path)
        return os.open(path, os.O_WRONLY)
    except OSError as exc:
        raise SinkError(f"{path}: cannot open for writing: {exc.strerror or exc}") from None


def _open_if_read(path: Path) -> int | None:
    """Open ``path`` to write without waiting: None for a FIFO that no reader has open."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO without a reader
            return None
        raise
    os.set_blocking(fd, True)
    return fd


def _close(fd: int | None) -> None:
    if fd is not None and fd > 2:
        with contextlib.suppress(OSError):
            os.close(fd)


def remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
