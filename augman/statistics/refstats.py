"""``-ref`` values for ``augman stats``: buckets, folders, extensions and repeated URIs.

A chunk's values of one ``-ref`` attribute are taken as a column. When every value
is a string written without escapes (nearly always), the column is decoded by one
split of its joined bytes, and a few searches in those bytes find whether all the
URIs are in the folder and have the extension of the last URI seen before: then
they are counted without looking at any one of them. Otherwise the folders and
extensions come from ``str.rpartition`` over the column and a ``Counter``.

Repeats are found with :class:`augman.statistics.seen.SeenIndex` (12 bytes per distinct URI,
every repeat found, false repeats only on a 64-bit hash collision); the first
``EXAMPLES`` repeated URIs are kept in full with their first line numbers. URIs
that ascend, as in most manifests, are new without a lookup (:class:`_Ascent`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import and_, eq, itemgetter, lt, or_

import orjson

from augman.statistics.columns import STRING, Column
from augman.statistics.seen import SeenIndex
from augman.statistics.tallies import CappedCounter, Counts

EXAMPLES = 20  # repeated URIs shown with their lines
EXAMPLE_LINES = 5  # line numbers kept per shown URI
NO_EXTENSION = "(none)"
S3 = "s3://"
_QUOTE = b'"'


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
    """Accumulates :class:`RefStats` for one ``-ref`` attribute, a column of a chunk at a time."""

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
        self._ascent = _Ascent()
        self._folder = ""  # the last URI's: most columns are all in that folder
        self._suffix = ""  # the last URI's extension, with its dot, as written

    def add_column(self, column: Column) -> None:
        """Add a chunk's values of this attribute, in line order."""
        self.values += len(column)
        uris = _plain_strings(column)
        if uris is not None:
            column.known = STRING
            self._locate(uris, column.joined)
            self._remember(uris, column.numbers)
            return
        uris, lines = self._strings(column)
        if uris:
            self._locate(uris, None)
            self._remember(uris, lines)

    def _strings(self, column: Column) -> tuple[list[str], list[int]]:
        """The values that are strings, decoded one by one, and their lines; counts the others."""
        uris, lines = [], []
        for line_no, raw in zip(column.numbers, column.values, strict=True):
            data = bytes(raw)
            if data[:1] != _QUOTE:
                self.not_strings += 1
                continue
            uris.append(orjson.loads(data) if b"\\" in data else data[1:-1].decode())
            lines.append(line_no)
        return uris, lines

    def _locate(self, uris: list[str], quoted: bytes | None) -> None:
        """Count the buckets, folders and extensions of the ``s3://`` URIs among ``uris``.

        ``quoted`` is the column as written (each URI in quotes, one per line) when
        no value needed decoding: most columns are then counted by a few searches
        in it, without a look at each URI.
        """
        folders = self._in_folder(len(uris), quoted)
        if folders is not None:
            s3 = uris  # all in the last folder, so all s3:// URIs
        else:
            s3 = self._s3(uris, quoted)
            if not s3:
                return
            folders = self._folders(s3)
            quoted = quoted if len(s3) == len(uris) else None
        self.prefixes.add_counts(folders)
        buckets: dict[str, int] = {}
        for folder, n in folders:
            bucket = folder[5:].partition("/")[0]
            buckets[bucket] = buckets.get(bucket, 0) + n
        self.buckets.add_counts(buckets.items())
        self.extensions.add_counts(self._with_suffix(len(s3), quoted) or self._extensions(s3))

    def _s3(self, uris: list[str], quoted: bytes | None) -> list[str]:
        """The ``s3://`` URIs among ``uris``; counts the others."""
        n = len(uris)
        if (
            quoted is not None
            and quoted.startswith(b'"s3://')
            and quoted.count(b'\n"s3://') == n - 1
        ):
            return uris
        s3 = list(compress(uris, map(str.startswith, uris, repeat(S3))))
        self.not_s3 += n - len(s3)
        return s3

    def _in_folder(self, n: int, quoted: bytes | None) -> list[tuple[str, int]] | None:
        """``[(folder, n)]`` if every URI is in the last folder seen (no deeper), else None."""
        if quoted is None or not self._folder:
            return None
        folder = b'"' + self._folder.encode()
        if (
            quoted.startswith(folder)
            and quoted.count(b"\n" + folder) == n - 1
            and quoted.count(b"/") == n * folder.count(b"/")
        ):
            return [(self._folder, n)]
        return None

    def _folders(self, uris: list[str]) -> list[tuple[str, int]]:
        self._folder = folder_of(uris[-1])
        heads = Counter(map(itemgetter(0), map(str.rpartition, uris, repeat("/"))))
        if "s3:/" in heads:  # s3://bucket with no key: the folder is s3://bucket/
            return list(Counter(map(folder_of, uris)).items())
        return [(head + "/", n) for head, n in heads.items()]

    def _with_suffix(self, n: int, quoted: bytes | None) -> list[tuple[str, int]] | None:
        """``[(extension, n)]`` if every URI ends with the last extension seen, else None."""
        if quoted is None or not self._suffix:
            return None
        suffix = self._suffix.encode() + _QUOTE
        if (
            quoted.endswith(suffix)
            and quoted.count(suffix + b"\n") == n - 1
            and b"/" + suffix not in quoted  # a dot that starts the name is no extension's
        ):
            return [(self._suffix[1:].lower(), n)]
        return None

    def _extensions(self, uris: list[str]) -> list[tuple[str, int]]:
        last = uris[-1]
        self._suffix = last[last.rfind(".") :] if extension_of(last) != NO_EXTENSION else ""
        if any(map(str.__contains__, uris, repeat("/."))):
            return list(Counter(map(extension_of, uris)).items())  # some name starts with a dot
        found: dict[str, int] = {}
        for tail, n in Counter(map(itemgetter(2), map(str.rpartition, uris, repeat(".")))).items():
            key = tail.lower() if tail and "/" not in tail else NO_EXTENSION
            found[key] = found.get(key, 0) + n
        return list(found.items())

    def _remember(self, uris: list[str], lines: Sequence[int]) -> None:
        """Find the URIs seen on earlier lines (or earlier in the column)."""
        keys = list(map(hash, uris))
        if self._ascent.all_new(uris):
            self.seen.add_new(keys, lines)
            return
        for index, first, first_repeat in self.seen.add_many(keys, lines):
            self._repeat(uris[index], lines[index], first, first_repeat)

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


class _Ascent:
    """Whether a column's URIs are all new, known without looking one up.

    URIs that ascend, each greater than every URI before it, repeat none. Two
    orders are tried: by characters, as S3 lists keys, and by length first, as
    unpadded numbers ascend (``9.png``, ``10.png``). The greatest URI so far in
    each order is all that is kept.
    """

    def __init__(self) -> None:
        self.greatest = ""
        self.longest = (0, "")  # the greatest by (length, characters)

    def all_new(self, uris: list[str]) -> bool:
        """Whether every URI (in line order) is greater than all before it, in either order."""
        lengths = list(map(len, uris))
        by_characters = all(map(lt, uris, islice(uris, 1, None)))
        if lengths.count(lengths[0]) == len(lengths):
            by_length = by_characters  # all of one length: the two orders agree
        else:
            shorter = map(lt, lengths, islice(lengths, 1, None))
            as_long = map(eq, lengths, islice(lengths, 1, None))
            before = map(lt, uris, islice(uris, 1, None))
            by_length = all(map(or_, shorter, map(and_, as_long, before)))
        new = (by_characters and uris[0] > self.greatest) or (
            by_length and (lengths[0], uris[0]) > self.longest
        )
        self.greatest = max(self.greatest, uris[-1] if by_characters else max(uris))
        longest = (lengths[-1], uris[-1]) if by_length else max(zip(lengths, uris, strict=True))
        self.longest = max(self.longest, longest)
        return new


def folder_of(uri: str) -> str:
    """An ``s3://`` URI's folder: up to its last ``/``, or ``s3://bucket/`` for a bare bucket."""
    cut = uri.rfind("/") + 1
    return uri[:cut] if cut > len(S3) else f"{S3}{uri[len(S3) :].partition('/')[0]}/"


def extension_of(uri: str) -> str:
    """After the last dot of the name, lower-cased; none for ``.name``, ``name.`` or no dot."""
    cut = uri.rfind("/") + 1
    dot = uri.rfind(".", cut)
    return uri[dot + 1 :].lower() if cut < dot < len(uri) - 1 else NO_EXTENSION


def _plain_strings(column: Column) -> list[str] | None:
    """Every value decoded, if each is a string written without escapes (one split); else None."""
    joined = column.joined
    if joined[:1] != _QUOTE or joined[-1:] != _QUOTE or b"\\" in joined:
        return None
    uris = str(memoryview(joined)[1:-1], "utf-8").split('"\n"')
    return uris if len(uris) == len(column) else None  # fewer: some value was no string
