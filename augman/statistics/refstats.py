"""``-ref`` values for ``augman stats``: buckets, folders, extensions and repeated URIs.

Repeats are found with :class:`augman.statistics.seen.SeenIndex` (12 bytes per distinct URI,
every repeat found, false repeats only on a 64-bit hash collision); the first
``EXAMPLES`` repeated URIs are kept in full with their first line numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
import orjson

from augman.statistics.seen import SeenIndex
from augman.statistics.tallies import CappedCounter, Counts

EXAMPLES = 20  # repeated URIs shown with their lines
EXAMPLE_LINES = 5  # line numbers kept per shown URI
NO_EXTENSION = "(none)"


@dataclass(frozen=True)
class Repeat:
    """One URI that appears on several lines: how often, and its first lines."""

    uri: str
    count: int
    lines: tuple[int, ...]


@dataclass(frozen=True)
class RefStats:
    """What one ``-ref`` attribute points at across the manifest.

    ``repeated_uris`` URIs appear on more than one line; ``repeat_lines`` lines
    repeat a URI of an earlier line (so a URI on 3 lines adds 2).
    """

    attribute: str
    values: int
    not_strings: int
    not_s3: int
    buckets: Counts
    prefixes: Counts
    extensions: Counts
    distinct: int
    repeated_uris: int
    repeat_lines: int
    repeats: tuple[Repeat, ...]


class RefFold:
    """Accumulates :class:`RefStats` for one ``-ref`` attribute."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute
        self.values = 0
        self.not_strings = 0
        self.not_s3 = 0
        self.buckets = CappedCounter()
        self.prefixes = CappedCounter()
        self.extensions = CappedCounter()
        self.seen = SeenIndex()
        self.repeated_uris = 0
        self.repeat_lines = 0
        self.repeats: dict[str, list[int]] = {}  # uri -> [count, first lines...]
        self._folder, self._bucket = "", ""  # the last folder seen, and its bucket

    def add(self, line_no: int, raw: msgspec.Raw) -> None:
        data = bytes(raw)
        self.values += 1
        if data[:1] != b'"':
            self.not_strings += 1
            return
        uri: str = orjson.loads(data) if b"\\" in data else data[1:-1].decode()
        if uri.startswith("s3://"):
            self._locate(uri)
        else:
            self.not_s3 += 1
        seen = self.seen.add(hash(uri), line_no)
        if seen is not None:
            self._repeat(uri, line_no, *seen)

    def _locate(self, uri: str) -> None:
        cut = uri.rfind("/") + 1
        folder = uri[:cut]
        if folder != self._folder:  # most lines share the previous line's folder
            bucket = uri[5:].partition("/")[0]
            self._folder, self._bucket = (folder if cut > 5 else f"s3://{bucket}/"), bucket
        self.buckets.add(self._bucket)
        self.prefixes.add(self._folder)
        dot = uri.rfind(".", cut)
        self.extensions.add(uri[dot + 1 :].lower() if cut < dot < len(uri) - 1 else NO_EXTENSION)

    def _repeat(self, uri: str, line_no: int, first: int, first_repeat: bool) -> None:
        self.repeat_lines += 1
        if first_repeat:
            self.repeated_uris += 1
            if len(self.repeats) < EXAMPLES:
                self.repeats[uri] = [1, first]
        kept = self.repeats.get(uri)
        if kept is not None:
            kept[0] += 1
            if len(kept) <= EXAMPLE_LINES:
                kept.append(line_no)

    def flush(self) -> None:
        """Count what the buffers hold (call every ``tallies.BATCH`` lines or so)."""
        for counter in (self.buckets, self.prefixes, self.extensions):
            counter.flush()

    def freeze(self) -> RefStats:
        return RefStats(
            attribute=self.attribute, values=self.values, not_strings=self.not_strings,
            not_s3=self.not_s3, buckets=self.buckets.freeze(), prefixes=self.prefixes.freeze(),
            extensions=self.extensions.freeze(), distinct=len(self.seen),
            repeated_uris=self.repeated_uris, repeat_lines=self.repeat_lines,
            repeats=tuple(Repeat(uri, kept[0], tuple(kept[1:])) for uri, kept in self.repeats.items()),
        )  # fmt: skip
