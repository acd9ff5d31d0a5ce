"""Output files that appear whole or not at all: a temp name, renamed on success.

A run that fails or is interrupted (Ctrl-C) removes its temp file and leaves any
earlier file of the same name untouched. A name ending in ``.gz`` is written
gzip-compressed, with a fixed timestamp so that equal content gives equal bytes.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from augman.errors import SinkError

BUFFER = 1 << 20


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through; it takes that name only if the block succeeds."""
    target = Path(path)
    fd, temp = _temp_for(target)
    raw = os.fdopen(fd, "wb")
    try:
        stream = _compressing(raw, target) if target.name.endswith(".gz") else raw
        yield stream
        stream.close()
        raw.close()
        os.replace(temp, target)
    except BaseException as exc:
        raw.close()
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise SinkError(f"{target}: cannot write: {exc.strerror or exc}") from None
        raise


@contextlib.contextmanager
def atomic_outputs(paths: Sequence[Path]) -> Iterator[list[IO[bytes]]]:
    """:func:`atomic_output` for several files that succeed or fail together."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(atomic_output(path)) for path in paths]


def ensure_directory(path: str | Path) -> Path:
    """Create ``path`` (and its parents) if needed; raise :class:`SinkError` if impossible."""
    directory = Path(path)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SinkError(
            f"{directory}: cannot create the directory: {exc.strerror or exc}"
        ) from None
    return directory


def _temp_for(target: Path) -> tuple[int, str]:
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise SinkError(f"{target}: cannot write: {exc.strerror or exc}") from None
    # mkstemp makes the file 0600; give the result the permissions a plain open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return fd, temp


def _compressing(raw: IO[bytes], target: Path) -> IO[bytes]:
    name = target.name[: -len(".gz")]
    gz = gzip.GzipFile(filename=name, mode="wb", fileobj=raw, mtime=0)
    # Batch small writes (one per line) before they reach zlib.
    return io.BufferedWriter(gz, BUFFER)  # type: ignore[arg-type]
