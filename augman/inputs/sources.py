"""Manifest bytes in: a path, ``-`` for stdin, or ``s3://bucket/key``; gzip by magic bytes.

Everything is read lazily in binary. Gzip is decompressed, and S3 bodies are
read, on a background thread so that parsing on the main thread does not wait
for them (zlib and socket reads release the GIL).
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import queue
import stat
import sys
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from augman.errors import SourceError, UsageError
from augman.inputs.lines import MAX_LINE_BYTES, line_chunks

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 1 << 20


@dataclass
class Source:
    """An open manifest: ``name`` as the user gave it and a binary ``stream`` of lines.

    ``path`` is set when the bytes are a plain (uncompressed) regular file, which
    can be read again by offset (shuffles, parallel validation); ``size`` is the
    number of bytes to read when known (for progress).
    """

    name: str
    stream: IO[bytes]
    path: str | None = None
    size: int | None = None
    compressed: bool = False
    live: bool = False  # stdin or a FIFO: lines arrive over time, so read no further ahead
    max_line: int = MAX_LINE_BYTES  # a longer line is read past, not held (AM115)

    def chunks(self) -> Iterator[list[bytes]]:
        """The lines in chunks: of 1,024 lines, or from a pipe, of those that arrived."""
        return line_chunks(self.stream, self.max_line, live=self.live)

    def size_read(self) -> int:
        """The number of bytes the whole source held, once it has been read."""
        return self.size if self.path and self.size is not None else self.bytes_read()

    def bytes_read(self) -> int:
        """How far the underlying (compressed) input has been read, for progress."""
        return self._position() if self._position else 0

    _position: Callable[[], int] | None = None


@contextlib.contextmanager
def open_source(
    spec: str, s3_client: Callable[[], Any] | None = None, max_line: int = MAX_LINE_BYTES
) -> Iterator[Source]:
    """Open a manifest for reading; raise :class:`SourceError` when it cannot be.

    ``s3_client`` is a zero-argument factory for a boto3 S3 client, called only
    for ``s3://`` sources. ``max_line`` is the longest line, in bytes, that is kept.
    """
    if max_line < 1:
        raise UsageError(f"the line limit must be at least 1 byte, not {max_line}")
    with contextlib.ExitStack() as stack:
        if spec == "-":
            source = _from_stream("-", live_reader(sys.stdin.buffer), stack)
            source.live = True
        elif spec.startswith("s3://"):
            source = _from_s3(spec, s3_client, stack)
        else:
            source = _from_path(spec, stack)
        source.max_line = max_line
        yield source


def _from_path(path: str, stack: contextlib.ExitStack) -> Source:
    try:
        raw = stack.enter_context(open(path, "rb"))  # noqa: SIM115 (closed by the stack)
        size = os.fstat(raw.fileno()).st_size
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file", "check the path, or use - for stdin") from None
    except IsADirectoryError:
        raise SourceError(f"{path}: is a directory, not a manifest file") from None
    except OSError as exc:
        raise SourceError(f"{path}: cannot open: {exc.strerror or exc}") from None
    live = is_live(raw)
    source = _from_stream(path, live_reader(raw) if live else raw, stack)
    source.size = size
    source.live = live
    source._position = raw.tell
    if not source.compressed and not live and os.path.isfile(path):
        source.path = path
    return source


def is_live(raw: IO[bytes]) -> bool:
    """Whether an open file is a FIFO or device, whose lines arrive over time."""
    return not stat.S_ISREG(os.fstat(raw.fileno()).st_mode)


def _from_stream(name: str, raw: IO[bytes], stack: contextlib.ExitStack) -> Source:
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(_RawAdapter(raw.read), CHUNK)
    try:
        head = buffered.peek(2)[:2]  # type: ignore[attr-defined]
    except OSError as exc:
        raise SourceError(f"{name}: cannot read: {exc}") from None
    if head == GZIP_MAGIC:
        gz = gzip.GzipFile(fileobj=buffered, mode="rb")
        stream = stack.enter_context(_threaded(name, gz))
        return Source(name, stream, compressed=True)
    return Source(name, buffered)


def _from_s3(uri: str, s3_client: Callable[[], Any] | None, stack: contextlib.ExitStack) -> Source:
    from augman.inputs import s3
    from augman.inputs.s3uri import S3Uri, S3UriError

    try:
        location = S3Uri.parse(uri)
    except S3UriError as exc:
        raise SourceError(f"{uri}: {exc}") from None
    client = s3_client() if s3_client else s3.make_client()
    body, size = s3.open_object(client, location)
    stack.callback(body.close)
    threaded = stack.enter_context(_threaded(uri, body))
    source = _from_stream(uri, threaded, stack)
    source.size = size
    return source


def live_reader(raw: IO[bytes]) -> IO[bytes]:
    """A buffered reader of live input that takes what has arrived and ends at the first end.

    At a terminal, Ctrl-D makes one read return nothing and the next read waits
    again. A plain buffered reader reads again after that empty read (``peek`` then
    ``readline``, a line iterator asked once more past its end), so one Ctrl-D was
    not enough; here the first empty read ends the input for good, and each read
    takes only what is there (``read1``), so a line leaves as soon as it is typed.
    """
    return io.BufferedReader(_RawAdapter(getattr(raw, "read1", raw.read)), CHUNK)


class _RawAdapter(io.RawIOBase):
    """A raw reader over a ``read(n)`` function (a botocore StreamingBody's, a queue's).

    The first empty read is the end, for good: a terminal's next read would wait.
    """

    def __init__(self, read: Callable[[int], bytes]) -> None:
        self._read = read
        self._ended = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._ended:
            return 0
        data = self._read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._ended = not n
        return n


class _QueueReader:
    """Reads chunks that a background thread puts on a queue; re-raises its errors."""

    def __init__(self, name: str, chunks: queue.Queue[bytes | BaseException]) -> None:
        self._name = name
        self._chunks = chunks
        self._pending = memoryview(b"")
        self._done = False

    def read(self, n: int) -> bytes:
        if not self._pending and not self._done:
            item = self._chunks.get()
            if isinstance(item, BaseException):
                self._done = True
                raise _source_error(self._name, item)
            if not item:
                self._done = True
            self._pending = memoryview(item)
        data, self._pending = self._pending[:n], self._pending[n:]
        return bytes(data)


@contextlib.contextmanager
def _threaded(name: str, reader: Any) -> Iterator[IO[bytes]]:
    """Read ``reader`` in CHUNKs on a daemon thread; yield a buffered stream of it."""
    chunks: queue.Queue[bytes | BaseException] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def pump() -> None:
        try:
            while not stop.is_set():
                chunk = reader.read(CHUNK)
                _put(chunks, chunk, stop)
                if not chunk:
                    return
        except BaseException as exc:  # handed to the reading thread, which raises it
            _put(chunks, exc, stop)

    thread = threading.Thread(target=pump, name=f"augman-read:{name}", daemon=True)
    thread.start()
    try:
        yield io.BufferedReader(_RawAdapter(_QueueReader(name, chunks).read), CHUNK)
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            chunks.get_nowait()  # unblock a pump waiting on a full queue


def _put(
    chunks: queue.Queue[bytes | BaseException], item: bytes | BaseException, stop: threading.Event
) -> None:
    while not stop.is_set():
        try:
            chunks.put(item, timeout=0.1)
            return
        except queue.Full:
            continue


def _source_error(name: str, exc: BaseException) -> BaseException:
    if isinstance(exc, (gzip.BadGzipFile, zlib.error, EOFError)):
        return SourceError(
            f"{name}: the gzip data is corrupt or truncated ({exc})",
            "re-create or re-download the file; `gzip -t FILE` confirms the damage",
        )
    if isinstance(exc, SourceError | KeyboardInterrupt):
        return exc
    if isinstance(exc, OSError):
        return SourceError(f"{name}: read failed: {exc}")
    from augman.inputs import s3

    return s3.as_augman_error(exc, name) or exc


MANIFEST_SUFFIXES = (".manifest", ".jsonl", ".manifest.gz", ".jsonl.gz")


def expand_folders(specs: Sequence[str]) -> list[str]:
    """Each spec as it is, but a local folder as the manifests under it, sorted.

    A manifest is a file named ``*.manifest`` or ``*.jsonl`` (``.gz`` too); hidden
    files and folders are left out. A folder with none is a :class:`UsageError`.
    """
    expanded: list[str] = []
    for spec in specs:
        if spec == "-" or spec.startswith("s3://") or not os.path.isdir(spec):
            expanded.append(spec)
            continue
        found = sorted(
            str(path)
            for path in Path(spec).rglob("*")
            if path.name.endswith(MANIFEST_SUFFIXES)
            and path.is_file()
            and not any(part.startswith(".") for part in path.relative_to(spec).parts)
        )
        if not found:
            raise UsageError(
                f"{spec}: a folder with no manifest in it",
                f"augman looks for files named {', '.join('*' + s for s in MANIFEST_SUFFIXES)}",
            )
        expanded.extend(found)
    return expanded
