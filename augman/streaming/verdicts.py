"""Whether a line may be streamed: ``validate``'s checks, turned into stop or skip.

A line is bad when the line checks (:class:`augman.checking.scan.Scanner`, the same
rules as ``augman validate --attrs``) find an error in it; a missing attribute of
AttributeNames is such an error (AM201). Warnings never stop a line; they are
counted. With ``on_error="stop"`` a bad line raises :class:`BadLine` when the
stream reaches it; with ``"skip"`` it is left out and remembered.
"""

from __future__ import annotations

from collections.abc import Sequence

from augman.checking.findings import Finding, Severity
from augman.checking.lines import Top
from augman.checking.scan import ChunkScan, Scanner
from augman.errors import DataError
from augman.options import OnError

MAX_LISTED = 100  # findings of skipped lines kept for the report


class BadLine(DataError):
    """A line failed the checks while streaming with ``on_error="stop"``.

    ``findings`` are its errors. Nothing of the line was written: the output
    ends with the records of the lines before it.
    """

    def __init__(
        self, source: str, line: int, findings: Sequence[Finding], first: bool = False
    ) -> None:
        ending = (
            "no record was written"
            if first
            else "the stream ends with the records of the lines before it"
        )
        super().__init__(
            f"stopped at line {line} of {source}: {ending}",
            "fix the line (augman validate lists every problem), or pass --on-error skip",
        )
        self.source = source
        self.line = line
        self.findings = tuple(findings)


class Verdicts:
    """The judgement of lines over all epochs of one stream."""

    def __init__(self, source: str, attrs: Sequence[str], on_error: OnError) -> None:
        self.source = source
        self.attrs = tuple(attrs)
        self.stops = on_error is OnError.stop
        self.skipped_lines: set[int] = set()
        self.skipped_findings: list[Finding] = []
        self.file_findings: list[Finding] = []
        self.warnings: dict[str, int] = {}
        self._current: EpochChecks | None = None
        self._finished = False

    def for_epoch(self, epoch: int) -> EpochChecks:
        """Fresh checks for an epoch (the same line is judged alike in every epoch)."""
        self._current = EpochChecks(self, count_warnings=epoch == 0)
        return self._current

    def finish(self, total: int, last: bytes) -> None:
        """The whole-file checks, after the first epoch that read every line."""
        if self._current is not None and not self._finished:
            self._current.finish(total, last)
            self._finished = True

    def skip(self, line: int, errors: Sequence[Finding]) -> None:
        if line in self.skipped_lines:
            return
        self.skipped_lines.add(line)
        if len(self.skipped_findings) < MAX_LISTED:
            self.skipped_findings.extend(errors)

    def count(self, warnings: Sequence[Finding]) -> None:
        for finding in warnings:
            self.warnings[finding.code] = self.warnings.get(finding.code, 0) + 1


class EpochChecks:
    """Checks the lines of one epoch: a line's object, or None (and remembered) if it is bad."""

    def __init__(self, verdicts: Verdicts, *, count_warnings: bool) -> None:
        self.verdicts = verdicts
        self.source = verdicts.source
        self.stops = verdicts.stops
        self.count_warnings = count_warnings
        self.scanner = Scanner(verdicts.source, verdicts.attrs)
        self.rejected: dict[int, list[Finding]] = {}  # bad lines not yet reached by the writer

    def check(self, line_no: int, line: bytes) -> Top | None:
        """One line (live input): its top-level object, or None when it must not be streamed."""
        top, found = self.scanner.check_line(line_no, line)
        if found:
            return self._judge(line_no, top, found)
        return top

    def scan(self, numbers: Sequence[int], lines: list[bytes]) -> ChunkScan:
        """A chunk of lines (input that is all there); its rejected lines wait for :meth:`reject`."""
        result = self.scanner.scan(numbers, lines)
        for index, found in result.findings.items():
            self._judge(numbers[index], result.tops[index], found)
        return result

    def reject(self, line_no: int, first: bool = False) -> None:
        """The writer reached a bad line: stop (raise :class:`BadLine`) or skip it.

        ``first``: no line of this epoch was written before it.
        """
        errors = self.rejected.pop(line_no, [])
        if self.stops:
            raise BadLine(self.source, line_no, errors, first)
        self.verdicts.skip(line_no, errors)

    def finish(self, total: int, last: bytes) -> None:
        errors = self._sort(self.scanner.finish_at(total, last))
        self.verdicts.file_findings.extend(errors)

    def _judge(self, line_no: int, top: Top | None, found: list[Finding]) -> Top | None:
        errors = self._sort(found)
        if not errors and top is not None:
            return top
        self.rejected[line_no] = errors
        return None

    def _sort(self, found: list[Finding]) -> list[Finding]:
        """Count the warnings among ``found``; return the errors."""
        errors = [f for f in found if f.severity is Severity.error]
        if self.count_warnings and len(errors) < len(found):
            self.verdicts.count([f for f in found if f.severity is not Severity.error])
        return errors
