"""Where ``-ref`` object bytes come from: a local mirror folder or S3, fetched ahead in order.

A :class:`S3Resolver` turns one ``s3://bucket/key`` into a :class:`Fetched` (its length
and its bytes); :func:`prefetch` runs many fetches at once, ahead of a consumer that
sees them strictly in manifest order, with bounded memory.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from augman.errors import AugmanError, SourceError, UsageError
from augman.inputs import s3
from augman.inputs.s3uri import S3Uri, S3UriError, bucket_problem
from augman.refs import mirrorfile
from augman.refs.objects import Fetched, RefError

__all__ = ["Mirror", "Mirrors", "S3Resolver"]

# Read whole inside fetch(); larger objects are read later, by prefetch within its byte
# budget or by the writer. Small, so that fetches in flight hold little outside the budget.
SMALL_OBJECT = 256 << 10
CHUNK = 1 << 20


@dataclass(frozen=True)
class Mirror:
    """--mirror s3://bucket[/prefix]=DIR: objects under that prefix are read from DIR instead.

    The prefix is a folder: ``s3://b/images=DIR`` and ``s3://b/images/=DIR`` both map
    ``s3://b/images/x/1.jpg`` to ``DIR/x/1.jpg``. Keys are file names as they are (no
    URL decoding). A prefix that holds '=' should end in '/': ``s3://b/year=2024/=DIR``.
    """

    bucket: str
    prefix: str
    directory: Path

    @classmethod
    def parse(cls, text: str) -> Mirror:
        """Parse ``s3://bucket[/prefix]=DIR``; raise :class:`UsageError` saying what is wrong."""
        location, directory = _split_mirror(text)
        bucket, _, prefix = location[5:].partition("/")
        problem = bucket_problem(bucket)
        if problem:
            raise UsageError(f"--mirror {text!r}: bucket name {bucket!r} {problem}")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        path = Path(directory).expanduser()
        if not path.is_dir():
            raise UsageError(
                f"--mirror {text!r}: {directory} is not a directory",
                "give an existing folder that holds the objects by key",
            )
        return cls(bucket, prefix, path)

    def covers(self, location: S3Uri) -> bool:
        """Whether this mirror holds ``location``."""
        return location.bucket == self.bucket and location.key.startswith(self.prefix)

    def names(self, location: S3Uri, uri: str | None = None) -> tuple[str, ...]:
        """The path of ``location`` (which this mirror covers) below the folder, as names.

        Raise :class:`~augman.refs.mirrorfile.MirrorRefusal` for a key that leaves it.
        """
        relative = location.key[len(self.prefix) :]
        return mirrorfile.key_names(relative, uri or str(location), self.directory)


class Mirrors:
    """The ``--mirror`` folders: which one holds an object, and its file opened safely.

    The longest prefix wins; each folder is resolved once (it may itself be a link).
    ``stream`` and ``validate --check-refs`` read mirrors through this, so they agree
    on which files are inside one (:mod:`augman.refs.mirrorfile`).
    """

    def __init__(self, mirrors: Sequence[Mirror] = ()) -> None:
        self._mirrors = sorted(mirrors, key=lambda m: -len(m.prefix))
        self._roots = {m: m.directory.resolve() for m in self._mirrors}

    def __bool__(self) -> bool:
        return bool(self._mirrors)

    def covering(self, location: S3Uri) -> Mirror | None:
        """The mirror that holds ``location``, if any."""
        return next((m for m in self._mirrors if m.covers(location)), None)

    def open(
        self, mirror: Mirror, location: S3Uri, uri: str | None = None
    ) -> tuple[IO[bytes], Path]:
        """The file that stands for ``location`` in ``mirror``, open for reading, and its path.

        Raise :class:`~augman.refs.mirrorfile.MirrorRefusal`: missing, denied, or not
        a regular file inside the folder reached without following a link.
        """
        uri = uri or str(location)
        root, names = self._roots[mirror], mirror.names(location, uri)
        file = mirrorfile.open_in(root, names, uri, _MISSING_FILE_HINT)
        return file, root.joinpath(*names)


_MIRROR_HINT = (
    "write --mirror s3://bucket[/prefix]=DIR, e.g. --mirror s3://my-bucket/images=./images"
)


def _split_mirror(text: str) -> tuple[str, str]:
    if not text.startswith("s3://"):
        raise UsageError(f"--mirror {text!r} does not start with s3://", _MIRROR_HINT)
    # Keys may hold '=' (year=2024/): split after the bucket or after a '/' when possible.
    splits = [i for i, char in enumerate(text) if char == "="]
    if not splits:
        raise UsageError(f"--mirror {text!r} has no '=' before the folder", _MIRROR_HINT)
    good = [i for i in splits if text[i - 1] == "/" or "/" not in text[5:i]]
    at = (good or splits)[0]
    location, directory = text[:at], text[at + 1 :]
    if len(location) <= 5 or not directory:
        raise UsageError(f"--mirror {text!r} needs a bucket and a folder", _MIRROR_HINT)
    return location, directory


class S3Resolver:
    """Fetches -ref objects: from a matching mirror folder (longest prefix wins), else S3.

    ``s3_client`` is a zero-argument factory for a shared boto3 client (see
    :func:`augman.inputs.s3.client_factory`), called once, on the first S3 fetch. Objects up
    to ``small_object`` bytes are read whole by :meth:`fetch`; larger ones are read
    in ``chunk_size`` pieces as the caller iterates their chunks. Thread-safe.
    """

    def __init__(
        self,
        mirrors: Sequence[Mirror] = (),
        s3_client: Callable[[], Any] | None = None,
        *,
        small_object: int = SMALL_OBJECT,
        chunk_size: int = CHUNK,
    ) -> None:
        self._mirrors = Mirrors(mirrors)
        self._factory = s3_client or s3.client_factory()
        self._client: Any = None
        self._lock = threading.Lock()
        self.small_object = small_object
        self.chunk_size = chunk_size

    def fetch(self, uri: str) -> Fetched:
        """The object ``uri`` names; raise :class:`RefError` when it cannot be had."""
        try:
            location = S3Uri.parse(uri)
        except S3UriError as exc:
            reason = str(exc)  # most reasons quote the URI already
            message = reason if uri[:60] in reason else f"{uri}: {reason}"
            raise RefError(
                uri, message, "`augman validate` lists every bad -ref value", 1
            ) from None
        mirror = self._mirrors.covering(location)
        if mirror is not None:
            return self._from_file(uri, *self._mirrors.open(mirror, location, uri))
        return _S3Object(self._s3(uri), location, self.chunk_size).fetch(self.small_object)

    def _s3(self, uri: str) -> Any:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._factory()
                except AugmanError as exc:
                    raise RefError(uri, exc.message, exc.hint) from None
            return self._client

    def _from_file(self, uri: str, file: IO[bytes], shown: Path) -> Fetched:
        try:
            length = os.fstat(file.fileno()).st_size
            if length <= self.small_object:
                with file:
                    return Fetched(length, (_read_exactly(file, length, uri),))
        except OSError as exc:
            file.close()
            raise RefError(uri, f"{uri}: cannot read {shown}: {exc.strerror or exc}") from None
        chunks = _file_chunks(file, shown, length, uri, self.chunk_size)
        return Fetched(length, _LazyChunks(uri, chunks, chunks.close))


_MISSING_FILE_HINT = "a --mirror folder holds each object at FOLDER/<key after the prefix>"


def _read_exactly(file: IO[bytes], length: int, uri: str) -> bytes:
    data = file.read(length)
    if len(data) != length or file.read(1):
        raise RefError(uri, f"{uri}: the mirror file changed while it was read")
    return data


def _file_chunks(
    file: IO[bytes], path: Path, length: int, uri: str, chunk_size: int
) -> Generator[bytes, None, None]:
    """Read a large mirror file (already open) lazily, exactly ``length`` bytes, or raise RefError."""
    try:
        with file:
            left = length
            while left:
                piece = file.read(min(chunk_size, left))
                if not piece:
                    raise RefError(uri, f"{uri}: the mirror file {path} shrank while it was read")
                left -= len(piece)
                yield piece
    except OSError as exc:
        raise RefError(uri, f"{uri}: cannot read {path}: {exc.strerror or exc}") from None


class _S3Object:
    """One GET, read whole or in chunks; a broken body is resumed (:class:`s3.ResumableBody`)."""

    def __init__(self, client: Any, location: S3Uri, chunk_size: int) -> None:
        self._uri = str(location)
        self._chunk_size = chunk_size
        try:
            self._body = s3.ResumableBody(client, location)
        except AugmanError as exc:
            raise _as_ref_error(exc, self._uri) from None
        self.length = self._body.length

    def fetch(self, small_object: int) -> Fetched:
        if self.length <= small_object:
            # One read: the body arrives as one bytes object, never copied again.
            return Fetched(self.length, (b"".join(self.chunks(max(self.length, 1))),))
        chunks = self.chunks(self._chunk_size)
        return Fetched(self.length, _LazyChunks(self._uri, chunks, self.close))

    def close(self) -> None:
        self._body.close()

    def chunks(self, piece_size: int) -> Iterator[bytes]:
        try:
            while True:
                try:
                    piece = self._body.read(piece_size)
                except AugmanError as exc:
                    raise _as_ref_error(exc, self._uri) from None
                if not piece:
                    return
                yield piece
        finally:
            self.close()


def _as_ref_error(error: AugmanError, uri: str) -> RefError:
    # inputs.s3 says SourceError only for a missing key or bucket: the data's fault.
    return RefError(uri, error.message, error.hint, 1 if isinstance(error, SourceError) else 2)


class _LazyChunks:
    """The chunks of a large object: read as they are iterated, once; closable unread."""

    def __init__(self, uri: str, chunks: Iterator[bytes], close: Callable[[], None]) -> None:
        self._uri = uri
        self._chunks: Iterator[bytes] | None = chunks
        self._close = close

    def __iter__(self) -> Iterator[bytes]:
        if self._chunks is None:
            # A second pass would silently yield nothing: a short record, so refuse it.
            raise RuntimeError(f"the chunks of {self._uri} can be iterated only once")
        chunks, self._chunks = self._chunks, None
        return chunks

    def close(self) -> None:
        self._close()
