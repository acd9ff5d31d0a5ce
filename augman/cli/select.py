"""`augman select`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from augman import api
from augman.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    EndpointUrl,
    Manifest,
    MaxLineBytes,
    Profile,
    Region,
    app,
    error_boundary,
    parse_attrs,
    progress_for,
    stderr_console,
    tell_if_reading_the_terminal,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.errors import UsageError
from augman.inputs import s3
from augman.options import OnError
from augman.outputs.atomicfile import atomic_output, atomic_outputs, ensure_directory
from augman.printable import printable

if TYPE_CHECKING:
    from augman.selecting.pipeline import SelectResult, Writer
    from augman.selecting.plan import SelectPlan

SHOWN_FINDINGS = 100


@app.command(cls=AugmanCommand)
def select(
    manifest: Manifest,
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write to this file (.gz: gzip) instead of stdout."
    ),
    attrs: str | None = typer.Option(
        None, "--attrs", "-a", help="Keep only these keys, in this order: source-ref,class."
    ),
    where: str | None = typer.Option(
        None, "--where", "-w", help="Keep lines where this JMESPath expression is truthy."
    ),
    head: int | None = typer.Option(None, "--head", min=0, help="Stop after N lines (last step)."),
    sample: int | None = typer.Option(
        None, "--sample", min=0, help="Exactly N lines, uniformly at random (seeded)."
    ),
    fraction: float | None = typer.Option(
        None, "--fraction", min=0.0, max=1.0, help="Keep each line with probability F (seeded)."
    ),
    seed: int = typer.Option(
        0, "--seed", help="Seed for --sample, --fraction, --shuffle, --split."
    ),
    shuffle: bool = typer.Option(False, "--shuffle", help="Seeded random order."),
    shard: str | None = typer.Option(
        None, "--shard", metavar="K/N", help="Every N-th line starting at K (0-based)."
    ),
    split: str | None = typer.Option(
        None, "--split", metavar="NAME=F,...", help="Partition into DIR/NAME.manifest files."
    ),
    split_key: str | None = typer.Option(
        None, "--split-key", help="Keep lines with equal values of this attribute together."
    ),
    out_dir: Path | None = typer.Option(None, "--out-dir", help="Directory for the --split files."),
    split_suffix: str = typer.Option(
        ".manifest", "--split-suffix", help="Split file suffix; .manifest.gz writes gzip."
    ),
    on_error: OnError = typer.Option(
        OnError.stop, "--on-error", help="At an invalid line: stop (exit 1), or skip it and go on."
    ),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="A --split part with no line is not an error (exit 0)."
    ),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No counts on stderr; warnings and errors only."
    ),
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    max_line_bytes: MaxLineBytes = api.MAX_LINE_BYTES,
) -> None:
    """Filter, project, sample, shuffle, shard or split a manifest into JSON Lines.

    The steps run in this order, each on the lines the one before kept:
    --where, then --attrs, then --sample or --fraction, then --shuffle, then
    --shard or --split, then --head. Lines that are not projected pass through
    byte for byte. Every line is checked as validate checks it; an invalid line
    stops the run (exit 1) unless --on-error skip, which leaves it out, lists it
    on stderr and exits 1 at the end. The same --seed gives the same output.

    Example: augman select examples/classification.manifest --where '"class-metadata".confidence > `0.9`' --attrs source-ref,class -o confident.manifest

    Example: augman select examples/bounding-box.manifest --split train=0.8,validation=0.2 --split-key source-ref --seed 3 --out-dir splits
    """
    with error_boundary():
        keys = parse_attrs(attrs)
        from augman.selecting.plan import make_plan

        plan = make_plan(
            attrs=keys, where=where, head=head, sample=sample, fraction=fraction, seed=seed,
            shuffle=shuffle, shard=shard, split=split, split_key=split_key,
        )  # fmt: skip
        _check_outputs(plan, output, out_dir, split_suffix)
        tell_if_reading_the_terminal([manifest])
        with _opened(plan, output, out_dir, split_suffix) as out:
            result = api.select(
                manifest, out, attrs=keys, where=where, head=head, sample=sample,
                fraction=fraction, seed=seed, shuffle=shuffle, shard=plan.shard, split=plan.split,
                split_key=split_key, on_error=on_error, max_findings=SHOWN_FINDINGS,
                s3_client=s3.client_factory(endpoint_url, region, profile),
                watch=progress_for if output not in (None, "-") or split else None,
                max_line_bytes=max_line_bytes,
            )  # fmt: skip
        _tell(result, plan, out_dir, split_suffix, quiet=quiet, allow_empty=allow_empty)
    failed = result.skipped or (result.empty_parts and not allow_empty)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_OK)


def _check_outputs(plan: SelectPlan, output: str | None, out_dir: Path | None, suffix: str) -> None:
    if plan.split is None:
        if out_dir is not None:
            raise UsageError("--out-dir is for --split", "without --split, use -o FILE")
        return
    if out_dir is None:
        raise UsageError("--split needs --out-dir", "e.g. --out-dir splits")
    if output is not None:
        raise UsageError("--split writes into --out-dir; -o cannot be used with it")
    if not suffix.startswith(".") or "/" in suffix:
        raise UsageError(f"--split-suffix {suffix!r} must start with '.', e.g. .manifest.gz")


@contextlib.contextmanager
def _opened(
    plan: SelectPlan, output: str | None, out_dir: Path | None, suffix: str
) -> Iterator[Writer | Mapping[str, Writer]]:
    """stdout, one file, or one file per split part; files appear only if all goes well."""
    if plan.split is not None and out_dir is not None:
        directory = ensure_directory(out_dir)
        paths = [directory / f"{name}{suffix}" for name in plan.split.names]
        with atomic_outputs(paths) as files:
            yield dict(zip(plan.split.names, files, strict=True))
    elif output is None or output == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
    else:
        with atomic_output(output) as file:
            yield file


def _tell(
    result: SelectResult,
    plan: SelectPlan,
    out_dir: Path | None,
    suffix: str,
    *,
    quiet: bool,
    allow_empty: bool,
) -> None:
    """People-facing counts on stderr: the split parts, what was kept, the skipped lines."""
    say = _say
    for warning in result.warnings:
        say(f"augman: warning: {warning}")
    if plan.split is not None and out_dir is not None and not quiet:
        width = max(len(name) for name in result.parts)
        for name, count in result.parts.items():
            share = f"{count / result.lines_written:6.1%}" if result.lines_written else "     -"
            lines = "lines" if count != 1 else "line "
            say(f"{name:<{width}}  {count:>10,} {lines} {share}  {out_dir / (name + suffix)}")
    for name in result.empty_parts:
        written = result.lines_written
        say(
            f"augman: warning: split part {name!r} is empty: none of the {written:,} lines went to it"
        )
        if not allow_empty:
            say(
                "  hint: use more lines, other fractions or another --seed; --allow-empty accepts it"
            )
    if not result.skipped:
        if not quiet:
            read = result.lines_read
            say(f"augman: kept {result.lines_written:,} of {read:,} line{'s' * (read != 1)} read")
        return
    for finding in result.findings:
        say(f"{finding.location}: {finding.code} {finding.message}")
    if result.findings_total > len(result.findings):
        say(f"... {result.findings_total - len(result.findings):,} more findings not listed")
    say(
        f"augman: skipped {result.skipped:,} invalid line{'s' if result.skipped != 1 else ''}"
        f" of {result.lines_read:,}; wrote {result.lines_written:,}"
    )


def _say(text: str) -> None:
    stderr_console().print(printable(text), markup=False, highlight=False, soft_wrap=True)
