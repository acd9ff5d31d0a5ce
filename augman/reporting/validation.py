"""Reports out: text (rich) for people, json for machines, github annotations, SARIF 2.1.0.

A registry of small classes: ``REPORTERS[fmt](console).emit(report)``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from typing import Any, ClassVar

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from augman.checking.findings import Finding, Report, Severity
from augman.checking.rules import RULES
from augman.version import __version__

INFORMATION_URI = "https://github.com/augman-dev/augman"
_STYLE = {Severity.error: "bold red", Severity.warning: "yellow", Severity.note: "cyan"}


class Reporter:
    """Writes one report to a console (stdout in the CLI)."""

    def __init__(self, console: Console, quiet: bool = False) -> None:
        self.console = console
        self.quiet = quiet

    def emit(self, report: Report) -> None:
        raise NotImplementedError

    def write(self, text: str) -> None:
        self.console.file.write(text)
        self.console.file.flush()


class TextReporter(Reporter):
    """``file:line:col: CODE message`` grouped by file, hints, and a table of counts."""

    def emit(self, report: Report) -> None:
        shown_hints: set[str] = set()
        current = None
        for finding in report.findings:
            if finding.source != current and not self.quiet:
                current = finding.source
                self.console.print(Text(current, style="bold underline"))
            self.console.print(_finding_text(finding), soft_wrap=True)
            if finding.hint and finding.code not in shown_hints and not self.quiet:
                shown_hints.add(finding.code)
                self.console.print(Text(f"    hint: {finding.hint}", style="dim"), soft_wrap=True)
        if self.quiet:
            return
        if report.truncated:
            self.console.print(
                f"... {report.total - report.shown:,} more findings not shown "
                "(--max-findings 0 shows all)",
                markup=False,
            )
        if report.counts:
            self.console.print(_counts_table(report))
        self.console.print(Text(summary_line(report), style="bold"))


def _finding_text(finding: Finding) -> Text:
    text = Text(f"{finding.location}: ")
    text.append(finding.code, style=_STYLE[finding.severity])
    text.append(f" {finding.severity.value}: ", style=_STYLE[finding.severity])
    text.append(finding.message)
    return text


def _counts_table(report: Report) -> Table:
    table = Table(title=None, show_edge=False, pad_edge=False)
    for column in ("code", "rule", "severity", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for code, count in report.counts.items():
        rule = RULES.get(code)
        severity = rule.severity.value if rule else ""
        table.add_row(code, rule.name if rule else "", severity, f"{count:,}")
    return table


def summary_line(report: Report) -> str:
    """``3 errors, 1 warning in 10,000 lines of 1 file`` (or ``no problems found ...``)."""
    lines = sum(s.lines for s in report.sources)
    files = len(report.sources)
    where = f"in {lines:,} line{'s' * (lines != 1)} of {files} file{'s' * (files != 1)}"
    parts = [
        f"{n:,} {sev.value}{'s' * (n != 1)}"
        for sev in (Severity.error, Severity.warning, Severity.note)
        if (n := report.severities.get(sev, 0))
    ]
    return f"{', '.join(parts)} {where}" if parts else f"no problems found {where}"


class JsonReporter(Reporter):
    """One JSON document: a summary with counts, and every kept finding."""

    def emit(self, report: Report) -> None:
        self.write(
            orjson.dumps(report_document(report), option=orjson.OPT_INDENT_2).decode() + "\n"
        )


def report_document(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data (the ``--format json`` document)."""
    return {
        "tool": "augman",
        "version": __version__,
        "summary": {
            "findings": report.total,
            "shown": report.shown,
            "errors": report.severities.get(Severity.error, 0),
            "warnings": report.severities.get(Severity.warning, 0),
            "notes": report.severities.get(Severity.note, 0),
            "by_code": dict(report.counts),
            "sources": [
                {"source": s.source, "lines": s.lines, "bytes": s.bytes} for s in report.sources
            ],
            **({"refs": report.extra["refs"]} if "refs" in report.extra else {}),
        },
        "findings": [_finding_dict(f) for f in report.findings],
    }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    rule = RULES.get(finding.code)
    return {
        "source": finding.source,
        "line": finding.line,
        "column": finding.column,
        "code": finding.code,
        "rule": rule.name if rule else None,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "attribute": finding.attribute,
        **({"json_path": finding.json_path} if finding.json_path else {}),
    } | ({"occurrences": finding.occurrences} if finding.occurrences > 1 else {})


class GithubReporter(Reporter):
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``."""

    LEVELS: ClassVar[dict[Severity, str]] = {
        Severity.error: "error", Severity.warning: "warning", Severity.note: "notice",
    }  # fmt: skip

    def emit(self, report: Report) -> None:
        out = []
        for finding in report.findings:
            props = {"file": finding.source, "line": finding.line, "col": finding.column}
            rule = RULES.get(finding.code)
            props["title"] = f"{finding.code} {rule.name}" if rule else finding.code
            fields = ",".join(
                f"{k}={_escape_property(str(v))}" for k, v in props.items() if v is not None
            )
            message = finding.message + (f"\n{finding.hint}" if finding.hint else "")
            out.append(f"::{self.LEVELS[finding.severity]} {fields}::{_escape_data(message)}\n")
        out.append(f"augman: {summary_line(report)}\n")
        self.write("".join(out))


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class SarifReporter(Reporter):
    """SARIF 2.1.0, one run, with the whole rule table in ``tool.driver.rules``."""

    LEVELS: ClassVar[dict[Severity, str]] = {
        Severity.error: "error", Severity.warning: "warning", Severity.note: "note",
    }  # fmt: skip

    def emit(self, report: Report) -> None:
        self.write(orjson.dumps(sarif_document(report), option=orjson.OPT_INDENT_2).decode() + "\n")


def sarif_document(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log."""
    codes = list(RULES)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "augman",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(code) for code in codes],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [_sarif_result(f, codes) for f in report.findings],
            }
        ],
    }


def _sarif_rule(code: str) -> dict[str, Any]:
    rule = RULES[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "help": {"text": rule.hint},
        "defaultConfiguration": {"level": SarifReporter.LEVELS[rule.severity]},
    }


def _sarif_result(finding: Finding, codes: list[str]) -> dict[str, Any]:
    location: dict[str, Any] = {
        "artifactLocation": {"uri": urllib.parse.quote(finding.source, safe="/:")}
    }
    if finding.line is not None:
        region: dict[str, int] = {"startLine": finding.line}
        if finding.column is not None:
            region["startColumn"] = finding.column
        location["region"] = region
    place: dict[str, Any] = {"physicalLocation": location}
    if finding.json_path:
        place["logicalLocations"] = [{"fullyQualifiedName": finding.json_path, "kind": "member"}]
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "level": SarifReporter.LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [place],
    }
    if finding.code in codes:
        result["ruleIndex"] = codes.index(finding.code)
    if finding.occurrences > 1:
        result["occurrenceCount"] = finding.occurrences
    return result


REPORTERS: dict[str, Callable[..., Reporter]] = {
    "text": TextReporter,
    "json": JsonReporter,
    "github": GithubReporter,
    "sarif": SarifReporter,
}
