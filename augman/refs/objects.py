"""What a ``-ref`` fetch gives back, and how it fails: the vocabulary of :mod:`augman.refs`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from augman.errors import AugmanError


class RefError(AugmanError):
    """A -ref object could not be fetched.

    ``exit_code`` is 1 when the object is missing (the manifest names something
    that is not there), 2 when it could not be read (denied, network, credentials).
    """

    def __init__(self, uri: str, message: str, hint: str | None = None, exit_code: int = 2):
        super().__init__(message, hint)
        self.uri = uri
        self.exit_code = exit_code


@dataclass(frozen=True)
class Fetched:
    """One -ref object: its exact length and its bytes, as one or more chunks.

    ``chunks`` yields exactly ``length`` bytes in total, in order. It may be lazy (a
    large object is read as the consumer iterates), in which case it can be
    iterated once, and a failure part-way raises :class:`RefError` from the iteration.
    """

    length: int
    chunks: Iterable[bytes]


class Resolver(Protocol):
    """Anything that fetches the object a ``-ref`` URI names: :class:`S3Resolver`, or a fake."""

    def fetch(self, uri: str) -> Fetched: ...
