"""The rules JSON Schema cannot express, on labels already known to fit their schema.

Each rule takes the label and its metadata as Structs (:mod:`augman.groundtruth.structs`)
and returns :class:`Problem` values, most often none: the clean case costs a few
comparisons. Rule codes are those of ``augman/checking/rules.py`` (AM405-AM411, AM409 the -ref name).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from augman.groundtruth import structs as s
from augman.groundtruth.types import LabelKind, TaskType

Path = tuple[str | int, ...]


class Problem(NamedTuple):
    """One problem with a label: its rule, whether it lies in the metadata (else in the
    label), the JSON path inside that value, and what is wrong."""

    code: str
    in_metadata: bool
    path: Path
    message: str


Rule = Callable[[Any, Any, str], list[Problem]]
NONE: list[Problem] = []


def problems(task: TaskType, label: Any, metadata: s.Metadata, attribute: str) -> list[Problem]:
    """The problems of one label (``label`` and ``metadata`` as Structs) of attribute ``attribute``."""
    return _RULES[task.kind](label, metadata, attribute)


def _class_ids(label: Sequence[Any], metadata: s.Metadata, attribute: str) -> list[Problem]:
    return _ids_in_map(label, metadata, ()) if label else NONE


def _boxes(label: s.Boxes | s.DashBoxes, metadata: s.Detected, attribute: str) -> list[Problem]:
    boxes = label.annotations
    if not boxes:
        return [Problem("AM410", False, ("annotations",), "no boxes: annotations is empty")]
    found: list[Problem] = []
    objects = metadata.objects
    if objects is not s.UNSET and len(objects) != len(boxes):
        message = f"{len(objects)} objects for {len(boxes)} boxes (one confidence a box)"
        found.append(Problem("AM406", True, ("objects",), message))
    found += _ids_in_map([box.class_id for box in boxes], metadata, ("annotations",))
    size = label.image_size[0]
    width, height = size.width, size.height
    for i, box in enumerate(boxes):
        if box.left < 0 or box.top < 0 or box.left + box.width > width or box.top + box.height > height:
            found.append(_outside(i, box, width, height))
    return found


def _outside(index: int, box: s.Box | s.DashBox, width: float, height: float) -> Problem:
    right, bottom = box.left + box.width, box.top + box.height
    where = f"({_num(box.left)}, {_num(box.top)})-({_num(right)}, {_num(bottom)})"
    message = f"box {where} is not inside the {_num(width)}x{_num(height)} image"
    return Problem("AM407", False, ("annotations", index), message)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _cuboids(label: s.Cuboids, metadata: s.Mapped, attribute: str) -> list[Problem]:
    cuboids = label.annotations
    if not cuboids:
        return [Problem("AM410", False, ("annotations",), "no cuboids: annotations is empty")]
    return _ids_in_map([cuboid.class_id for cuboid in cuboids], metadata, ("annotations",))


def _ids_in_map(ids: Sequence[Any], metadata: s.Metadata, prefix: Path) -> list[Problem]:
    """AM405 for each id that is not a key of the class map (none when there is no map)."""
    names = metadata.class_map()
    if names is None:
        return NONE
    if not names:
        return [_empty_map(metadata)]
    return [
        Problem("AM405", False, (*prefix, i), f"class id {class_id!r} is not a key of the class-map")
        for i, class_id in enumerate(ids)
        if str(class_id) not in names
    ]


def _empty_map(metadata: s.Metadata) -> Problem:
    spelt = "class_map" if getattr(metadata, "class_map_underscore", s.UNSET) else "class-map"
    return Problem("AM411", True, (spelt,), f"{spelt} is empty: the class ids name no class")


def _spans(label: s.Spans, metadata: s.Spanned, attribute: str) -> list[Problem]:
    body = label.annotations
    found: list[Problem] = []
    entities = metadata.entities
    if entities is not s.UNSET and len(entities) != len(body.entities):
        message = f"{len(entities)} entities in the metadata for {len(body.entities)} spans"
        found.append(Problem("AM406", True, ("entities",), message))
    known = {item.label for item in body.labels}
    for i, entity in enumerate(body.entities):
        if entity.label not in known:
            message = f"entity label {entity.label!r} is not one of annotations.labels"
            found.append(Problem("AM405", False, ("annotations", "entities", i, "label"), message))
    return found


def _ref(label: str, metadata: s.Metadata, attribute: str) -> list[Problem]:
    if attribute.endswith("-ref"):
        return NONE
    message = f"the label attribute {attribute!r} holds an S3 URI but does not end in -ref"
    return [Problem("AM409", False, (), message)]


def _nothing(label: Any, metadata: s.Metadata, attribute: str) -> list[Problem]:
    return NONE


_RULES: dict[LabelKind, Rule] = {
    LabelKind.class_id: _nothing,
    LabelKind.class_ids: _class_ids,
    LabelKind.boxes: _boxes,
    LabelKind.cuboids: _cuboids,
    LabelKind.spans: _spans,
    LabelKind.ref: _ref,
}
