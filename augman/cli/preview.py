"""`augman preview`: the labels drawn on the data, in one self-contained HTML page."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from augman import api
from augman.cli._app import (
    EXIT_OK,
    PROGRESS_AFTER,
    EndpointUrl,
    Manifest,
    Profile,
    Region,
    app,
    error_boundary,
    parse_attrs,
    progress_for,
    say,
    stderr_console,
    tell_if_reading_the_terminal,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.errors import UsageError
from augman.inputs import s3

if TYPE_CHECKING:
    from augman.previewing.build import PreviewResult


@app.command(cls=AugmanCommand)
def preview(
    manifest: Manifest,
    output: str = typer.Option("preview.html", "--output", "-o", help="Write the page to this file; - writes it to stdout."),
    attrs: str | None = typer.Option(None, "--attrs", "-a", metavar="NAME,...", help="AttributeNames: the lines are checked with them, and those that are labels are drawn, read by their shape when they have no -metadata."),
    where: str | None = typer.Option(None, "--where", "-w", help="Show lines where this JMESPath expression is truthy (as select --where)."),
    head: int | None = typer.Option(None, "--head", min=0, help="Show the first N lines (last step; stops reading)."),
    sample: int | None = typer.Option(None, "--sample", min=0, help="Show N lines drawn uniformly at random (the lines select --sample draws)."),
    seed: int = typer.Option(0, "--seed", help="Seed for --sample."),
    limit: int = typer.Option(1000, "--limit", min=1, help="Without --sample or --head, show at most the first N lines."),
    mirror: list[str] = typer.Option([], "--mirror", metavar="s3://BUCKET[/PREFIX]=DIR", help="Read images under this S3 prefix from a local directory instead (repeatable)."),
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    concurrency: int = typer.Option(16, "--concurrency", min=1, help="Images fetched at the same time."),
    size: int = typer.Option(320, "--size", min=16, max=2048, help="Thumbnail size in pixels (the longer side)."),
    open_page: bool = typer.Option(False, "--open", help="Open the page in a web browser when it is written."),
) -> None:  # fmt: skip
    """Draw the labels on the data: one HTML page that works offline.

    One card per line: the image (a thumbnail, inlined) or the text of source,
    with its labels drawn: classes and confidences as badges, bounding boxes,
    segmentation masks (with an opacity slider), label verification, named
    entities highlighted in the text. Labels are found by <label>-metadata.type,
    or named with --attrs. Each card shows the line number, the source URI and
    the findings of `augman validate` on that line; the legend counts the
    classes, and filters by class and by findings. An image that cannot be
    fetched or decoded is a card that says why. The page makes no request at
    all: open it from disk or from a CI artifact.

    Example: augman preview examples/classification.manifest --sample 3 --seed 1 --mirror s3://example-bucket/images=examples/images -o preview.html --open

    Example: augman preview examples/bounding-box.manifest --mirror s3://example-bucket/images=examples/images
    """
    with error_boundary():
        if open_page and output == "-":
            raise UsageError("--open needs a file", "write the page with -o preview.html")
        tell_if_reading_the_terminal([manifest])
        to_file = output != "-"
        with _fetch_progress() as progress:
            result = api.preview(
                manifest, output if to_file else None, attrs=parse_attrs(attrs), where=where,
                head=head, sample=sample, seed=seed, limit=limit, mirrors=mirror,
                concurrency=concurrency, thumbnail_size=size,
                s3_client=s3.client_factory(endpoint_url, region, profile),
                watch=progress_for, progress=progress,
            )  # fmt: skip
        if not to_file:
            sys.stdout.buffer.write(result.html.encode("utf-8"))
            sys.stdout.buffer.flush()
        _tell(result)
        if open_page:
            import webbrowser

            webbrowser.open(Path(output).resolve().as_uri())
    raise typer.Exit(EXIT_OK)


def _tell(result: PreviewResult) -> None:
    where = f"wrote {result.output}" if result.output else "wrote the page"
    notes = [f"{result.cards:,} cards of {result.lines_read:,} lines read"]
    if result.with_findings:
        notes.append(f"{result.with_findings:,} with findings")
    if result.unavailable:
        notes.append(f"{result.unavailable:,} images could not be shown")
    if result.more:
        notes.append(f"{result.more:,} more lines not shown (--limit, --sample, --head)")
    say(f"augman: {where}: {', '.join(notes)}")


@contextlib.contextmanager
def _fetch_progress() -> Iterator[Callable[[int, int], None] | None]:
    """A transient bar on stderr while images are fetched: on a terminal, after a second."""
    if not sys.stderr.isatty() or os.environ.get("AUGMAN_NO_PROGRESS"):
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("images"), BarColumn(), MofNCompleteColumn(),
        console=stderr_console(), transient=True,
    )  # fmt: skip
    started = time.monotonic()
    task: list[Any] = []

    def advance(done: int, total: int) -> None:
        if not task:
            if time.monotonic() - started < PROGRESS_AFTER:
                return
            bar.start()
            task.append(bar.add_task("images", total=total))
        bar.update(task[0], completed=done)

    try:
        yield advance
    finally:
        bar.stop()
