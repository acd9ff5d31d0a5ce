"""The scan engine: every command reads a manifest's lines through a :class:`Scanner`.

A chunk of lines is decoded in one C loop (msgspec, top level only, values left raw),
and each rule is then tested for the whole chunk at once, with C-level loops
(``map``, ``Counter``, ``bytes.count``, one regular expression over all ``-ref``
values). A line that a bulk test cannot prove clean is a *suspect*; only suspects go
through the exact per-line checker (:meth:`LineChecker.check`), so one odd line
costs one line, not its whole chunk. What the bulk tests prove, and how:

- the line is a JSON object: msgspec decoded it (a failure marks that line only);
- UTF-8, CR line ends and lone surrogate escapes: tests on the chunk's joined bytes,
  narrowed to the lines concerned only when one fails;
- no key is repeated, whatever the spacing: a line's ``"`` count equals two per key
  plus the ``"`` in its raw values exactly when no pair was dropped by decoding
  (keys that hold a quote or backslash make their lines suspects);
- attributes: missing names and order depend on the key set alone (cached shapes);
  empty values and ``-ref`` values are tested a column at a time.

Suspects and clean runs are then taken in line order, so findings, tallies and the
per-key-set line lists are exactly what the per-line path alone would give; a
hypothesis test holds the two paths to that.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, compress, count, islice, repeat
from operator import add, ne, not_
from typing import Any, cast

from augman.checking.findings import Finding, Severity
from augman.checking.lines import (
    DECODE_ERRORS,
    EMPTY_VALUES,
    LINES_PER_SHAPE,
    MAX_GOOD_BUCKETS,
    MAX_SHAPES,
    LineChecker,
    Top,
    decode_top,
)  # fmt: skip
from augman.inputs.lines import chunks
from augman.inputs.s3uri import MAX_URI_LENGTH

_QUOTE = b'"'
_NOT_EMPTY = b"0"  # stands in for an absent attribute when looking for empty values
_GOOD_REF = b'"s3://bucket/key"'  # ... and for an absent -ref attribute
_ALL = b"\n"


@dataclass
class ChunkScan:
    """One chunk of consecutive lines after every line rule.

    ``tops[i]`` is line ``i``'s top-level object (values raw), or None when the line
    is not a JSON object. ``findings`` holds the findings of the lines that have any,
    by index in the chunk, in line order. ``rejected`` lists, ascending, the lines
    that must not be used: no object, or an error among their findings.
    """

    numbers: Sequence[int]
    lines: list[bytes]
    tops: list[Top | None]
    findings: dict[int, list[Finding]]
    rejected: list[int]

    def segments(self) -> Iterator[tuple[int, int, int | None]]:
        """``(start, end, bad)``: lines ``[start, end)`` are usable, then line ``bad`` is not.

        The last segment has ``bad`` None. Every line is in exactly one segment.
        """
        start = 0
        for bad in self.rejected:
            yield start, bad, bad
            start = bad + 1
        yield start, len(self.lines), None

    def errors(self, index: int) -> list[Finding]:
        """The error findings of line ``index`` of the chunk."""
        return [f for f in self.findings.get(index, ()) if f.severity is Severity.error]


class Scanner:
    """Scans the lines of one manifest, chunk by chunk, in line order.

    ``attrs`` is AttributeNames (None: no attribute rules, but AM203 coverage).
    ``at_start`` is False for a part of a file that does not start at its first line
    (``--jobs``), where no byte order mark is looked for. ``exact_lines`` counts the
    lines that went through the per-line checker, ``bulk_lines`` the rest.
    """

    def __init__(
        self, source: str, attrs: Sequence[str] | None = None, *, at_start: bool = True
    ) -> None:
        self._found: list[Finding] = []
        self.checker = LineChecker(source, self._found.append, attrs, at_start)
        self.lines = 0
        self.last = b""
        self.bulk_lines = 0
        self.exact_lines = 0
        self._key_quotes: dict[tuple[str, ...], int] = {}

    @property
    def source(self) -> str:
        return self.checker.source

    def scan_stream(self, lines: Iterable[bytes], size: int | None = None) -> Iterator[ChunkScan]:
        """Scan all of ``lines`` (numbered from 1) in chunks; then :meth:`finish` may run."""
        for chunk in chunks(lines, size):
            first = self.lines + 1
            yield self.scan(range(first, first + len(chunk)), chunk)
            self.lines += len(chunk)
            self.last = chunk[-1]

    def finish(self) -> list[Finding]:
        """The findings about the whole file, after :meth:`scan_stream` read all of it."""
        return self.finish_at(self.lines, self.last)

    def finish_at(self, lines: int, last: bytes) -> list[Finding]:
        """The whole-file findings for a file of ``lines`` lines ending with ``last``."""
        self.checker.finish(lines, last)
        found = list(self._found)
        self._found.clear()
        return found

    def check_line(self, line_no: int, line: bytes) -> tuple[Top | None, list[Finding]]:
        """One line on its own (live input): its object (None if unusable) and findings."""
        top = self.checker.check(line_no, line)
        self.exact_lines += 1
        if not self._found:
            return top, []
        found = list(self._found)
        self._found.clear()
        if top is not None and any(f.severity is Severity.error for f in found):
            top = None
        return top, found

    # -- a chunk -------------------------------------------------------------------

    def scan(self, numbers: Sequence[int], lines: list[bytes]) -> ChunkScan:
        """Scan consecutive ``lines`` numbered ``numbers``; they must come in file order."""
        tops, failed = _decode(lines)
        objects = cast("list[Top]", tops if not failed else [t or {} for t in tops])
        keysets = list(map(tuple, objects))
        suspects = set(failed)
        suspects.update(self._suspects(lines, objects, keysets, bool(failed)))
        result = ChunkScan(numbers, lines, tops, {}, [])
        start = 0
        for index in sorted(suspects):
            self._tally(numbers[start:index], keysets[start:index])
            self._exact(result, index)
            start = index + 1
        self._tally(numbers[start:], keysets[start:])
        return result

    def _exact(self, result: ChunkScan, index: int) -> None:
        top = self.checker.check(result.numbers[index], result.lines[index])
        self.exact_lines += 1
        result.tops[index] = top
        if self._found:
            result.findings[index] = list(self._found)
            self._found.clear()
            if top is None or any(f.severity is Severity.error for f in result.findings[index]):
                result.rejected.append(index)
        elif top is None:
            result.rejected.append(index)

    def _tally(self, numbers: Sequence[int], keysets: list[tuple[str, ...]]) -> None:
        """Count clean lines as :meth:`LineChecker.check` would, with one Counter."""
        if not keysets:
            return
        checker = self.checker
        checker.objects += len(keysets)
        self.bulk_lines += len(keysets)
        for keys, n in Counter(keysets).items():
            shape = checker.shape_of(keys)
            if shape.count < LINES_PER_SHAPE:
                found = (number for number, k in zip(numbers, keysets, strict=True) if k == keys)
                shape.lines.extend(islice(found, LINES_PER_SHAPE - shape.count))
            shape.count += n

    # -- which lines the bulk tests cannot prove clean ---------------------------------

    def _suspects(
        self,
        lines: list[bytes],
        objects: list[Top],
        keysets: list[tuple[str, ...]],
        some_failed: bool,
    ) -> Iterator[int]:
        blob = b"".join(lines)
        yield from _bytes_suspects(lines, blob)
        shapes = {keys: self.checker.peek_shape(keys) for keys in set(keysets) if keys}
        bad = {keys for keys, shape in shapes.items() if shape.missing or shape.order}
        bad.update(keys for keys in shapes if self._key_quote_count(keys) < 0)
        if () in keysets:
            bad.add(())  # an empty object, or a line that did not decode
        if bad:
            yield from compress(count(), map(bad.__contains__, keysets))
        yield from self._repeated_keys(lines, objects, keysets, blob, some_failed or bool(bad))
        good = [shape for keys, shape in shapes.items() if keys not in bad]
        for attr in {attr for shape in good for attr in shape.selected}:
            yield from _empty_values(objects, attr)
        refs = {attr for shape in good for attr in shape.refs}
        if refs:
            pattern = self._ref_pattern()
            for attr in refs:
                yield from _bad_refs(pattern, objects, attr)

    def _key_quote_count(self, keys: tuple[str, ...]) -> int:
        """The ``"`` a line with these keys has outside its values; -1 if a key holds ``"`` or ``\\``.

        -1 can never balance a line's count, so such lines always go the exact way.
        """
        known = self._key_quotes.get(keys)
        if known is None:
            plain = not any('"' in key or "\\" in key for key in keys)
            known = 2 * len(keys) if plain else -1
            if len(self._key_quotes) < MAX_SHAPES:
                self._key_quotes[keys] = known
        return known

    def _repeated_keys(
        self,
        lines: list[bytes],
        objects: list[Top],
        keysets: list[tuple[str, ...]],
        blob: bytes,
        per_line: bool,
    ) -> Iterator[int]:
        """Lines that may repeat a key: more ``"`` than their keys and values account for."""
        quotes = self._key_quotes
        if not per_line:  # the whole chunk at once, in the common case
            values = b"".join(chain.from_iterable(map(dict.values, objects)))  # type: ignore[arg-type]
            expected = sum(map(quotes.get, keysets, repeat(-1))) + values.count(_QUOTE)
            if blob.count(_QUOTE) == expected:
                return
        line_quotes = map(bytes.count, lines, repeat(_QUOTE))
        value_quotes = map(
            bytes.count,
            map(b"".join, map(dict.values, objects)),  # type: ignore[arg-type]
            repeat(_QUOTE),
        )
        key_quotes = map(quotes.get, keysets, repeat(-1))
        yield from compress(count(), map(ne, line_quotes, map(add, value_quotes, key_quotes)))

    def _ref_pattern(self) -> re.Pattern[bytes]:
        return _ref_pattern(tuple(islice(self.checker.good_buckets, MAX_GOOD_BUCKETS)))


def _decode(lines: list[bytes]) -> tuple[list[Top | None], list[int]]:
    """Each line's object (None where decoding failed), and the indexes that failed."""
    tops: list[Top | None] = []
    failed: list[int] = []
    decoded = map(decode_top, lines)
    while True:
        try:
            tops.extend(decoded)  # a failure leaves what came before it, and map goes on after it
        except DECODE_ERRORS:
            failed.append(len(tops))
            tops.append(None)
        else:
            return tops, failed


def _bytes_suspects(lines: list[bytes], blob: bytes) -> Iterator[int]:
    """Lines with CR, invalid UTF-8, or an escape that may be a lone surrogate."""
    if b"\r" in blob:
        yield from compress(count(), map(bytes.__contains__, lines, repeat(b"\r")))
    if not blob.isascii() and not _utf8(blob):
        yield from (i for i, line in enumerate(lines) if not line.isascii() and not _utf8(line))
    if b"\\" in blob and (b"\\ud" in blob or b"\\uD" in blob):  # memchr first: escapes are rare
        lower = map(bytes.__contains__, lines, repeat(b"\\ud"))
        upper = map(bytes.__contains__, lines, repeat(b"\\uD"))
        yield from compress(count(), map(bool.__or__, lower, upper))


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _column(objects: list[Top], attr: str, default: bytes) -> list[Any]:
    """Each line's raw value of ``attr`` (``default`` where it has none), in one C loop."""
    return list(map(_GET, objects, repeat(attr), repeat(default)))


_GET: Any = dict.get


def _empty_values(objects: list[Top], attr: str) -> Iterator[int]:
    """Lines whose ``attr`` is null, "", [] or {} (AM204)."""
    values = _column(objects, attr, _NOT_EMPTY)
    if min(map(len, values)) <= 4 and not EMPTY_VALUES.isdisjoint(map(bytes, values)):
        yield from compress(count(), map(EMPTY_VALUES.__contains__, map(bytes, values)))


def _bad_refs(pattern: re.Pattern[bytes], objects: list[Top], attr: str) -> Iterator[int]:
    """Lines whose ``attr`` the pattern of plainly good S3 URIs does not match."""
    values = _column(objects, attr, _GOOD_REF)
    if pattern.fullmatch(_ALL.join(values) + _ALL) is None:
        one = _one_ref(pattern)
        yield from compress(count(), map(not_, map(one.fullmatch, values)))


# A bucket name any S3 rule accepts (augman.inputs.s3uri.bucket_problem): letters,
# digits and hyphens, 3 to 63, no reserved prefix. No dots, so never two in a row and
# never an IP address; buckets with dots are matched by name once found good.
_ANY_PLAIN_BUCKET = rb"(?!xn--|sthree-|amzn-s3-demo-)[a-z0-9][a-z0-9\-]{1,61}[a-z0-9]"
_KEY = rb'/[^"\\\n]{0,%d}[^"\\\n/]"'  # no quote, backslash or newline; not ending in '/'
_PATTERNS: dict[tuple[str, ...], re.Pattern[bytes]] = {}


def _ref_pattern(buckets: tuple[str, ...]) -> re.Pattern[bytes]:
    """Lines of '"s3://<bucket>/<key>"' that are surely valid: any plain bucket or a known one.

    The URI stays within MAX_URI_LENGTH bytes (characters <= bytes, so a long one
    never passes); keys of the plain form are bounded for the longest bucket name.
    """
    pattern = _PATTERNS.get(buckets)
    if pattern is None:
        limit = MAX_URI_LENGTH - len("s3:///")
        forms = [rb'"s3://' + _ANY_PLAIN_BUCKET + _KEY % (limit - 63 - 1)]
        forms += [
            rb'"s3://' + re.escape(b.encode()) + _KEY % (limit - len(b.encode()) - 1)
            for b in buckets
            if "." in b
        ]
        one = rb"(?:%s)" % rb"|".join(forms)
        pattern = _PATTERNS[buckets] = re.compile(rb"(?:%s\n)*" % one)
        _ONE[pattern] = re.compile(one)
    return pattern


_ONE: dict[re.Pattern[bytes], re.Pattern[bytes]] = {}


def _one_ref(pattern: re.Pattern[bytes]) -> re.Pattern[bytes]:
    return _ONE[pattern]
