"""What checking one object gives: an :class:`Outcome`, and the image header if read."""

from __future__ import annotations

from dataclasses import dataclass

from augman.refcheck.content import Picture, read_header

MISSING, DENIED, NO_BUCKET, REGION = "AM307", "AM308", "AM309", "AM310"
EMPTY, TOO_LARGE, UNREADABLE = "AM311", "AM312", "AM313"
NOT_IMAGE, IMAGE_FORMAT, IMAGE_SIZE, LABEL_SIZE = "AM314", "AM315", "AM316", "AM317"

RECORD_LIMIT = 1 << 29  # RecordIO's length field holds 29 bits
HEADER_BYTES = 64 << 10  # what a content check reads of each object


@dataclass(frozen=True)
class Outcome:
    """One object checked: its size, or the rule it breaks (``code``) and why (``detail``).

    ``picture`` is the decoded header (content checks), ``image_problem`` what Pillow
    said when the bytes are not a readable image.
    """

    size: int | None = None
    code: str | None = None
    detail: str = ""
    picture: Picture | None = None
    image_problem: str | None = None


def found(size: int, head: bytes | None = None, complete: bool = False) -> Outcome:
    """The outcome of an object that exists, with its first bytes when they were read."""
    if head is None or size == 0:
        return Outcome(size)
    picture, problem = read_header(head, complete)
    return Outcome(size, picture=picture, image_problem=problem)
