"""`augman stream`: the bytes SageMaker Pipe mode would put on a channel's pipe."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from augman import api
from augman.cli._app import (
    EXIT_FINDINGS,
    EXIT_OK,
    Attrs,
    EndpointUrl,
    Manifest,
    MaxLineBytes,
    Profile,
    Region,
    app,
    error_boundary,
    fail,
    parse_attrs,
    stderr_console,
    tell_if_reading_the_terminal,
    waiting_for_reader,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.cli._mirror import Mirrors, parse_mirrors
from augman.cli._sizes import parse_size
from augman.errors import UsageError
from augman.inputs import s3
from augman.inputs.ordering import Shard
from augman.options import OnError, ValueEncoding, Wrap
from augman.printable import printable

if TYPE_CHECKING:
    from augman.checking.findings import Finding
    from augman.outputs import sinks
    from augman.streaming.pipe import StreamResult


@app.command(cls=AugmanCommand)
def stream(
    manifest: Manifest,
    attrs: Attrs = None,
    wrap: Wrap = typer.Option(Wrap.recordio, "--wrap", help="RecordWrapperType: one RecordIO record per attribute, or none (payloads back to back)."),
    value_encoding: ValueEncoding = typer.Option(ValueEncoding.text, "--value-encoding", help="How values that are not -ref become bytes: text (strings without quotes, the rest as compact JSON) or json (all compact JSON)."),
    output: str | None = typer.Option(None, "--output", "-o", help="Write to FILE (renamed into place on success) instead of stdout; - is stdout, even a terminal (without -o, stream refuses to write to a terminal)."),
    fifo: Path | None = typer.Option(None, "--fifo", help="Write to this FIFO (made if absent, removed at exit if augman made it)."),
    sm_root: Path | None = typer.Option(None, "--sm-root", help="Lay out DIR like /opt/ml: input/config/inputdataconfig.json and one FIFO per epoch, input/data/<channel>_<epoch>."),
    channel: str | None = typer.Option(None, "--channel", help="The channel name, with --sm-root (e.g. train)."),
    content_type: str | None = typer.Option(None, "--content-type", help="The channel's ContentType in inputdataconfig.json, with --sm-root."),
    epochs: int = typer.Option(1, "--epochs", min=1, help="Stream the manifest N times (with --sm-root, one FIFO per epoch)."),
    shuffle_seed: int | None = typer.Option(None, "--shuffle-seed", help="Shuffle the lines at the start of every epoch, deterministically for (seed, epoch)."),
    shard: str | None = typer.Option(None, "--shard", metavar="K/N", help="Keep every N-th line from the K-th (0-based) of each epoch's order, after the shuffle: an emulation of ShardedByS3Key."),
    mirror: Mirrors = [],  # noqa: B006 (Typer copies the default)
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    max_line_bytes: MaxLineBytes = api.MAX_LINE_BYTES,
    concurrency: int = typer.Option(16, "--concurrency", min=1, help="-ref objects fetched at the same time (the output order never changes)."),
    max_buffer: str | None = typer.Option(None, "--max-buffer", metavar="SIZE", help="Memory for -ref objects fetched ahead of the output, e.g. 256M or 1G (default: 64M); objects of 32M or more wait in a temporary file instead."),
    on_error: OnError = typer.Option(OnError.stop, "--on-error", help="At a line that fails the checks: stop before its first record (exit 1), or skip it and go on. A -ref object that cannot be fetched always stops the stream, after the lines before it."),
    allow_skips: bool = typer.Option(False, "--allow-skips", help="With --on-error skip: exit 0 even when lines were skipped."),
) -> None:  # fmt: skip
    """Stream a manifest exactly as SageMaker Pipe mode puts it on the pipe.

    For each line, one record per attribute of --attrs, in that order: a -ref
    attribute's object bytes, any other value as text. Each line passes the
    checks of `augman validate` before any of its records is written, so a bad
    line stops the stream on a record boundary (exit 1) unless --on-error skip.
    With --shuffle-seed and --shard, the shard is taken after the shuffle, so
    the N shards together get every line once per epoch.

    Example: augman stream examples/classification.manifest --attrs source-ref,class --mirror s3://example-bucket/images=examples/images | augman dump

    Example: augman stream examples/classification.manifest --attrs source-ref,class --mirror s3://example-bucket/images=examples/images --sm-root ./opt_ml --channel train --epochs 2
    """
    from augman.streaming.verdicts import BadLine

    with error_boundary():
        if allow_skips and on_error is not OnError.skip:
            raise UsageError("--allow-skips needs --on-error skip")
        if attrs is None:
            raise UsageError(
                "stream needs --attrs",
                "name the channel's AttributeNames, e.g. --attrs source-ref,class",
            )
        names = api.check_attribute_names(parse_attrs(attrs) or [])
        buffer_bytes = None if max_buffer is None else parse_size(max_buffer, "--max-buffer")
        s3_client = s3.client_factory(endpoint_url, region, profile, max(32, concurrency))
        shard_value = Shard.parse(shard) if shard is not None else None
        mirrors = parse_mirrors(mirror)
        sink = _open_sink(output, fifo, sm_root, channel, content_type, epochs, shard_value, wrap)
        tell_if_reading_the_terminal([manifest])
        try:
            with sink as target:
                result = api.stream(
                    manifest, target, attrs=names, wrap=wrap, value_encoding=value_encoding,
                    epochs=epochs, shuffle_seed=shuffle_seed, shard=shard_value, on_error=on_error,
                    mirrors=mirrors, concurrency=concurrency, s3_client=s3_client,
                    max_line_bytes=max_line_bytes, max_buffer=buffer_bytes,
                )  # fmt: skip
        except BadLine as exc:
            _print_findings(exc.findings)
            fail(exc.message, exc.hint, exc.exit_code)
    raise typer.Exit(_report(result, allow_skips))


def _open_sink(
    output: str | None,
    fifo: Path | None,
    sm_root: Path | None,
    channel: str | None,
    content_type: str | None,
    epochs: int,
    shard: Shard | None,
    wrap: Wrap,
) -> AbstractContextManager[sinks.Sink]:
    from augman.outputs import sinks, smroot

    to_file = output not in (None, "-")
    chosen = [
        name for name, given in [("-o", to_file), ("--fifo", fifo), ("--sm-root", sm_root)] if given
    ]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} both name the output", "choose one")
    if sm_root is None and (channel is not None or content_type is not None):
        option = "--channel" if channel is not None else "--content-type"
        raise UsageError(f"{option} needs --sm-root", "e.g. --sm-root ./opt_ml --channel train")
    if sm_root is not None:
        if channel is None:
            raise UsageError("--sm-root needs --channel", "e.g. --sm-root ./opt_ml --channel train")
        return smroot.to_sagemaker(
            sm_root, channel, epochs=epochs, content_type=content_type, sharded=shard is not None,
            wrapper="RecordIO" if wrap is Wrap.recordio else "None", on_wait=waiting_for_reader(),
        )  # fmt: skip
    if fifo is not None:
        return sinks.to_fifo(fifo, on_wait=waiting_for_reader())
    if to_file:
        return sinks.to_file(Path(str(output)))
    if output is None and sys.stdout.isatty():
        raise UsageError(
            "stream writes binary records, and stdout is a terminal",
            "write them to a file with -o FILE, look at them with `| augman dump`, "
            "or use -o - to write them to the terminal anyway",
        )
    return sinks.to_stdout()


def _report(result: StreamResult, allow_skips: bool) -> int:
    """The end-of-run notes on stderr; the exit code."""
    console = stderr_console()
    if result.skipped:
        console.print(f"augman: skipped {result.skipped} bad line(s):", markup=False)
        _print_findings(result.skipped_findings)
        if len(result.skipped_findings) < result.skipped:
            console.print("  ... (the first ones are listed)", markup=False)
    _print_findings(result.file_findings)
    if result.warnings:
        counts = ", ".join(f"{code} x{n}" for code, n in sorted(result.warnings.items()))
        total = sum(result.warnings.values())
        console.print(
            f"augman: {total} warning(s) in the streamed lines ({counts}); "
            "`augman validate` lists them",
            markup=False, soft_wrap=True,
        )  # fmt: skip
    failed = result.file_findings or (result.skipped and not allow_skips)
    return EXIT_FINDINGS if failed else EXIT_OK


def _print_findings(findings: Sequence[Finding]) -> None:
    console = stderr_console()
    for finding in findings:
        text = printable(f"{finding.location}: {finding.code} {finding.message}")
        console.print(text, markup=False, highlight=False, soft_wrap=True)
