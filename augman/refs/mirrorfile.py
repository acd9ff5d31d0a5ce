"""Open a file inside a ``--mirror`` folder without following any symlink below the folder.

Resolving a path and then opening it is a race: a folder swapped for a symlink
between the two lets the open read outside the mirror. So each folder on the way
is opened relative to the one before it (``dir_fd``) with ``O_NOFOLLOW``, and the
file last, also ``O_NONBLOCK`` so that a FIFO cannot block the open. What is opened
must be a regular file: a FIFO, socket or device is refused, never read.

Symlinks below the mirror folder are refused, even those that point inside it: the
check cannot be raced, a loop of links is refused like any link, and tools that make
mirrors (``aws s3 sync``, ``aws s3 cp --recursive``) write regular files. The folder
named by ``--mirror`` may itself be a symlink; it is resolved once, when parsed.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from augman.refs.objects import RefError

_FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

_LINK_HINT = (
    "a mirror is read without following symbolic links below its folder: copy the object "
    "into the folder, or point --mirror at the folder the link leads to"
)
_KINDS = {
    stat.S_IFIFO: "FIFO",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


def open_in(
    root: Path, names: Sequence[str], uri: str, missing_hint: str
) -> IO[bytes]:  # fmt: skip
    """Open ``root/names...`` for reading, refusing links, loops and files that are not regular.

    A name that does not exist (or a folder where the object should be) raises a
    :class:`RefError` with exit code 1, like a missing S3 object; the rest exit 2.
    """
    shown = root.joinpath(*names)
    missing = RefError(uri, f"{uri}: no such file {shown} in the mirror", missing_hint, 1)
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise RefError(
            uri, f"{uri}: cannot open the mirror folder {root}: {exc.strerror}"
        ) from None
    try:
        for depth, name in enumerate(names, start=1):
            flags = _FILE if depth == len(names) else _FOLDER
            try:
                opened = os.open(name, flags, dir_fd=fd)
            except OSError as exc:
                raise _refusal(exc, fd, name, uri, root.joinpath(*names[:depth]), missing) from None
            os.close(fd)
            fd = opened
        mode = os.fstat(fd).st_mode
        if not names or stat.S_ISDIR(mode):
            raise missing
        if not stat.S_ISREG(mode):
            kind = _KINDS.get(stat.S_IFMT(mode), "special file")
            raise RefError(
                uri,
                f"{uri}: {shown} is a {kind}, not a regular file",
                "a mirror folder holds each object as a regular file",
            )
        os.set_blocking(fd, True)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return file


def _refusal(
    exc: OSError, folder: int, name: str, uri: str, path: Path, missing: RefError
) -> RefError:  # fmt: skip
    """The RefError for a failed open of ``name`` in the open ``folder``."""
    if exc.errno == errno.ENOENT:
        return missing
    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
        try:
            is_link = stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        if is_link:
            return RefError(uri, f"{uri}: {path} is a symbolic link", _LINK_HINT)
        if exc.errno == errno.ENOTDIR:  # a file where a folder of the key should be
            return missing
    return RefError(uri, f"{uri}: cannot read {path}: {exc.strerror or exc}")
