"""`augman validate` and `augman rules`."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from augman import api
from augman.checking.findings import Report, Severity
from augman.checking.rules import RULES
from augman.checking.schemas import parse_attr_schema
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
    say,
    stderr_console,
    stdout_console,
    tell_if_reading_the_terminal,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.cli._mirror import Mirrors, parse_mirrors
from augman.cli._refs import CheckRefsCommand, progress_bar, summary_line
from augman.errors import UsageError
from augman.inputs import s3
from augman.options import FailOn, RefCheck, RefStrategy, ReportFormat
from augman.outputs.atomicfile import atomic_output
from augman.reporting.validation import REPORTERS

CONCURRENCY = 16  # --check-refs requests at a time


@app.command(cls=CheckRefsCommand)
def validate(
    manifests: list[str] = typer.Argument(
        None,
        metavar="[MANIFEST...]",
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
    no_gt: bool = typer.Option(
        False, "--no-gt", help="Do not check Ground Truth labels against their -metadata type."
    ),
    schema: Path | None = typer.Option(
        None, "--schema", metavar="FILE", help="A JSON Schema every line must satisfy."
    ),
    attr_schema: list[str] | None = typer.Option(
        None,
        "--attr-schema",
        metavar="NAME=FILE",
        help="A JSON Schema for one attribute's value (repeatable).",
    ),
    job: str | None = typer.Option(
        None,
        "--job",
        metavar="REQUEST.json",
        help="Check a CreateTrainingJob request (or DescribeTrainingJob output), then the manifest of each AugmentedManifestFile channel.",
    ),
    mirror: Mirrors = [],  # noqa: B006 (Typer copies the default)
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    check_refs: RefCheck | None = typer.Option(None, "--check-refs", metavar="[all|selected|content]", help="Also check each -ref object once: exists, readable, size (bare flag: all -ref attributes; selected: those of --attrs; content: image headers too); with --region, a bucket elsewhere is reported."),
    refs_strategy: RefStrategy = typer.Option(RefStrategy.auto, "--refs-strategy", help="With --check-refs: HEAD each object, LIST each folder, or choose per folder by how many of its objects are named."),
    max_line_bytes: MaxLineBytes = api.MAX_LINE_BYTES,
    concurrency: int = typer.Option(CONCURRENCY, "--concurrency", min=1, help="With --check-refs: S3 requests at the same time."),
) -> None:  # fmt: skip
    """Check every line of one or more manifests and report every problem.

    With --job, check a training job request against the CreateTrainingJob API
    and the built-in algorithms' needs, then each augmented manifest it names
    (with --mirror, from a local copy).

    Exit 0 when nothing at or above --fail-on was found, 1 when something was,
    2 when the check could not run.

    Ground Truth labels (an attribute L whose L-metadata.type is groundtruth/...)
    are checked against the schema of their task type unless --no-gt is given.

    Example: augman validate examples/classification.manifest --attrs source-ref,class --format github

    Example: augman validate examples/classification.manifest --check-refs --mirror s3://example-bucket/images=examples/images

    Example: augman validate --job examples/mistakes-job.json --mirror s3://example-bucket/manifests=examples --format sarif
    """
    with error_boundary(), progress_bar(stderr_console()) as progress:
        if check_refs is None:
            _refs_options_alone([] if job else mirror, refs_strategy, concurrency)
        checks = _Checks(
            groundtruth=not no_gt, schema=schema,
            attr_schemas=dict(map(parse_attr_schema, attr_schema or ())),
            check_refs=check_refs, max_line_bytes=max_line_bytes,
            refs=api.RefCheckOptions(
                mirrors=parse_mirrors(mirror), concurrency=concurrency,
                strategy=refs_strategy, region=region, progress=progress,
            ),
        )  # fmt: skip
        s3_client = s3.client_factory(endpoint_url, region, profile, max(32, concurrency))
        report = _run(manifests or [], attrs, job, max_findings, jobs, s3_client, checks)
        if "refs" in report.extra and fmt is ReportFormat.text and not quiet:
            say(summary_line(report.extra["refs"]))  # type: ignore[arg-type]
        with _report_console(output) as console:
            REPORTERS[fmt.value](console, quiet=quiet).emit(report)
    raise typer.Exit(EXIT_FINDINGS if report.failed(Severity(fail_on.value)) else EXIT_OK)


@dataclass(frozen=True)
class _Checks:
    """The content checks a run asks for, beyond the line rules."""

    groundtruth: bool
    schema: Path | None
    attr_schemas: dict[str, str]
    check_refs: RefCheck | None
    refs: api.RefCheckOptions
    max_line_bytes: int


def _run(
    manifests: list[str],
    attrs: str | None,
    job: str | None,
    max_findings: int,
    jobs: int,
    s3_client: Any,
    checks: _Checks,
) -> Report:
    if job is not None:
        if manifests or attrs is not None:
            raise UsageError(
                "--job takes the manifests and their AttributeNames from the request",
                "give either --job REQUEST.json or MANIFEST... [--attrs]",
            )
        return api.validate_job(
            job, mirrors=checks.refs.mirrors, s3_client=s3_client, max_findings=max_findings,
            watch=progress_for, groundtruth=checks.groundtruth, schema=checks.schema,
            attr_schemas=checks.attr_schemas, check_refs=checks.check_refs, refs=checks.refs,
            max_line_bytes=checks.max_line_bytes,
        )  # fmt: skip
    if not manifests:
        raise UsageError(
            "augman validate needs MANIFEST...",
            "e.g. augman validate train.manifest, or augman validate --job request.json",
        )
    tell_if_reading_the_terminal(manifests)
    return api.validate(
        manifests, attrs=parse_attrs(attrs), max_findings=max_findings, s3_client=s3_client,
        watch=progress_for, jobs=jobs, groundtruth=checks.groundtruth, schema=checks.schema,
        attr_schemas=checks.attr_schemas, check_refs=checks.check_refs, refs=checks.refs,
        max_line_bytes=checks.max_line_bytes,
    )  # fmt: skip


def _refs_options_alone(mirror: list[str], strategy: RefStrategy, concurrency: int) -> None:
    """--mirror, --refs-strategy and --concurrency mean nothing without --check-refs."""
    given = [
        name
        for name, is_given in [
            ("--mirror", bool(mirror)),
            ("--refs-strategy", strategy is not RefStrategy.auto),
            ("--concurrency", concurrency != CONCURRENCY),
        ]
        if is_given
    ]
    if given:
        raise UsageError(
            f"{given[0]} needs --check-refs" + (" or --job" if given[0] == "--mirror" else ""),
            "add --check-refs (or drop the option)",
        )


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
