"""``--mirror s3://bucket[/prefix]=DIR``: one option and parser for every command that reads S3."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from augman.refs import Mirror

Mirrors = Annotated[
    list[str],
    typer.Option(
        "--mirror",
        metavar="s3://BUCKET[/PREFIX]=DIR",
        help="Read manifests and -ref objects under this S3 prefix from a local directory instead (repeatable).",
    ),
]


def refs_mirror(text: str) -> Mirror:
    """``--mirror s3://bucket[/prefix]=DIR``, checked before any output is opened."""
    from augman import refs

    return refs.Mirror.parse(text)


def parse_mirrors(texts: list[str]) -> list[Mirror]:
    return [refs_mirror(text) for text in texts]
