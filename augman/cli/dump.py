"""`augman dump`: one row per record of a RecordIO stream, printed as records arrive."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import orjson
import typer

from augman import api
from augman.cli._app import (
    Attrs,
    EndpointUrl,
    Profile,
    Region,
    app,
    error_boundary,
    parse_attrs,
    tell_if_reading_the_terminal,
)
from augman.cli._commands import AugmanCommand
from augman.errors import UsageError
from augman.inputs import s3
from augman.options import DumpFormat, Join, Wrap

if TYPE_CHECKING:
    from augman.recordio.dumping import DumpRow


@app.command(cls=AugmanCommand)
def dump(
    stream: str = typer.Argument(
        "-", metavar="STREAM|-", help="A RecordIO file, a FIFO, - for stdin, or s3://bucket/key."
    ),
    attrs: Attrs = None,
    fmt: DumpFormat = typer.Option(
        DumpFormat.text, "--format", "-f", help="text rows or JSON Lines."
    ),
    raw: Path | None = typer.Option(
        None, "--raw", help="Also write each payload to DIR/000001-source-ref.jpg, ..."
    ),
    wrap: Wrap = typer.Option(Wrap.recordio, "--wrap", help="How the stream was framed."),
    join: Join = typer.Option(
        Join.concat,
        "--join",
        help="Split records: concat parts (mlio, TF-ext) or dmlc (magic between).",
    ),
    endpoint_url: EndpointUrl = None,
    region: Region = None,
    profile: Profile = None,
) -> None:
    """Show what a training container would read from a RecordIO stream, one row per record.

    Each row has the record number, byte offset, size, sniffed type (jpeg, png,
    gif, json, text, binary) and a preview; with --attrs, also the manifest line
    and attribute (give the --attrs the stream was written with). Exit 1 on a torn or corrupt stream (after the rows before it)
    or one that ends mid-line, 2 when the stream cannot be read.

    Example: augman stream examples/classification.manifest --attrs source-ref,class --mirror s3://example-bucket/images=examples/images | augman dump --attrs source-ref,class
    """
    with error_boundary():
        if wrap is Wrap.none:
            raise UsageError(
                "a stream written with --wrap none cannot be split into records: its payloads "
                "are back to back, with no length or separator between them",
                "write it with --wrap recordio to inspect it, or look at the bytes with `xxd`",
            )
        given = parse_attrs(attrs)
        names = api.check_attribute_names(given) if given is not None else None
        tell_if_reading_the_terminal([stream], "a RecordIO stream")
        rows = api.dump(
            stream, attrs=names, join=join, raw_dir=raw,
            s3_client=s3.client_factory(endpoint_url, region, profile),
        )  # fmt: skip
        write = write_json if fmt is DumpFormat.json else write_text
        write(rows, names, sys.stdout)


def write_json(rows: Iterable[DumpRow], names: Sequence[str] | None, out: TextIO) -> None:
    """JSON Lines, one object per record, each flushed as soon as it is known."""
    for row in rows:
        fields = {k: v for k, v in vars(row).items() if v is not None or k != "file"}
        out.write(orjson.dumps(fields).decode() + "\n")
        out.flush()


def write_text(rows: Iterable[DumpRow], names: Sequence[str] | None, out: TextIO) -> None:
    """Aligned rows under one header line, each flushed as soon as it is known."""
    columns = _columns(names)
    header = _cells([title for title, _ in columns], columns) + "preview\n"
    for row in rows:
        if header:  # written with the first row: an unreadable stream prints no table at all
            out.write(header)
            header = ""
        values = [str(row.record), str(row.offset)]
        if names:
            values += [str(row.line), row.attribute or ""]
        values += [str(row.length), row.kind]
        split = f"[{row.parts} parts] " if row.parts > 1 else ""
        out.write(_cells(values, columns) + split + row.preview + "\n")
        out.flush()
    out.write(header)  # an empty stream: the header alone


def _columns(names: Sequence[str] | None) -> list[tuple[str, int]]:
    """(title, width) per column; a negative width aligns left (words), positive right (numbers)."""
    columns = [("record", 7), ("offset", 11)]
    if names:
        columns += [("line", 7), ("attribute", -max(9, *map(len, names)))]
    return [*columns, ("bytes", 10), ("type", -6)]


def _cells(values: list[str], columns: list[tuple[str, int]]) -> str:
    cells = (
        v.rjust(w) if w > 0 else v.ljust(-w) for v, (_, w) in zip(values, columns, strict=True)
    )
    return "  ".join(cells) + "  "
