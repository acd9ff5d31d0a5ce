"""Where streamed bytes go: stdout, a file, a FIFO, or a SageMaker ``/opt/ml`` tree.

A sink hands out one :class:`Output` per epoch. stdout, ``-o FILE`` and ``--fifo``
write the epochs back to back; ``--sm-root`` serves each epoch on its own FIFO,
``<channel>_<epoch>``, as SageMaker Pipe mode lays them out (spec section 4): the
FIFO of the next epoch exists before the current one is closed, and closing it is
the reader's end-of-file. Every sink is a context manager: leaving it normally
keeps the output (a file is renamed into place), leaving it by an exception
(a bad line, Ctrl-C, SIGTERM) removes what augman created. FIFOs augman created
are removed either way.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import IO, Any, Protocol

from augman.errors import SinkError, UsageError

PIPE_SIZE = 1 << 20  # asked of every pipe or FIFO written to; 0 leaves the kernel default
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
_CHANNEL = re.compile(r"[A-Za-z0-9.\-_]{1,64}")
Data = bytes | bytearray | memoryview


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


class _EpochOutput(FdOutput):
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

    A path that exists and is not a regular file (``/dev/null``, a FIFO) is
    written directly.
    """
    if path.exists() and not path.is_file():
        sink = _BackToBack(str(path), lambda: _open_for_writing(path))
        try:
            yield sink
        finally:
            _close(sink.fd)
        return
    fd, temp = _temporary_beside(path)
    try:
        yield _BackToBack(str(path), lambda: fd)
    except BaseException:
        os.close(fd)
        _remove(Path(temp))
        raise
    os.close(fd)
    try:
        os.replace(temp, path)
    except OSError as exc:
        _remove(Path(temp))
        raise SinkError(f"{path}: cannot rename the output into place: {exc.strerror}") from None


@contextlib.contextmanager
def to_fifo(path: Path) -> Iterator[Sink]:
    """Write to the FIFO ``path``, made if absent (and then removed at exit).

    Opening blocks until a reader opens the other end.
    """
    created = _make_fifo(path)
    sink = _BackToBack(str(path), lambda: _open_for_writing(path))
    try:
        yield sink
    finally:
        _close(sink.fd)
        if created:
            _remove(path)


class SageMakerSink:
    """``<root>/input/data/<channel>_<epoch>`` FIFOs, one per epoch, as in Pipe mode."""

    def __init__(self, data_dir: Path, channel: str, epochs: int) -> None:
        self.data_dir = data_dir
        self.channel = channel
        self.epochs = epochs
        self.created: list[Path] = []

    def fifo(self, index: int) -> Path:
        return self.data_dir / f"{self.channel}_{index}"

    def prepare(self, index: int) -> None:
        """Make epoch ``index``'s FIFO, so that a reader waiting for it finds it."""
        path = self.fifo(index)
        if _make_fifo(path):
            self.created.append(path)

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[Output]:
        path = self.fifo(index)
        fd = _open_for_writing(path)
        try:
            grow_pipe(fd)
            yield _EpochOutput(fd, str(path))
            if index + 1 < self.epochs:
                self.prepare(index + 1)  # before the close that is this epoch's EOF
        finally:
            os.close(fd)


@contextlib.contextmanager
def to_sagemaker(
    root: Path,
    channel: str,
    *,
    epochs: int = 1,
    content_type: str | None = None,
    sharded: bool = False,
    wrapper: str = "RecordIO",
) -> Iterator[Sink]:
    """Lay out ``root`` as SageMaker's ``/opt/ml`` for one Pipe-mode channel.

    Writes ``input/config/inputdataconfig.json`` (other channels in an existing
    file are kept) and serves ``input/data/<channel>_0``, ``_1``, ... as FIFOs.
    """
    if not _CHANNEL.fullmatch(channel):
        raise UsageError(
            f"--channel {channel!r} is not a valid ChannelName",
            "1 to 64 characters of A-Z, a-z, 0-9, '.', '-' and '_', e.g. train",
        )
    entry = {"TrainingInputMode": "Pipe"}
    if content_type is not None:
        entry = {"ContentType": content_type, **entry}
    entry["S3DistributionType"] = "ShardedByS3Key" if sharded else "FullyReplicated"
    entry["RecordWrapperType"] = wrapper
    write_input_config(root / "input" / "config" / "inputdataconfig.json", channel, entry)
    sink = SageMakerSink(_make_dirs(root / "input" / "data"), channel, epochs)
    try:
        sink.prepare(0)
        yield sink
    finally:
        for path in sink.created:
            _remove(path)


def write_input_config(path: Path, channel: str, entry: dict[str, str]) -> None:
    """Set ``channel``'s entry in an ``inputdataconfig.json``, keeping the other channels."""
    _make_dirs(path.parent)
    config: dict[str, Any] = {}
    if path.exists():
        try:
            config = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise SinkError(f"{path}: cannot read the existing config: {exc}") from None
        if not isinstance(config, dict):
            raise SinkError(f"{path}: the existing config is not a JSON object")
    config[channel] = entry
    fd, temp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=2)
            handle.write("\n")
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise SinkError(f"{path}: cannot write: {exc.strerror or exc}") from None


# -- file-system helpers -----------------------------------------------------------------


def _make_dirs(path: Path) -> Path:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(f"{path}: cannot create the directory: {exc.strerror or exc}") from None
    return path


def _make_fifo(path: Path) -> bool:
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


def _open_for_writing(path: Path) -> int:
    try:
        return os.open(path, os.O_WRONLY)
    except OSError as exc:
        raise SinkError(f"{path}: cannot open for writing: {exc.strerror or exc}") from None


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new file next to ``path`` (same file system, so the final rename is atomic)."""
    try:
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    umask = os.umask(0o022)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)  # as if opened normally, not mkstemp's 0600
    return fd, temp


def _close(fd: int | None) -> None:
    if fd is not None and fd > 2:
        with contextlib.suppress(OSError):
            os.close(fd)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
