"""Spools: large payloads held in unnamed temporary files until their line is complete.

A record is only started on the output once all of its bytes are here, so a fetch
that fails part-way can never leave a torn record. Payloads too large to hold in
memory wait in a :func:`tempfile.TemporaryFile`, which on Linux has no name at all
(``O_TMPFILE``) and elsewhere is unlinked at once: it is gone when closed, and when
the process ends however it ends. ``TMPDIR`` chooses where.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from typing import IO

from augman.errors import SourceError

PIECE = 1 << 20


def spool(chunks: Iterable[bytes], length: int) -> tuple[IO[bytes], int]:
    """Copy ``chunks`` into a new spool; return it (at its start) and the bytes received.

    Stops reading after ``length + 1`` bytes (enough to tell an object that grew).
    The spool is closed when reading or writing fails.
    """
    try:
        file = tempfile.TemporaryFile(prefix="augman-spool-")  # noqa: SIM115 (returned)
    except OSError as exc:
        raise _spool_error(exc) from None
    received = 0
    try:
        for chunk in chunks:
            file.write(chunk)
            received += len(chunk)
            if received > length:
                break
        file.seek(0)
    except OSError as exc:
        file.close()
        raise _spool_error(exc) from None
    except BaseException:
        file.close()
        raise
    return file, received


def copy_out(file: IO[bytes], write: Callable[[bytes], object]) -> int:
    """Write a spool's bytes with ``write``, a piece at a time; return how many."""
    total = 0
    while piece := file.read(PIECE):
        write(piece)
        total += len(piece)
    return total


def _spool_error(exc: OSError) -> SourceError:
    return SourceError(
        f"cannot hold a large object in a temporary file: {exc.strerror or exc}",
        "set TMPDIR to a folder with room for the largest -ref object",
    )
