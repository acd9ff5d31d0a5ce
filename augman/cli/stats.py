"""`augman stats`."""

from __future__ import annotations

import typer

from augman import api
from augman.cli._app import (
    EXIT_OK,
    Attrs,
    EndpointUrl,
    Manifest,
    MaxLineBytes,
    Profile,
    Region,
    app,
    error_boundary,
    parse_attrs,
    progress_for,
    stdout_console,
    tell_if_reading_the_terminal,
)  # fmt: skip
from augman.cli._commands import AugmanCommand
from augman.inputs import s3
from augman.options import StatsFormat


@app.command(cls=AugmanCommand)
def stats(
    manifest: Manifest,
    attrs: Attrs = None,
    fmt: StatsFormat = typer.Option(StatsFormat.text, "--format", "-f", help="Output format."),
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
    max_line_bytes: MaxLineBytes = api.MAX_LINE_BYTES,
) -> None:
    """Read a manifest once and describe it: attributes, labels, refs, invalid lines.

    With --attrs, only those attributes are reported and num_training_samples
    counts the lines that have all of them. Attribute coverage and JSON types; Ground Truth labels found by
    <label>-metadata.type (class balance, confidence, boxes, human vs automated);
    -ref buckets, folders, extensions and URIs repeated on several lines; and
    num_training_samples, the lines a built-in algorithm would count.

    Exit 0 when the manifest was read, invalid lines included (they are counted
    and listed; augman validate explains them); 2 when it could not be read.

    Example: augman stats examples/classification.manifest --attrs source-ref,class --format json
    """
    with error_boundary():
        tell_if_reading_the_terminal([manifest])
        result = api.stats(
            manifest,
            attrs=parse_attrs(attrs),
            s3_client=s3.client_factory(endpoint_url, region, profile),
            watch=progress_for,
            max_line_bytes=max_line_bytes,
        )
        from augman.reporting.stats_json import STATS_REPORTERS

        STATS_REPORTERS[fmt.value](stdout_console()).emit(result)
    raise typer.Exit(EXIT_OK)
