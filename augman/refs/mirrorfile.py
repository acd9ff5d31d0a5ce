"""Open a file inside a ``--mirror`` folder without following any symlink below the folder.

Resolving a path and then opening it is a race: a folder swapped for a symlink
between the two lets the open read outside the mirror. So each folder on the way
is opened relative to the one before it (``dir_fd``) with ``O_NOFOLLOW``, and the
file last, also ``O_NONBLOCK`` so that a FIFO cannot block the open. What is opened
must be a regular file: a FIFO, socket or device is refused, never read.

This module is where ``stream`` (:class:`~augman.refs.S3Resolver`) and
``validate --check-refs`` (:mod:`augman.refcheck.local`) agree on which files are
inside a mirror: :func:`key_names` maps a key to names below the folder, :func:`open_in`
opens them, and both raise :class:`MirrorRefusal` saying why not.

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

MISSING, DENIED, UNREADABLE = "missing", "denied", "unreadable"

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


class MirrorRefusal(RefError):
    """A mirror file that cannot be read: ``reason`` says why (:data:`MISSING`,
    :data:`DENIED` or :data:`UNREADABLE`), ``detail`` the message without the URI.

    A missing file exits 1, like a missing S3 object; the rest exit 2.
    """

    def __init__(self, uri: str, detail: str, hint: str | None = None, reason: str = UNREADABLE):
        super().__init__(uri, f"{uri}: {detail}", hint, 1 if reason == MISSING else 2)
        self.detail = detail
        self.reason = reason


def key_names(relative: str, uri: str, folder: Path) -> tuple[str, ...]:
    """The path of ``relative`` (a key after the mirror's prefix) below ``folder``, as names.

    '..' is taken lexically, which is exact here: no link below the folder is followed.
    A key that leaves the folder (more '..' than names, a leading '/') or holds a NUL
    byte is refused.
    """
    names: list[str] = []
    for name in relative.split("/"):
        if name == "..":
            if not names:
                break
            names.pop()
        elif name not in ("", "."):
            names.append(name)
    else:
        if not relative.startswith("/") and "\0" not in relative:
            return tuple(names)
    raise MirrorRefusal(
        uri,
        f"key leads outside the mirror folder {folder}",
        "keys with '..' or a leading '/' cannot be read from a mirror",
    )


def open_in(
    root: Path, names: Sequence[str], uri: str, missing_hint: str
) -> IO[bytes]:  # fmt: skip
    """Open ``root/names...`` for reading, refusing links, loops and files that are not regular.

    A name that does not exist (or a folder where the object should be) raises a
    :class:`MirrorRefusal` for a missing file (exit code 1, like a missing S3 object);
    the rest exit 2.
    """
    shown = root.joinpath(*names)
    missing = MirrorRefusal(uri, f"no such file {shown} in the mirror", missing_hint, MISSING)
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise MirrorRefusal(
            uri, f"cannot open the mirror folder {root}: {exc.strerror}", reason=_reason(exc)
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
            raise MirrorRefusal(
                uri,
                f"{shown} is a {kind}, not a regular file",
                "a mirror folder holds each object as a regular file",
            )
        os.set_blocking(fd, True)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    return file


def _refusal(
    exc: OSError, folder: int, name: str, uri: str, path: Path, missing: MirrorRefusal
) -> MirrorRefusal:  # fmt: skip
    """The RefError for a failed open of ``name`` in the open ``folder``."""
    if exc.errno == errno.ENOENT:
        return missing
    if exc.errno in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
        try:
            is_link = stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
        except OSError:
            is_link = False
        if is_link:
            return MirrorRefusal(uri, f"{path} is a symbolic link", _LINK_HINT)
        if exc.errno == errno.ENOTDIR:  # a file where a folder of the key should be
            return missing
    return MirrorRefusal(uri, f"cannot read {path}: {exc.strerror or exc}", reason=_reason(exc))


def _reason(exc: OSError) -> str:
    return DENIED if exc.errno in (errno.EACCES, errno.EPERM) else UNREADABLE
