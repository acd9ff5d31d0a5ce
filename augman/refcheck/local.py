"""``--mirror`` folders: objects under a mirrored prefix are checked as local files.

The same outcomes as in S3: a missing file is a missing object, an unreadable one a
denied one; sizes and image headers come from the file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from augman.inputs.s3uri import S3Uri
from augman.refcheck.outcomes import DENIED, HEADER_BYTES, MISSING, UNREADABLE, Outcome, found
from augman.refs import Mirror


class MirrorChecker:
    """Checks the objects that a mirror covers (longest prefix first, as ``stream`` reads them)."""

    def __init__(self, mirrors: Sequence[Mirror], *, content: bool = False) -> None:
        self._mirrors = sorted(mirrors, key=lambda m: -len(m.prefix))
        self._roots = {m: m.directory.resolve() for m in self._mirrors}
        self.content = content
        self.bytes_read = 0

    def covering(self, location: S3Uri) -> Mirror | None:
        """The mirror that holds ``location``, if any."""
        return next((m for m in self._mirrors if m.covers(location)), None)

    def check(self, mirror: Mirror, location: S3Uri) -> Outcome:
        """The outcome of the file that stands for ``location``."""
        root = self._roots[mirror]
        try:
            path = (root / location.key[len(mirror.prefix) :]).resolve()
        except (OSError, ValueError) as exc:
            return Outcome(code=UNREADABLE, detail=f"the key is not a usable file name ({exc})")
        if path != root and root not in path.parents:
            return Outcome(code=UNREADABLE, detail=f"the key leads outside {mirror.directory}")
        return self._file(path)

    def _file(self, path: Path) -> Outcome:
        try:
            with open(path, "rb") as file:
                size = os.fstat(file.fileno()).st_size
                head = file.read(HEADER_BYTES) if self.content else None
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return Outcome(code=MISSING, detail=f"no such file {path} in the mirror")
        except PermissionError:
            return Outcome(code=DENIED, detail=f"{path} is not readable")
        except OSError as exc:
            return Outcome(code=UNREADABLE, detail=f"cannot read {path}: {exc.strerror or exc}")
        if head is not None:
            self.bytes_read += len(head)
        return found(size, head, complete=head is not None and len(head) >= size)
