"""`augman validate` and `augman rules`."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from augman import api
from augman.checking.findings import Severity
from augman.checking.rules import RULES
from augman.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    Attrs,
    EndpointUrl,
    MaxLineBytes,
    Profile,
    Region,
    app,
    error_boundary,
    fail,
    parse_attrs,
    progress_for,
    stdout_console,
    tell_if_reading_the_terminal,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.inputs import s3
from augman.options import FailOn, ReportFormat
from augman.outputs.atomicfile import atomic_output
from augman.reporting.validation import REPORTERS


@app.command(cls=AugmanCommand)
def validate(
    manifests: list[str] = typer.Argument(
        ...,
        metavar="MANIFEST...",
        help="Manifest paths, folders of them (*.manifest, *.jsonl), - for stdin, or s3://bucket/key (.gz detected).",
    ),
    attrs: Attrs = None,
    fmt: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f", help="Report format."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on", help="Lowest severity that exits 1."),
    max_findings: int = typer.Option(
        1000, "--max-findings", min=0, help="Show at most N findings (0: all); all are counted."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Text format: findings only, no hints or summary."
    ),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=0, help="Check a large plain file in N processes (0: one per CPU)."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the report to a file instead of stdout."
    ),
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    max_line_bytes: MaxLineBytes = api.MAX_LINE_BYTES,
) -> None:
    """Check every line of one or more manifests and report every problem.

    Exit 0 when nothing at or above --fail-on was found, 1 when something was,
    2 when the check could not run.

    Example: augman validate train.manifest --attrs source-ref,class --format github
    """
    with error_boundary():
        tell_if_reading_the_terminal(manifests)
        report = api.validate(
            manifests,
            attrs=parse_attrs(attrs),
            max_findings=max_findings,
            s3_client=s3.client_factory(endpoint_url, region, profile),
            watch=progress_for,
            jobs=jobs,
            max_line_bytes=max_line_bytes,
        )
        with _report_console(output) as console:
            REPORTERS[fmt.value](console, quiet=quiet).emit(report)
    raise typer.Exit(EXIT_FINDINGS if report.failed(Severity(fail_on.value)) else EXIT_OK)


@contextlib.contextmanager
def _report_console(output: Path | None) -> Iterator[Console]:
    """stdout's console, or one on ``-o FILE``, which appears whole or not at all."""
    if output is None:
        yield stdout_console()
        return
    with atomic_output(output) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        yield Console(file=text, highlight=False, soft_wrap=False, width=100)
        text.flush()
        text.detach()


def _rule_codes(incomplete: str) -> list[tuple[str, str]]:
    """``augman rules <TAB>``: the rule codes, each with its name."""
    return [
        (code, rule.name) for code, rule in RULES.items() if code.startswith(incomplete.upper())
    ]


@app.command(cls=AugmanCommand)
def rules(
    code: str | None = typer.Argument(
        None,
        metavar="CODE",
        help="A rule code (AM301) or name (ref-not-s3-uri).",
        autocompletion=_rule_codes,
    ),
) -> None:
    """List every rule, or explain one with a bad and a good example.

    Example: augman rules AM301
    """
    console = stdout_console()
    if code is None:
        table = Table(show_edge=False, pad_edge=False)
        for column in ("code", "name", "severity", "what it finds"):
            table.add_column(column)
        for rule in RULES.values():
            table.add_row(rule.code, rule.name, rule.severity.value, rule.summary)
        console.print(table)
        return
    found = RULES.get(code.upper()) or next((r for r in RULES.values() if r.name == code), None)
    if found is None:
        fail(f"no rule {code!r}", "`augman rules` lists them all")
        return
    rule = found
    console.print(Text(f"{rule.code} {rule.name} ({rule.severity.value})", style="bold"))
    console.print(rule.summary, markup=False)
    console.print(Text(f"\nhint: {rule.hint}"))
    if rule.attrs:
        console.print(Text(f"\nwith --attrs {','.join(rule.attrs)}"))
    console.print(Text("\nbad:  ", style="red") + Text(rule.bad))
    console.print(Text("good: ", style="green") + Text(rule.good))
