"""The labels of one manifest line, read into what a card draws.

A label attribute ``L`` is found by ``L-metadata.type`` (spec section 5.2); an
attribute named with ``--attrs`` that has no metadata is read by the shape of its
value. Each kind has a reader (a registry, :data:`READERS`) that turns the value and
its metadata into a :class:`Label`; a value that does not fit its kind gives a
Label with a ``problem`` instead of raising.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

IMAGE_SOURCE, TEXT_SOURCE = "source-ref", "source"

KINDS: dict[str, str] = {
    "groundtruth/image-classification": "classification",
    "groundtruth/text-classification": "classification",
    "groundtruth/label-verification": "verification",
    "groundtruth/image-classification-multilabel": "multi-label",
    "groundtruth/text-classification-multilabel": "multi-label",
    "groundtruth/object-detection": "bounding-box",
    "groundtruth/semantic-segmentation": "segmentation",
    "groundtruth/text-span": "entities",
}


@dataclass(frozen=True)
class Tag:
    """A class on a card: its name and, when the label gives one, its confidence."""

    name: str
    confidence: float | None = None


@dataclass(frozen=True)
class Box:
    """A bounding box in the coordinates of the label's ``image_size``."""

    tag: Tag
    left: float
    top: float
    width: float
    height: float


@dataclass(frozen=True)
class Span:
    """A named entity: ``[start, end)`` in the text of ``source``, in code points."""

    tag: Tag
    start: int
    end: int


@dataclass(frozen=True)
class Label:
    """What one label attribute of a line holds, ready to draw.

    ``tags`` are the classes shown as badges (one per box or span too, so a legend
    counts them); ``mask_uri`` and ``colours`` (class index -> (name, #rrggbb)) are
    for segmentation; ``problem`` says why the value could not be read.
    """

    attribute: str
    kind: str
    tags: tuple[Tag, ...] = ()
    boxes: tuple[Box, ...] = ()
    image_size: tuple[float, float] | None = None
    mask_uri: str | None = None
    colours: Mapping[str, tuple[str, str]] | None = None
    spans: tuple[Span, ...] = ()
    problem: str | None = None


Reader = Callable[[str, Any, Mapping[str, Any]], Label]


def labels_of(line: Mapping[str, Any], attrs: Sequence[str] | None) -> list[Label]:
    """The labels of a decoded line: its Ground Truth labels, or those ``attrs`` names."""
    names = _label_names(line, attrs)
    return [read(name, line.get(name), _metadata(line, name)) for name in names]


def image_uri(line: Mapping[str, Any], attrs: Sequence[str] | None) -> str | None:
    """The URI of the image the labels are drawn on, if the line has one."""
    name = _image_attribute(line, attrs)
    return line[name] if name is not None else None


def _image_attribute(line: Mapping[str, Any], attrs: Sequence[str] | None) -> str | None:
    """``source-ref``, else the first ``-ref`` of ``attrs`` that is not a label with metadata."""
    if isinstance(line.get(IMAGE_SOURCE), str):
        return IMAGE_SOURCE
    for name in attrs or ():
        if name.endswith("-ref") and isinstance(line.get(name), str) and not _kind_of(line, name):
            return name
    return None


def text_of(line: Mapping[str, Any]) -> str | None:
    """The inline text of ``source``, if the line has it."""
    value = line.get(TEXT_SOURCE)
    return value if isinstance(value, str) else None


def read(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    """One label attribute's value and metadata as a :class:`Label`."""
    kind = KINDS.get(str(metadata.get("type")), "") or _guess(name, value)
    try:
        return READERS[kind](name, value, metadata)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
        return Label(name, kind, problem=f"does not fit {kind}: {type(exc).__name__} {exc}")


def _label_names(line: Mapping[str, Any], attrs: Sequence[str] | None) -> list[str]:
    if attrs is None:
        return [name for name in line if _kind_of(line, name) is not None]
    image = _image_attribute(line, attrs)
    return [
        name
        for name in attrs
        if name in line and name not in (image, TEXT_SOURCE) and not name.endswith("-metadata")
    ]


def _metadata(line: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    metadata = line.get(f"{name}-metadata")
    return metadata if isinstance(metadata, Mapping) else {}


def _kind_of(line: Mapping[str, Any], name: str) -> str | None:
    kind = _metadata(line, name).get("type")
    return KINDS.get(kind, "other") if isinstance(kind, str) else None


def _guess(name: str, value: Any) -> str:
    """The kind of a label without metadata, from the shape of its value."""
    if isinstance(value, Mapping):
        annotations = value.get("annotations")
        if isinstance(annotations, Mapping) and "entities" in annotations:
            return "entities"
        return "bounding-box" if isinstance(annotations, list) else "other"
    if isinstance(value, list):
        return "multi-label"
    if name.endswith("-ref") and isinstance(value, str):
        return "segmentation"
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return "classification"
    return "other"


def _number(value: Any) -> float | None:
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return float(value) if is_number else None


def _classification(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    if isinstance(value, (Mapping, list)) or value is None:
        raise TypeError(f"a class is a number or a string, not {_json_type(value)}")
    class_name = metadata.get("class-name")
    shown = class_name if isinstance(class_name, str) else str(value)
    tag = Tag(shown, _number(metadata.get("confidence")))
    return Label(name, "classification", (tag,))


def _verification(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    label = _classification(name, value, metadata)
    return Label(name, "verification", label.tags)


def _multi_label(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    if not isinstance(value, list):
        raise TypeError(f"a multi-label value is an array, not {_json_type(value)}")
    names = _class_map(metadata)
    confidences = metadata.get("confidence-map") or {}
    tags = tuple(
        Tag(names.get(str(class_id), str(class_id)), _number(confidences.get(str(class_id))))
        for class_id in value
    )
    return Label(name, "multi-label", tags)


def _bounding_box(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    names = _class_map(metadata)
    objects = metadata.get("objects") or []
    boxes = []
    for index, box in enumerate(value["annotations"]):
        confidence = objects[index].get("confidence") if index < len(objects) else None
        tag = Tag(names.get(str(box["class_id"]), str(box["class_id"])), _number(confidence))
        edges = [float(box[key]) for key in ("left", "top", "width", "height")]
        boxes.append(Box(tag, *edges))
    sizes = value.get("image_size") or []
    size = (float(sizes[0]["width"]), float(sizes[0]["height"])) if sizes else None
    return Label(name, "bounding-box", tuple(b.tag for b in boxes), tuple(boxes), image_size=size)


def _segmentation(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    if not isinstance(value, str):
        raise TypeError(f"a segmentation label is the URI of a PNG, not {_json_type(value)}")
    colour_map = metadata.get("internal-color-map") or metadata.get("color-map") or {}
    colours = {
        str(index): (str(entry["class-name"]), str(entry["hex-color"]))
        for index, entry in colour_map.items()
    }
    confidences = [_number(entry.get("confidence")) for entry in colour_map.values()]
    confidence = next((c for c in confidences if c is not None), None)
    tags = tuple(
        Tag(class_name, confidence)
        for class_name, _ in colours.values()
        if class_name.upper() != "BACKGROUND"
    )
    return Label(name, "segmentation", tags, mask_uri=value, colours=colours)


def _entities(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    entities = value["annotations"]["entities"]
    confidences = metadata.get("entities") or []
    spans = []
    for index, entity in enumerate(entities):
        confidence = confidences[index].get("confidence") if index < len(confidences) else None
        tag = Tag(str(entity["label"]), _number(confidence))
        spans.append(Span(tag, int(entity["startOffset"]), int(entity["endOffset"])))
    return Label(name, "entities", tuple(s.tag for s in spans), spans=tuple(spans))


def _other(name: str, value: Any, metadata: Mapping[str, Any]) -> Label:
    kind = metadata.get("type")
    detail = f"type {kind!r} is not drawn" if isinstance(kind, str) else "not a label augman draws"
    return Label(name, "other", problem=detail)


def _class_map(metadata: Mapping[str, Any]) -> Mapping[str, str]:
    names = metadata.get("class-map")
    return names if isinstance(names, Mapping) else {}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "an array", bool: "a boolean"}.get(type(value), "a value")


READERS: dict[str, Reader] = {
    "classification": _classification,
    "verification": _verification,
    "multi-label": _multi_label,
    "bounding-box": _bounding_box,
    "segmentation": _segmentation,
    "entities": _entities,
    "other": _other,
}
