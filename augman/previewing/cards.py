"""One card per picked line: what it shows (image, text, labels, findings), before drawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from augman import jsontext
from augman.checking.findings import Finding
from augman.previewing.labels import Label, image_uri, labels_of, text_of
from augman.previewing.picking import Picked
from augman.previewing.thumbnails import Outcome

MAX_TEXT = 5_000  # characters of ``source`` shown on a card


@dataclass(frozen=True)
class Card:
    """A line as the page shows it.

    ``image`` and ``masks`` (one per segmentation label, by attribute) are filled in
    once fetched; ``problem`` says why the line could not be read at all.
    """

    line_no: int
    findings: tuple[Finding, ...]
    image_uri: str | None = None
    text: str | None = None
    labels: tuple[Label, ...] = ()
    problem: str | None = None
    image: Outcome | None = None
    masks: tuple[tuple[str, Outcome], ...] = ()


def card_for(item: Picked, attrs: Sequence[str] | None) -> Card:
    """The card of a picked line (its images not fetched yet)."""
    try:
        line = jsontext.loads(item.line)
    except ValueError:
        line = None
    if not isinstance(line, dict):
        reason = item.findings[0].message if item.findings else "not a JSON object"
        return Card(item.line_no, item.findings, problem=reason)
    return Card(
        item.line_no,
        item.findings,
        image_uri=image_uri(line, attrs),
        text=text_of(line),
        labels=tuple(labels_of(line, attrs)),
    )
