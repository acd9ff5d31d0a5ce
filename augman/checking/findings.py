"""Findings (problems in the data) and the report that collects them.

A finding is a value, never an exception: one bad line does not stop a run.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    """How bad a finding is; ordered ``note < warning < error``."""

    note = "note"
    warning = "warning"
    error = "error"

    @property
    def rank(self) -> int:
        return _RANK[self]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Severity):
            return NotImplemented
        return self.rank >= other.rank


_RANK = {Severity.note: 0, Severity.warning: 1, Severity.error: 2}


@dataclass(frozen=True)
class Finding:
    """One problem at one place: ``source:line:column: code message``.

    ``line`` and ``column`` are 1-based; ``line`` is None for a finding about a
    whole file (or a whole request), ``column`` when no column is meaningful.
    ``json_path`` names the node of a JSON document (a training job request) the
    finding is about, e.g. ``$.InputDataConfig[0].InputMode``.
    ``occurrences`` is 1, or for a summary (an attribute missing on most lines, with
    no line of its own) the number of findings it stands for, which a report's
    counts already hold one by one.
    """

    source: str
    line: int | None
    column: int | None
    code: str
    severity: Severity
    message: str
    hint: str | None = None
    attribute: str | None = None
    json_path: str | None = None
    occurrences: int = 1

    @property
    def location(self) -> str:
        parts = [self.source]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(frozen=True)
class SourceSummary:
    """What was read from one manifest."""

    source: str
    lines: int
    bytes: int


@dataclass(frozen=True)
class Report:
    """The outcome of a validation run.

    ``findings`` holds at most ``max_findings`` findings (0 means no limit) in
    source and line order; ``counts`` and ``severities`` always count them all.
    """

    findings: tuple[Finding, ...]
    counts: Mapping[str, int]
    severities: Mapping[Severity, int]
    sources: tuple[SourceSummary, ...] = ()
    max_findings: int = 0
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def shown(self) -> int:
        """The findings that ``findings`` stands for, a summary counting for its occurrences."""
        return sum(finding.occurrences for finding in self.findings)

    @property
    def truncated(self) -> bool:
        return self.total > self.shown

    def failed(self, fail_on: Severity = Severity.error) -> bool:
        """True when any finding is at or above ``fail_on``."""
        return any(n and sev >= fail_on for sev, n in self.severities.items())


class FindingCollector:
    """Keeps the first ``limit`` findings (0: all) and counts every one."""

    def __init__(self, limit: int = 0) -> None:
        self.limit = limit
        self.kept: list[Finding] = []
        self.counts: dict[str, int] = {}
        self.severities: dict[Severity, int] = {}

    def add(self, finding: Finding) -> None:
        self.count(finding.code, finding.severity)
        if not self.limit or len(self.kept) < self.limit:
            self.kept.append(finding)

    def count(self, code: str, severity: Severity, n: int = 1) -> None:
        """Count ``n`` findings that are not kept."""
        self.counts[code] = self.counts.get(code, 0) + n
        self.severities[severity] = self.severities.get(severity, 0) + n

    def extend(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.add(finding)

    def report(self, sources: tuple[SourceSummary, ...] = ()) -> Report:
        return Report(
            findings=tuple(self.kept),
            counts=dict(sorted(self.counts.items())),
            severities=dict(self.severities),
            sources=sources,
            max_findings=self.limit,
        )
