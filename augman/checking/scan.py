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

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain, compress, count, repeat
from operator import add, is_not, le, ne, not_
from typing import Any, cast

from augman.checking.chunkrules import ChunkRule
from augman.checking.findings import Finding, Severity
from augman.checking.lines import (
    DECODE_ERRORS,
    EMPTY_VALUES,
    MAX_EMPTY_BYTES,
    MAX_SHAPES,
    SPACED_EMPTY,
    LineChecker,
    Shape,
    Top,
    compact_length,
    decode_top,
    is_empty_value,
)  # fmt: skip
from augman.checking.rules import RULES
from augman.inputs.lines import chunks
from augman.inputs.s3uri import MAX_URI_LENGTH, bucket_problem

_QUOTE = b'"'
_ABSENT = b'"absent"'  # stands in for an absent attribute (never empty; found by identity)
_ALL = b"\n"


@dataclass
class ChunkScan:
    """One chunk of consecutive lines after every line rule.

    ``tops[i]`` is line ``i``'s top-level object (values raw), or None when the line
    is not a JSON object. ``findings`` holds the findings of the lines that have any,
    by index in the chunk, in line order. ``rejected`` lists, ascending, the lines
    that must not be used: no object, or an error among their findings.

    ``findings`` is made on first use from ``exact``, the findings of the lines the
    per-line checker saw, and ``lacking``: the lines found clean in bulk but for
    missing attributes, each with its ``(attribute, message)`` pairs, whose AM201
    findings a caller that only counts them need not build.
    """

    numbers: Sequence[int]
    lines: list[bytes]
    tops: list[Top | None]
    exact: dict[int, list[Finding]]
    rejected: list[int]
    lacking: dict[int, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    source: str = ""

    @cached_property
    def findings(self) -> dict[int, list[Finding]]:
        if not self.lacking:
            return self.exact
        rule = RULES["AM201"]
        made = {
            index: [
                Finding(self.source, self.numbers[index], None, "AM201", rule.severity, message,
                        rule.hint, attr)
                for attr, message in missing
            ]
            for index, missing in self.lacking.items()
        }  # fmt: skip
        for index, found in made.items():  # AM201 first, as the per-line checker has it
            found.extend(self.exact.get(index, ()))
        return dict(sorted({**self.exact, **made}.items()))

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
    ``rules`` check the content of every line that is an object after the line rules
    (Ground Truth labels, user schemas: ``validate`` only).
    """

    def __init__(
        self,
        source: str,
        attrs: Sequence[str] | None = None,
        *,
        at_start: bool = True,
        rules: Sequence[ChunkRule] = (),
    ) -> None:
        self._found: list[Finding] = []
        self.checker = LineChecker(source, self._found.append, attrs, at_start)
        self.lines = 0
        self.last = b""
        self.bulk_lines = 0
        self.exact_lines = 0
        self._key_quotes: dict[tuple[str, ...], int] = {}
        self._refs = _RefColumn()
        self.rules = tuple(rules)

    @property
    def source(self) -> str:
        return self.checker.source

    def scan_stream(self, lines: Iterable[bytes], size: int | None = None) -> Iterator[ChunkScan]:
        """Scan all of ``lines`` (numbered from 1) in chunks; then :meth:`finish` may run."""
        return self.scan_chunks(chunks(lines, size))

    def scan_chunks(self, cut: Iterable[list[bytes]]) -> Iterator[ChunkScan]:
        """Scan a file cut into consecutive chunks of lines (see :func:`scan_stream`)."""
        for chunk in cut:
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
        if top is not None and self.rules:
            for rule in self.rules:
                self._found.extend(
                    rule.check_chunk([line_no], [line], [top], [tuple(top)]).get(0, ())
                )
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
        counts = Counter(keysets)
        shapes = {keys: self.checker.peek_shape(keys) for keys in counts if keys}
        suspects = set(failed)
        suspects.update(self._suspects(lines, objects, keysets, counts, shapes))
        result = ChunkScan(numbers, lines, tops, {}, [], source=self.source)
        lacking = {keys for keys, shape in shapes.items() if shape.missing and not shape.order}
        if not suspects and not lacking:
            self._tally(numbers, keysets, counts)
        else:
            start = 0
            for index in sorted(suspects):
                self._tally(numbers[start:index], keysets[start:index])
                self._exact(result, index)
                start = index + 1
            self._tally(numbers[start:], keysets[start:])
            if lacking:
                self._missing(result, keysets, lacking, suspects)
        if self.rules:
            self._apply_rules(result, keysets, failed)
        return result

    def _missing(
        self,
        result: ChunkScan,
        keysets: list[tuple[str, ...]],
        lacking: set[tuple[str, ...]],
        suspects: set[int],
    ) -> None:
        """AM201 for the lines clean but for missing attributes (a typo in --attrs: most lines).

        Their other checks passed in bulk, so the findings follow from the key set alone.
        """
        missing = {keys: self.checker.peek_shape(keys).missing for keys in lacking}
        for index in compress(count(), map(lacking.__contains__, keysets)):
            if index not in suspects:
                result.lacking[index] = missing[keysets[index]]
                result.rejected.append(index)
        if suspects:
            result.rejected.sort()

    def _apply_rules(
        self, result: ChunkScan, keysets: list[tuple[str, ...]], failed: list[int]
    ) -> None:
        """Run the content rules over the chunk's objects; merge their findings in.

        They join ``exact`` (``findings`` is made from it later), in line order.
        """
        for index in failed:  # a line the exact checker recovered (a BOM) has keys after all
            top = result.tops[index]
            keysets[index] = tuple(top) if top is not None else ()
        added = False
        for rule in self.rules:
            for index, found in rule.check_chunk(
                result.numbers, result.lines, result.tops, keysets
            ).items():
                result.exact.setdefault(index, []).extend(found)
                added = True
                if index not in result.rejected and any(
                    f.severity is Severity.error for f in found
                ):
                    bisect.insort(result.rejected, index)
        if added:
            result.exact = dict(sorted(result.exact.items()))

    def _exact(self, result: ChunkScan, index: int) -> None:
        top = self.checker.check(result.numbers[index], result.lines[index])
        self.exact_lines += 1
        result.tops[index] = top
        if self._found:
            result.exact[index] = list(self._found)
            self._found.clear()
            if top is None or any(f.severity is Severity.error for f in result.exact[index]):
                result.rejected.append(index)
        elif top is None:
            result.rejected.append(index)

    def _tally(
        self,
        numbers: Sequence[int],
        keysets: list[tuple[str, ...]],
        counts: Counter[tuple[str, ...]] | None = None,
    ) -> None:
        if keysets:
            self.checker.tally_clean(numbers, keysets, counts or Counter(keysets))
            self.bulk_lines += len(keysets)

    # -- which lines the bulk tests cannot prove clean ---------------------------------

    def _suspects(
        self,
        lines: list[bytes],
        objects: list[Top],
        keysets: list[tuple[str, ...]],
        counts: Counter[tuple[str, ...]],
        shapes: dict[tuple[str, ...], Shape],
    ) -> Iterator[int]:
        blob = b"".join(lines)
        yield from _bytes_suspects(lines, blob)
        bad = {keys for keys, shape in shapes.items() if shape.order}
        bad.update(keys for keys in shapes if self._key_quote_count(keys) < 0)
        if () in counts:
            bad.add(())  # an empty object, or a line that did not decode
        if bad:
            yield from compress(count(), map(bad.__contains__, keysets))
        yield from self._repeated_keys(lines, objects, keysets, counts, blob, bad)
        good = [shape for keys, shape in shapes.items() if keys not in bad]
        columns: dict[str, list[Any]] = {}
        for attr in {attr for shape in good for attr in shape.selected}:
            columns[attr] = _column(objects, attr, _ABSENT)
            yield from _empty_values(columns[attr])
        for attr in {attr for shape in good for attr in shape.refs}:
            yield from self._present_refs(columns.get(attr) or _column(objects, attr, _ABSENT))

    def _present_refs(self, column: list[Any]) -> Iterator[int]:
        """Suspect ``-ref`` values of a column, leaving out the lines that lack the attribute."""
        present = list(map(is_not, column, repeat(_ABSENT)))
        if all(present):
            yield from self._refs.suspects(column)
            return
        values = list(compress(column, present))
        if values:
            where = list(compress(count(), present))
            yield from map(where.__getitem__, self._refs.suspects(values))

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
        counts: Counter[tuple[str, ...]],
        blob: bytes,
        bad: set[tuple[str, ...]],
    ) -> Iterator[int]:
        """Lines that may repeat a key: longer than compact, and with more ``"`` than their
        keys and values account for.

        Tested on all the chunk's lines at once, leaving out those already suspect (``bad``
        key sets: no object, missing attributes...); only when that fails, line by line.
        """
        if bad:
            keep = list(map(not_, map(bad.__contains__, keysets)))
            lines, objects = list(compress(lines, keep)), list(compress(objects, keep))
            keysets = list(compress(keysets, keep))
            counts = Counter({keys: n for keys, n in counts.items() if keys not in bad})
        if not lines or self._no_repeats(lines, objects, counts, None if bad else blob):
            return
        found = self._per_line(lines, objects, keysets)
        if not bad:
            yield from found
            return
        kept = list(compress(count(), keep))  # index among the kept lines -> index in the chunk
        yield from map(kept.__getitem__, found)

    def _per_line(
        self, lines: list[bytes], objects: list[Top], keysets: list[tuple[str, ...]]
    ) -> Iterator[int]:
        """The lines that fail the tests of :meth:`_no_repeats` on their own.

        Lengths first (one C loop per step, no copies): only lines longer than compact
        have their quotes counted.
        """
        value_lengths = map(sum, map(map, repeat(len), map(dict.values, objects)))  # type: ignore[arg-type]
        lengths = {keys: compact_length(keys) for keys in set(keysets)}
        compact = map(add, value_lengths, map(lengths.__getitem__, keysets))
        loose = list(compress(count(), map(ne, map(len, lines), map(add, compact, repeat(1)))))
        if not loose:
            return
        lines, objects = [lines[i] for i in loose], [objects[i] for i in loose]
        keysets = [keysets[i] for i in loose]
        line_quotes = map(bytes.count, lines, repeat(_QUOTE))
        value_quotes = map(
            bytes.count,
            map(b"".join, map(dict.values, objects)),  # type: ignore[arg-type]
            repeat(_QUOTE),
        )
        key_quotes = map(self._key_quotes.get, keysets, repeat(-1))
        yield from map(
            loose.__getitem__,
            compress(count(), map(ne, line_quotes, map(add, value_quotes, key_quotes))),
        )

    def _no_repeats(
        self,
        lines: list[bytes],
        objects: list[Top],
        counts: Counter[tuple[str, ...]],
        blob: bytes | None,
    ) -> bool:
        """Whether no line repeats a key, proven for all of ``lines`` at once (or not)."""
        values: list[Any] = list(chain.from_iterable(map(dict.values, objects)))  # type: ignore[arg-type]
        size = len(blob) if blob is not None else sum(map(len, lines))
        if self._compact(lines, size, counts, values):
            return True
        quotes = self._key_quotes
        expected = sum(quotes.get(k, -1) * n for k, n in counts.items())
        expected += b"".join(values).count(_QUOTE)
        found = (
            blob.count(_QUOTE) if blob is not None else sum(map(bytes.count, lines, repeat(_QUOTE)))
        )
        return found == expected

    def _compact(
        self, lines: list[bytes], size: int, counts: Counter[tuple[str, ...]], values: list[Any]
    ) -> bool:
        """Every line is its object written compactly, so no line repeats a key.

        Each line is at least as long as the compact form of what it decodes to
        (keys counted in characters, which never exceed their bytes); equal totals
        mean every line is exactly that long. Costs no pass over the bytes.
        """
        keys_length = sum(compact_length(keys) * n for keys, n in counts.items())
        newlines = len(lines) - (not lines[-1].endswith(b"\n"))
        return size == newlines + sum(map(len, values)) + keys_length


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


def _empty_values(values: list[Any]) -> Iterator[int]:
    """Lines whose value is empty (AM204, :func:`is_empty_value`): short values only."""
    lengths = list(map(len, values))
    if min(lengths) > MAX_EMPTY_BYTES:
        return
    is_short = list(map(le, lengths, repeat(MAX_EMPTY_BYTES)))
    shorts = list(map(bytes, compress(values, is_short)))
    if EMPTY_VALUES.isdisjoint(shorts) and not any(map(SPACED_EMPTY.fullmatch, shorts)):
        return
    yield from (i for i in compress(count(), is_short) if is_empty_value(bytes(values[i])))


class _RefColumn:
    """Tests a column of raw ``-ref`` values: which may not be plainly valid S3 URIs.

    The common case costs a few C-level passes over the joined column: no escapes,
    no value ending in '/', none too long, and every value starting with
    '"s3://<bucket>/' for the bucket seen last, or for buckets each found valid once.
    Only when a test fails is each value matched on its own.
    """

    def __init__(self) -> None:
        self._prefix = b"\0"  # no bucket yet: matches no value
        self._good: set[bytes] = set()

    def suspects(self, values: list[Any]) -> Iterator[int]:
        joined = _ALL.join(values)
        if not self._plain(values, joined):
            yield from self._each(values)
            return
        prefix = self._prefix
        if joined.startswith(prefix) and joined.count(_ALL + prefix) == len(values) - 1:
            return  # the one bucket seen last, on every line
        parts = joined.split(_ALL)
        others = list(compress(count(), map(not_, map(bytes.startswith, parts, repeat(prefix)))))
        if len(others) <= _FEW_OTHERS:  # a few lines name another bucket, or are wrong
            yield from (i for i in others if not self._good_one(parts[i]))
        elif not self._buckets_ok(parts, joined):
            yield from self._each(values)

    def _each(self, values: list[Any]) -> Iterator[int]:
        """The values that are not valid URIs, one at a time (a test on the column failed)."""
        for index in compress(count(), map(not_, map(_ONE_REF.fullmatch, values))):
            if not self._good_one(bytes(values[index])):
                yield index

    def _good_one(self, value: bytes) -> bool:
        """One value the quick tests did not clear: '"s3://<a valid bucket>/<key>"'?"""
        found = _ANY_BUCKET_REF.fullmatch(value)
        if found is None or len(value) > MAX_URI_LENGTH + 2 or value.endswith(b'/"'):
            return False
        return self._valid_bucket(found.group(1))

    def _valid_bucket(self, bucket: bytes) -> bool:
        if bucket in self._good:
            return True
        if bucket_problem(bucket.decode("ascii", "replace")) is not None:
            return False
        if len(self._good) < MAX_SHAPES:
            self._good.add(bucket)
        return True

    @staticmethod
    def _plain(values: list[Any], joined: bytes) -> bool:
        return (
            b"\\" not in joined
            and b'/"\n' not in joined
            and not joined.endswith(b'/"')
            and max(map(len, values)) <= MAX_URI_LENGTH + 2  # bytes >= characters
        )

    def _buckets_ok(self, parts: list[bytes], joined: bytes) -> bool:
        """Many buckets: each value names one (found once by a regex) that is valid."""
        buckets = _BUCKET.findall(joined)
        if len(buckets) != len(parts) or not all(map(self._valid_bucket, set(buckets))):
            return False
        self._prefix = b'"s3://' + buckets[-1] + b"/"
        return True


_FEW_OTHERS = 64
_ANY_BUCKET_REF = re.compile(rb'"s3://([a-z0-9.\-]+)/[^"\\\n]*"')


_BUCKET = re.compile(rb'(?:^|\n)"s3://([a-z0-9.\-]*)/', re.MULTILINE)
# One value that is surely a valid URI, for the values of a column that failed a test:
# a bucket of letters, digits and hyphens with no reserved prefix (so never an IP
# address and never '..'), a key of no quote, backslash or newline that does not end
# in '/', the whole within MAX_URI_LENGTH bytes (bytes >= characters).
_ONE_REF = re.compile(
    rb'"s3://(?!xn--|sthree-|amzn-s3-demo-)[a-z0-9][a-z0-9\-]{1,61}[a-z0-9]'
    rb'/[^"\\\n]{0,%d}[^"\\\n/]"' % (MAX_URI_LENGTH - len("s3:///") - 63 - 1)
)
