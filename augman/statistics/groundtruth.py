"""The Ground Truth shapes ``augman stats`` reads, as msgspec Structs, and their decoding.

A label's metadata and its value are decoded a column at a time (every line of a
chunk in one ``decode_lines`` call) into these Structs, which msgspec fills in C
far faster than it builds generic dicts. A value that does not fit its Struct (a
class id that is a string, a confidence that is ``true``) is *odd*: it is decoded
on its own, the generic way (:func:`decode_metadata`, ``orjson``), and counted
line by line as before.

The Structs take only what the generic path reads the same way:

- integers within the signed 64-bit range (``orjson`` turns those beyond the
  unsigned one into floats; the rest go the generic way), and no booleans as
  numbers;
- a field the generic path reads with ``dict.get`` defaults to None, so a null
  and an absent field mean the same; ``internal-color-map`` is the exception (a
  null one hides ``color-map``), so it is UNSET when absent and never null.

One difference remains: a number beyond the float range (``1e400``) in a field
stats does not read makes ``orjson`` refuse the whole object (no label, or a
malformed one), while msgspec skips that field unread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

import msgspec
import orjson

from augman.statistics.columns import NEWLINE

Int = Annotated[int, msgspec.Meta(ge=-(2**63), le=2**63 - 1)]  # the most msgspec checks
Number = Int | float
SMALL = 16  # a run this short that does not decode as a whole is decoded value by value
_ERRORS = (msgspec.DecodeError, RecursionError)
T = TypeVar("T")


class Colour(msgspec.Struct, gc=False):
    """One entry of a segmentation colour map."""

    class_name: str = msgspec.field(name="class-name")
    confidence: Number | None = None


class Detected(msgspec.Struct, gc=False):
    """One entry of a bounding-box metadata's ``objects``."""

    confidence: Number | None = None


class Metadata(msgspec.Struct, gc=False):
    """``<label>-metadata``: the fields of every label kind (absent ones cost nothing)."""

    type: str
    human_annotated: str | None = msgspec.field(default=None, name="human-annotated")
    job_name: str | None = msgspec.field(default=None, name="job-name")
    creation_date: str | None = msgspec.field(default=None, name="creation-date")
    class_name: str | None = msgspec.field(default=None, name="class-name")
    confidence: Number | None = None
    class_map: dict[str, str] | None = msgspec.field(default=None, name="class-map")
    class_map_3d: dict[str, str] | None = msgspec.field(default=None, name="class_map")
    confidence_map: dict[str, Number | None] | None = msgspec.field(
        default=None, name="confidence-map"
    )
    objects: list[Detected] | None = None
    internal_color_map: dict[str, Colour] | msgspec.UnsetType = msgspec.field(
        default=msgspec.UNSET, name="internal-color-map"
    )
    color_map: dict[str, Colour] | None = msgspec.field(default=None, name="color-map")

    def names(self) -> dict[str, str]:
        """The class-map (the 3D point-cloud example spells it class_map, spec 5.2)."""
        names = self.class_map if self.class_map is not None else self.class_map_3d
        return names if names is not None else {}

    def colours(self) -> dict[str, Colour] | None:
        """A segmentation's colour map: ``internal-color-map``, else ``color-map``."""
        colours = self.internal_color_map
        return self.color_map if isinstance(colours, msgspec.UnsetType) else colours


class Box(msgspec.Struct, gc=False):
    """One bounding box (``left`` and ``top`` are not counted); a class id is str()-ed."""

    class_id: Int | str
    width: Number
    height: Number


class ImageSize(msgspec.Struct, gc=False):
    width: Number | None = None
    height: Number | None = None


class Boxes(msgspec.Struct, gc=False):
    """A bounding-box label value."""

    annotations: list[Box]
    image_size: list[ImageSize] | None = None

    def image_area(self) -> float:
        """The first image size's area; 0.0 when it is not given."""
        sizes = self.image_size
        if sizes and sizes[0].width is not None and sizes[0].height is not None:
            return float(sizes[0].width * sizes[0].height)
        return 0.0


METADATA = msgspec.json.Decoder(Metadata)
BOXES = msgspec.json.Decoder(Boxes)
CLASS_IDS = msgspec.json.Decoder(list[Int | str])


def decode_typed(
    decoder: msgspec.json.Decoder[T],
    values: Sequence[Any],
    joined: bytes | None = None,
    fallback: msgspec.json.Decoder[T] | None = None,
) -> list[T | None]:
    """Each raw value decoded by ``decoder`` (else by ``fallback``), or None where it is odd.

    The whole column (``joined``: the values joined with newlines, if already made)
    is one ``decode_lines`` call. When that fails, each half is tried again, so one
    odd value costs a few partial decodes, not its chunk; a failing decode stops
    at the first odd value, so even a column of odd values costs little.
    """
    try:
        return list(decoder.decode_lines(NEWLINE.join(values) if joined is None else joined))
    except _ERRORS:
        if len(values) <= SMALL:
            return [_one(decoder, value, fallback) for value in values]
    half = len(values) // 2
    return decode_typed(decoder, values[:half], None, fallback) + decode_typed(
        decoder, values[half:], None, fallback
    )


def _one(
    decoder: msgspec.json.Decoder[T], value: Any, fallback: msgspec.json.Decoder[T] | None
) -> T | None:
    try:
        return decoder.decode(value)
    except _ERRORS:
        return None if fallback is None else _one(fallback, value, None)


def decode_metadata(raw: bytes) -> dict[str, Any] | None:
    """The metadata object, decoded the generic way, if it names a label ``type``; else None."""
    if b'"type"' not in raw:
        return None  # e.g. source-ref-metadata of a 3D point-cloud frame
    try:
        meta = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if isinstance(meta, dict) and isinstance(meta.get("type"), str):
        return meta
    return None
