"""``--mirror`` folders: objects under a mirrored prefix are checked as local files.

The same outcomes as in S3: a missing file is a missing object, an unreadable one a
denied one; sizes and image headers come from the file. Which file stands for a key,
and whether it may be read, is the refs layer's (:class:`~augman.refs.Mirrors`), so
``--check-refs`` and ``stream`` agree: a key with '..' that leaves the folder, a
symbolic link below it, or a FIFO, socket or device is AM313 (never opened for
reading, so a FIFO cannot hang the check); a missing file AM307, a denied one AM308.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from augman.inputs.s3uri import S3Uri
from augman.refcheck.outcomes import DENIED, HEADER_BYTES, MISSING, UNREADABLE, Outcome, found
from augman.refs import Mirror, Mirrors, mirrorfile

_CODES = {mirrorfile.MISSING: MISSING, mirrorfile.DENIED: DENIED}


class MirrorChecker:
    """Checks the objects that a mirror covers (longest prefix first, as ``stream`` reads them)."""

    def __init__(self, mirrors: Sequence[Mirror], *, content: bool = False) -> None:
        self._mirrors = Mirrors(mirrors)
        self.content = content
        self.bytes_read = 0

    def covering(self, location: S3Uri) -> Mirror | None:
        """The mirror that holds ``location``, if any."""
        return self._mirrors.covering(location)

    def check(self, mirror: Mirror, location: S3Uri) -> Outcome:
        """The outcome of the file that stands for ``location``."""
        try:
            file, path = self._mirrors.open(mirror, location)
        except mirrorfile.MirrorRefusal as exc:
            return Outcome(code=_CODES.get(exc.reason, UNREADABLE), detail=exc.detail)
        try:
            with file:
                size = os.fstat(file.fileno()).st_size
                head = file.read(HEADER_BYTES) if self.content else None
        except OSError as exc:
            return Outcome(code=UNREADABLE, detail=f"cannot read {path}: {exc.strerror or exc}")
        if head is not None:
            self.bytes_read += len(head)
        return found(size, head, complete=head is not None and len(head) >= size)
