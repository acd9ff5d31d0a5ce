"""Output files that appear whole or not at all: a temp name, renamed on success.

A run that fails or is interrupted (Ctrl-C, SIGTERM) removes its temp file and leaves
any earlier file of the same name untouched. Every temp file is registered *before* it
is created, so that :func:`remove_leftovers` (called by the CLI on its way out,
however it leaves) removes one that an interrupt caught between its creation and
the code that would remove it. A name ending in ``.gz`` is written gzip-compressed,
with a fixed timestamp so that equal content gives equal bytes.

A FIFO or a device is written into, as it is (there is nothing to replace atomically).
A symbolic link is written through: the file it points to is replaced atomically (its
temp file made beside it, in its own folder) and the link stays a link; a dangling link
makes the file it names.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import secrets
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from augman.errors import SinkError

BUFFER = 1 << 20


@contextlib.contextmanager
def atomic_output(path: str | Path) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through; it takes that name only if the block succeeds."""
    target = written_path(path)
    if writes_in_place(target):
        try:
            raw = open(target, "wb")  # noqa: SIM115 (closed by _writing); a FIFO waits for a reader
        except OSError as exc:
            raise SinkError(f"{target}: cannot open for writing: {exc.strerror or exc}") from None
        with _writing(raw, target) as stream:
            yield stream
        return
    fd, temp = temporary_beside(target)  # registered: an interrupt before `try` cannot leave it
    try:
        with _writing(os.fdopen(fd, "wb"), target) as stream:
            yield stream
    except BaseException:
        discard(temp)
        raise
    rename_into_place(temp, target)


@contextlib.contextmanager
def _writing(raw: IO[bytes], target: Path) -> Iterator[IO[bytes]]:
    """``raw`` (gzip-compressed for a ``.gz`` name), closed at the end; write errors are SinkErrors."""
    try:
        stream = _compressing(raw, target) if target.name.endswith(".gz") else raw
        yield stream
        stream.close()
        raw.close()
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise SinkError(f"{target}: cannot write: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(OSError):
            raw.close()  # after an error its flush may fail again (a full disk): closed anyway


def written_path(path: str | Path) -> Path:
    """Where writing ``path`` lands: the file a symbolic link finally points to, else ``path``."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)


def writes_in_place(path: Path) -> bool:
    """Whether ``path`` is a FIFO or a device: written into, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


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


_TEMPS: set[str] = set()  # temp files made by this process, not yet renamed or removed


def temporary_beside(path: Path) -> tuple[int, str]:
    """A new file next to ``path`` (same file system, so the final rename is atomic).

    Its mode is what a plain ``open()`` would give (0666 less the umask).
    """
    for _ in range(100):
        temp = str(path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp")
        _TEMPS.add(temp)  # first: an interrupt from here on cannot leave it behind
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:
            _TEMPS.discard(temp)
        except OSError as exc:
            _TEMPS.discard(temp)
            raise SinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    raise SinkError(f"{path}: cannot write: no free temporary name beside it")


def discard(temp: str) -> None:
    """Remove a temp file of :func:`temporary_beside` (gone already is fine)."""
    with contextlib.suppress(OSError):
        os.unlink(temp)
    _TEMPS.discard(temp)


def rename_into_place(temp: str, path: Path) -> None:
    """Give a finished temp file its name, replacing ``path``; the temp file goes if that fails."""
    try:
        os.replace(temp, path)
    except OSError as exc:
        discard(temp)
        raise SinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    _TEMPS.discard(temp)


def remove_leftovers() -> None:
    """Remove every temp file not renamed or removed yet: the last step of an interrupted run."""
    for temp in list(_TEMPS):
        discard(temp)


def _compressing(raw: IO[bytes], target: Path) -> IO[bytes]:
    name = target.name[: -len(".gz")]
    gz = gzip.GzipFile(filename=name, mode="wb", fileobj=raw, mtime=0)
    # Batch small writes (one per line) before they reach zlib.
    return io.BufferedWriter(gz, BUFFER)  # type: ignore[arg-type]
