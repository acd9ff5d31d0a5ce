"""The shapes of the JSON Schemas as msgspec Structs: a column of values checked in C.

A value that decodes into its Struct is valid under its task's JSON Schema; the
Structs may refuse more than the schemas do (an integer written ``1.0``, a label
that mixes ``class_id`` and ``class-id``), never less. What they refuse goes to the
schema itself, so the two never disagree on what is reported, only on how fast.
Every field the schemas leave optional is ``UNSET`` when absent, never None, so a
null is refused as the schemas refuse it.
"""

from __future__ import annotations

from itertools import repeat
from typing import Annotated, Any, Literal, Union, cast

import msgspec
from msgspec import UNSET as UNSET
from msgspec import Meta, Struct, UnsetType, field

from augman.groundtruth.types import TASK_TYPES, LabelKind, TaskType

Confidence = Annotated[float, Meta(ge=0, le=1)]
Size = Annotated[float, Meta(ge=0)]
Positive = Annotated[float, Meta(gt=0)]
Count = Annotated[int, Meta(ge=0)]
Digits = Annotated[str, Meta(pattern="^[0-9]+$")]
ClassId = Union[Count, Digits]  # noqa: UP007 (msgspec reads the Union at run time)
# Keys "0", "1"... decode as ints: msgspec takes only plain digits, as the schemas'
# pattern does, and without running a regular expression a key (6x faster).
IdKey = Count
ClassMap = dict[IdKey, str]
Ref = Annotated[str, Meta(pattern="^s3://")]


class AnyObject(Struct, gc=False):
    """Any JSON object, its members skipped unread (what a schema's bare ``"type": "object"``
    allows): no dict is built."""


def _opt(name: str) -> Any:
    return field(default=UNSET, name=name)


# -- label values ----------------------------------------------------------------------


class ImageSize(Struct, gc=False):
    width: Positive
    height: Positive
    depth: Annotated[int, Meta(ge=1)] | UnsetType = UNSET


class Box(Struct, gc=False):
    """A box with ``class_id`` (images, spec 5.2)."""

    class_id: ClassId
    left: float
    top: float
    width: Size
    height: Size


class DashBox(Struct, gc=False):
    """A box with ``class-id`` (the spelling of video and 3D outputs)."""

    class_id: ClassId = field(name="class-id")
    left: float
    top: float
    width: Size
    height: Size


class Boxes(Struct, gc=False):
    image_size: Annotated[list[ImageSize], Meta(min_length=1)]
    annotations: list[Box]


class DashBoxes(Struct, gc=False):
    image_size: Annotated[list[ImageSize], Meta(min_length=1)]
    annotations: list[DashBox]


class Cuboid(Struct, gc=False, rename="kebab"):
    """A 3D cuboid with ``class-id``."""

    class_id: ClassId
    center_x: float
    center_y: float
    center_z: float
    length: Size
    width: Size
    height: Size
    object_name: str | UnsetType = UNSET
    roll: float | UnsetType = UNSET
    pitch: float | UnsetType = UNSET
    yaw: float | UnsetType = UNSET
    label_category_attributes: AnyObject | UnsetType = UNSET


class UnderscoreCuboid(Cuboid, gc=False):
    """A cuboid with ``class_id``."""

    class_id: ClassId = field(name="class_id")  # type: ignore[assignment]


class Cuboids(Struct, gc=False):
    annotations: list[Cuboid]


class UnderscoreCuboids(Struct, gc=False):
    annotations: list[UnderscoreCuboid]


class SpanLabel(Struct, gc=False):
    label: str
    shortDisplayName: str | UnsetType = UNSET  # Ground Truth's spelling


class Entity(Struct, gc=False):
    label: str
    startOffset: Count
    endOffset: Count


class SpanBody(Struct, gc=False):
    labels: list[SpanLabel]
    entities: list[Entity]


class Spans(Struct, gc=False):
    annotations: SpanBody


# -- metadata ----------------------------------------------------------------------------


class Feedback(Struct, gc=False):
    comment: str | UnsetType = UNSET


class Scored(Struct, gc=False):
    confidence: Confidence | UnsetType = UNSET


class Colour(Struct, gc=False):
    class_name: str = field(name="class-name")
    confidence: Confidence | UnsetType = UNSET
    hex_color: str | UnsetType = _opt("hex-color")


class TrackedFrame(Struct, gc=False):
    frame_no: Count | UnsetType = _opt("frame-no")
    confidence: list[Confidence] | UnsetType = UNSET


class Metadata(Struct, tag_field="type", gc=False):
    """The elements every task's metadata may have (spec 5.1); ``type`` is the tag."""

    job_name: str | UnsetType = _opt("job-name")
    human_annotated: Literal["yes", "no"] | UnsetType = _opt("human-annotated")
    creation_date: str | UnsetType = _opt("creation-date")
    confidence: Confidence | UnsetType = UNSET
    adjustment_status: Literal["adjusted", "unadjusted"] | UnsetType = _opt("adjustment-status")
    worker_feedback: list[Feedback] | UnsetType = _opt("worker-feedback")
    failure_reason: str | UnsetType = _opt("failure-reason")

    def class_map(self) -> dict[int, str] | None:
        """The class map, spelt ``class-map`` or ``class_map``; None when it has none."""
        return None


class Classified(Metadata, gc=False):
    class_name: str | UnsetType = _opt("class-name")


class MultiClassified(Metadata, gc=False):
    class_map_: ClassMap | UnsetType = _opt("class-map")
    confidence_map: dict[IdKey, Confidence] | UnsetType = _opt("confidence-map")

    def class_map(self) -> dict[int, str] | None:
        return None if self.class_map_ is UNSET else self.class_map_


class Mapped(Metadata, gc=False):
    """Metadata with a class map in either spelling."""

    class_map_: ClassMap | UnsetType = _opt("class-map")
    class_map_underscore: ClassMap | UnsetType = _opt("class_map")

    def class_map(self) -> dict[int, str] | None:
        if self.class_map_ is not UNSET:
            return self.class_map_
        return None if self.class_map_underscore is UNSET else self.class_map_underscore


class Detected(Mapped, gc=False):
    objects: list[Scored] | UnsetType = UNSET


class Segmented(Metadata, gc=False):
    internal_color_map: dict[IdKey, Colour] | UnsetType = _opt("internal-color-map")


class Spanned(Metadata, gc=False):
    entities: list[Scored] | UnsetType = UNSET


class PointCloudSegmented(Metadata, gc=False):
    color_map: dict[IdKey, Colour] | UnsetType = _opt("color-map")


class PointCloudDetected(Mapped, gc=False):
    objects: list[AnyObject] | UnsetType = UNSET


class PointCloudTracked(Mapped, gc=False):
    objects: list[TrackedFrame] | UnsetType = UNSET


_METADATA: dict[str, type[Metadata]] = {
    "image-classification": Classified,
    "text-classification": Classified,
    "label-verification": Classified,
    "image-classification-multilabel": MultiClassified,
    "text-classification-multilabel": MultiClassified,
    "object-detection": Detected,
    "semantic-segmentation": Segmented,
    "text-span": Spanned,
    "video-object-detection": Mapped,
    "video-object-tracking": Mapped,
    "point-cloud-semantic-segmentation": PointCloudSegmented,
    "point-cloud-object-detection": PointCloudDetected,
    "point-cloud-object-tracking": PointCloudTracked,
}

_LABELS: dict[LabelKind, tuple[Any, ...]] = {
    LabelKind.class_id: (ClassId,),
    LabelKind.class_ids: (list[ClassId],),  # type: ignore[valid-type]
    LabelKind.boxes: (Boxes, DashBoxes),
    LabelKind.spans: (Spans,),
    LabelKind.cuboids: (Cuboids, UnderscoreCuboids),
    LabelKind.ref: (Ref,),
}


def _tagged(type_: str, task: TaskType) -> type[Metadata]:
    """The metadata Struct of ``task`` tagged with one of its ``type`` strings."""
    base = _METADATA[task.name]
    name = base.__name__ + "_" + type_.rsplit("/", 1)[-1].replace("-", "_")
    struct = msgspec.defstruct(name, [], bases=(base,), tag=type_, gc=False)
    return cast("type[Metadata]", struct)


BY_TYPE: dict[str, type[Metadata]] = {
    type_: _tagged(type_, task) for type_, task in TASK_TYPES.items()
}
TAGGED: dict[type[Metadata], TaskType] = {struct: TASK_TYPES[t] for t, struct in BY_TYPE.items()}
METADATA = msgspec.json.Decoder(Union[tuple(TAGGED)])  # type: ignore[valid-type]  # noqa: UP007


def _plain(task: TaskType) -> type[Metadata]:
    """The metadata Struct of ``task`` untagged, ``type`` a required field (any of the
    task's spellings): decoding it needs no scan ahead for the tag, which Ground Truth
    writes mid-object (about a tenth of a metadata decode). Same fields, same methods."""
    base = _METADATA[task.name]
    types = tuple(type_ for type_, each in TASK_TYPES.items() if each is task)
    fields = [
        (f.name, f.type, field(default=f.default, name=f.encode_name))
        for f in msgspec.structs.fields(base)
    ]
    struct = msgspec.defstruct(
        base.__name__ + "Plain",
        [*fields, ("type", Literal[types])],
        kw_only=True,
        gc=False,
        namespace={"class_map": base.class_map},
    )
    return cast("type[Metadata]", struct)


_PLAINS = {task: _plain(task) for task in dict.fromkeys(TASK_TYPES.values())}
TAGGED.update({struct: task for task, struct in _PLAINS.items()})
PLAIN: dict[TaskType, msgspec.json.Decoder[Any]] = {
    task: msgspec.json.Decoder(struct) for task, struct in _PLAINS.items()
}
# -ref labels decode as plain strings, their "s3://" tested a column at a time (check_refs):
# a regular expression a value costs more than the decoding
# and a class id written as a string is tested for its digits a column at a time
# (check_class_ids), not by the pattern a value
_FAST = {**_LABELS, LabelKind.ref: (str,), LabelKind.class_id: (Union[Count, str],)}  # noqa: UP007
LABELS: dict[str, tuple[msgspec.json.Decoder[Any], ...]] = {
    task.name: tuple(msgspec.json.Decoder(shape) for shape in _FAST[task.kind])
    for task in TASK_TYPES.values()
}


def check_class_ids(labels: list[Any]) -> list[Any]:
    """Class id labels decoded as ints or strings, with None for strings not all ASCII digits."""
    strings = [label for label in labels if type(label) is str]
    if not strings or (all(map(str.isascii, strings)) and all(map(str.isdigit, strings))):
        return labels
    return [v if type(v) is not str or (v.isascii() and v.isdigit()) else None for v in labels]


def check_refs(labels: list[Any]) -> list[Any]:
    """-ref labels decoded as strings, with None for those that are not ``s3://`` URIs."""
    try:
        if all(map(str.startswith, labels, repeat("s3://"))):
            return labels
    except TypeError:  # a None among them (a value that is not a string)
        pass
    return [v if isinstance(v, str) and v.startswith("s3://") else None for v in labels]


def convert_label(task: TaskType, value: Any) -> Any:
    """A decoded label value as the task's Struct (lax: ``1.0`` is 1), or UNSET if it will not go."""
    for shape in _LABELS[task.kind]:
        try:
            return msgspec.convert(value, shape, strict=False)
        except msgspec.ValidationError:
            continue
    return UNSET


def convert_metadata(value: dict[str, Any]) -> Metadata | None:
    """A decoded metadata object as the Struct of its type (lax), or None if it will not go."""
    struct = BY_TYPE.get(value.get("type"))  # type: ignore[arg-type]
    if struct is None:
        return None
    try:
        return msgspec.convert(value, struct, strict=False)
    except msgspec.ValidationError:
        return None
