"""An attribute missing on most lines is said once: one AM201 summary, not one per line.

A typo in ``--attrs`` (``sorce-ref``) makes every line lack that attribute. Instead of
the same AM201 on every line (1,000 shown, the rest counted), the report holds one
AM201 finding for that manifest and attribute, with no line (so it comes first),
saying on how many lines it is missing, with the did-you-mean of the first such line:
``missing attribute 'sorce-ref' on all 200,000 lines; did you mean 'source-ref'?``.
Its ``occurrences`` is that number of lines, and the report's counts still count one
AM201 per line. An attribute missing on fewer lines (under half of them, or at most
``MIN_LINES``) keeps its findings line by line, and so do all other rules.

Which attribute is summarised is known only at the end of a manifest, so the AM201
findings of each attribute are held apart (the first ``limit`` of them, not taking
the other rules' places) until the report is made. The lines that lack it and are
otherwise clean (found in bulk by the scan engine) are held as line numbers, not
findings; once an attribute has its first ``limit``, they are only counted.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections import Counter
from collections.abc import Iterable

from augman.checking.findings import Finding, FindingCollector, Report, SourceSummary
from augman.checking.rules import RULES
from augman.checking.scan import ChunkScan

CODE = "AM201"
MIN_LINES = 10  # an attribute missing on this many lines or fewer keeps its lines
SHARE = 0.5  # ... and so does one missing on less than this share of a manifest's lines

Key = tuple[str, str | None]  # (source, attribute)
SEVERITY = RULES[CODE].severity


class SummarisingCollector(FindingCollector):
    """A :class:`FindingCollector` whose report summarises attributes missing on most lines.

    AM201 findings are held apart per (source, attribute): as findings (``held``) or,
    for lines found clean in bulk but for the attribute, as line numbers under their
    message (``numbers``, 8 bytes a line), made into findings only if the report lists
    them. With a ``limit``, holding stops once an attribute has that many.
    """

    def __init__(self, limit: int = 0) -> None:
        super().__init__(limit)
        self.held: dict[Key, list[Finding]] = {}
        self.numbers: dict[Key, dict[str, array[int]]] = {}
        self.missing: dict[Key, int] = {}

    def add(self, finding: Finding) -> None:
        if finding.code != CODE:
            super().add(finding)
            return
        key = (finding.source, finding.attribute)
        self.count(CODE, finding.severity)
        self.missing[key] = self.missing.get(key, 0) + 1
        if self._room(key):
            self.held.setdefault(key, []).append(finding)

    def take(self, chunk: ChunkScan, source: str) -> None:
        """Add the findings of a scanned chunk; its lines lacking attributes as numbers."""
        for findings in chunk.exact.values():
            self.extend(findings)
        if not chunk.lacking:
            return
        groups: dict[tuple[tuple[str, str], ...], list[int]] = {}
        for index, missing in chunk.lacking.items():
            groups.setdefault(missing, []).append(index)
        for missing, indexes in groups.items():
            for attr, message in missing:
                self._lacking((source, attr), message, map(chunk.numbers.__getitem__, indexes))
                self.count(CODE, SEVERITY, len(indexes))
                self.missing[(source, attr)] = self.missing.get((source, attr), 0) + len(indexes)

    def _lacking(self, key: Key, message: str, numbers: Iterable[int]) -> None:
        if self._room(key):
            self.numbers.setdefault(key, {}).setdefault(message, array("Q")).extend(numbers)

    def _room(self, key: Key) -> bool:
        if not self.limit:
            return True
        numbers = self.numbers.get(key, {}).values()
        return len(self.held.get(key, ())) + sum(map(len, numbers)) < self.limit

    def absorb(self, other: SummarisingCollector, offset: int) -> None:
        """Add what a collector found in a later part of the same file (``--jobs``).

        Its line numbers are relative to that part, which starts after ``offset`` lines.
        """
        listed = [*other.kept, *(f for held in other.held.values() for f in held)]
        codes = Counter(f.code for f in listed)
        severities = Counter(f.severity for f in listed)
        for finding in sorted(listed, key=_line):
            line = None if finding.line is None else finding.line + offset
            self.add(dataclasses.replace(finding, line=line))
        for key, by_message in other.numbers.items():
            for message, numbers in by_message.items():
                self._lacking(key, message, (n + offset for n in numbers))
        for code, n in other.counts.items():
            self.counts[code] = self.counts.get(code, 0) + n - codes[code]
        for severity, n in other.severities.items():
            self.severities[severity] = self.severities.get(severity, 0) + n - severities[severity]
        for key, n in other.missing.items():
            self.missing[key] = self.missing.get(key, 0) + n - len(other.held.get(key, ()))

    def report(self, sources: tuple[SourceSummary, ...] = ()) -> Report:
        """The report: each attribute's AM201 findings, or its summary, among the rest."""
        lines = {s.source: s.lines for s in sources}
        summaries: list[Finding] = []
        listed = list(self.kept)
        for key, missing in self.missing.items():
            total = lines.get(key[0], missing)
            first = self._first(key)
            if first and missing > MIN_LINES and missing >= SHARE * total:
                summaries.append(_summary(first, missing, total))
            else:
                listed.extend(self._held(key))
        order = {s.source: i for i, s in enumerate(sources)}
        listed.sort(key=lambda f: (order.get(f.source, 0), f.line or 0))
        if self.limit:
            listed = listed[: self.limit]
        findings = sorted([*summaries, *listed], key=lambda f: order.get(f.source, 0))
        return Report(
            findings=tuple(findings),
            counts=dict(sorted(self.counts.items())),
            severities=dict(self.severities),
            sources=sources,
            max_findings=self.limit,
        )

    def _first(self, key: Key) -> Finding | None:
        """The first AM201 finding held for ``key`` (by line), or None if none is."""
        firsts = [min(self.held[key], key=_line)] if self.held.get(key) else []
        by_message = self.numbers.get(key, {})
        firsts.extend(
            self._made(key, message, numbers[:1]) for message, numbers in by_message.items()
        )
        return min(firsts, key=_line) if firsts else None

    def _made(self, key: Key, message: str, numbers: Iterable[int]) -> Finding:
        rule = RULES[CODE]
        return Finding(
            key[0], next(iter(numbers)), None, CODE, rule.severity, message, rule.hint, key[1]
        )

    def _held(self, key: Key) -> list[Finding]:
        """The AM201 findings held for ``key``, in line order (at most ``limit``)."""
        held = list(self.held.get(key, ()))
        source, attr = key
        rule = RULES[CODE]
        for message, numbers in self.numbers.get(key, {}).items():
            if self.limit:
                numbers = numbers[: self.limit]
            held.extend(
                Finding(source, n, None, CODE, rule.severity, message, rule.hint, attr)
                for n in numbers
            )
        held.sort(key=_line)
        return held[: self.limit] if self.limit else held


def _summary(first: Finding, missing: int, lines: int) -> Finding:
    """One AM201 for an attribute missing on ``missing`` of ``lines`` lines."""
    name = f"missing attribute {first.attribute!r}"
    where = f"on all {lines:,} lines" if missing == lines else f"on {missing:,} of {lines:,} lines"
    rest = first.message[len(name) :] if first.message.startswith(name) else ""
    if "; the line has " in rest:
        rest = rest.replace("; the line has ", f"; line {first.line}, the first, has ")
    elif missing != lines:
        rest += f" (first: line {first.line})"
    message = f"{name} {where}{rest}"
    return dataclasses.replace(first, line=None, message=message, occurrences=missing)


def _line(finding: Finding) -> int:
    return finding.line or 0
