"""The rules JSON Schema cannot express, on labels already known to fit their schema.

The label and its metadata come as Structs (:mod:`augman.groundtruth.structs`).
A column of labels is first tested by each kind's ``suspects`` test (one loop, no
messages); only the lines it takes have their problems worked out one by one
(:func:`problems`), so both ways always agree. Rule codes are
those of ``augman/checking/rules.py``: AM405-AM411.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import count
from operator import attrgetter
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


NONE: list[Problem] = []


def column_problems(
    task: TaskType, labels: Sequence[Any], metas: Sequence[Any], attribute: str
) -> Iterator[tuple[int, list[Problem]]]:
    """``(j, problems)`` for each line ``j`` of a column whose label has any."""
    kind = task.kind
    if not labels:
        return
    if kind is LabelKind.ref:
        if not attribute.endswith("-ref"):
            yield from ((j, _ref(attribute)) for j in range(len(labels)))
        return
    suspects = _SUSPECTS.get(kind)
    if suspects is None:
        return
    for j in suspects(labels, metas):
        found = problems(task, labels[j], metas[j], attribute)
        if found:
            yield j, found


def problems(task: TaskType, label: Any, metadata: s.Metadata, attribute: str) -> list[Problem]:
    """The problems of one label (``label`` and ``metadata`` as Structs) of ``attribute``."""
    if task.kind is LabelKind.ref:
        return NONE if attribute.endswith("-ref") else _ref(attribute)
    return _RULES[task.kind](label, metadata)


# -- which lines of a column may have a problem --------------------------------------------
#
# One plain loop a column: on Python 3.11 attribute reads in a loop cost less than
# the C-level passes (map, zip, chain) that would build columns of boxes first. A line
# left out must have no problem; a line taken may still have none (an id "3" for the
# class-map's 3): :func:`problems` decides.


def _class_ids_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> list[int]:
    bad = []
    for j, ids, meta in zip(count(), labels, metas, strict=False):
        if ids:
            names = meta.class_map()
            if names is not None and (not names or not all(map(names.__contains__, ids))):
                bad.append(j)
    return bad


def _boxes_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> list[int]:
    bad = []
    unset = s.UNSET
    for j, label, meta in zip(count(), labels, metas, strict=False):
        boxes = label.annotations
        objects = meta.objects
        if not boxes or (objects is not unset and len(objects) != len(boxes)):
            bad.append(j)
            continue
        names = meta.class_map_  # as Ground Truth spells it for images
        if names is unset:
            names = _ANYTHING if (spelt := meta.class_map()) is None else spelt
        size = label.image_size[0]
        width, height = size.width, size.height
        for box in boxes:
            left, top = box.left, box.top
            if (
                left < 0
                or top < 0
                or left + box.width > width
                or top + box.height > height
                or box.class_id not in names  # an empty class-map too
            ):
                bad.append(j)
                break
    return bad


def _cuboids_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> list[int]:
    bad = []
    for j, label, meta in zip(count(), labels, metas, strict=False):
        cuboids = label.annotations
        if not cuboids:
            bad.append(j)
            continue
        names = meta.class_map()
        if names is not None and (
            not names or not all(map(names.__contains__, map(_CLASS_ID, cuboids)))
        ):
            bad.append(j)
    return bad


def _spans_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> list[int]:
    bad = []
    unset = s.UNSET
    for j, label, meta in zip(count(), labels, metas, strict=False):
        body, entities = label.annotations, meta.entities
        if entities is not unset and len(entities) != len(body.entities):
            bad.append(j)
            continue
        known = {item.label for item in body.labels}
        if not all(entity.label in known for entity in body.entities):
            bad.append(j)
    return bad


_CLASS_ID = attrgetter("class_id")


class _Anything:
    """Stands in for a missing class map: every id is in it (there is nothing to check)."""

    def __contains__(self, item: object) -> bool:
        return True


_ANYTHING = _Anything()

_SUSPECTS: dict[LabelKind, Callable[[Sequence[Any], Sequence[Any]], list[int]]] = {
    LabelKind.class_ids: _class_ids_suspects,
    LabelKind.boxes: _boxes_suspects,
    LabelKind.cuboids: _cuboids_suspects,
    LabelKind.spans: _spans_suspects,
}

# -- the problems, with messages ----------------------------------------------------------


def _class_ids(label: Sequence[Any], metadata: s.Metadata) -> list[Problem]:
    return _ids_in_map(label, metadata, ())


def _boxes(label: s.Boxes | s.DashBoxes, metadata: s.Detected) -> list[Problem]:
    boxes: Sequence[s.Box | s.DashBox] = label.annotations
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
        if (
            box.left < 0
            or box.top < 0
            or box.left + box.width > width
            or box.top + box.height > height
        ):
            found.append(_outside(i, box, width, height))
    return found


def _outside(index: int, box: s.Box | s.DashBox, width: float, height: float) -> Problem:
    right, bottom = box.left + box.width, box.top + box.height
    where = f"({_num(box.left)}, {_num(box.top)})-({_num(right)}, {_num(bottom)})"
    message = f"box {where} is not inside the {_num(width)}x{_num(height)} image"
    return Problem("AM407", False, ("annotations", index), message)


def _num(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def _cuboids(label: s.Cuboids, metadata: s.Mapped) -> list[Problem]:
    cuboids = label.annotations
    if not cuboids:
        return [Problem("AM410", False, ("annotations",), "no cuboids: annotations is empty")]
    return _ids_in_map([cuboid.class_id for cuboid in cuboids], metadata, ("annotations",))


def _ids_in_map(ids: Sequence[Any], metadata: s.Metadata, prefix: Path) -> list[Problem]:
    """AM405 for each id that is not a key of the class map (none when there is no map)."""
    names = metadata.class_map()
    if names is None or not ids:
        return NONE
    if not names:
        return [_empty_map(metadata)]
    return [
        Problem(
            "AM405", False, (*prefix, i), f"class id {class_id!r} is not a key of the class-map"
        )
        for i, class_id in enumerate(ids)
        if int(class_id) not in names  # "3" and 3 both name the class-map's "3"
    ]


def _empty_map(metadata: s.Metadata) -> Problem:
    spelt = "class_map" if getattr(metadata, "class_map_underscore", s.UNSET) == {} else "class-map"
    return Problem("AM411", True, (spelt,), f"{spelt} is empty: the class ids name no class")


def _spans(label: s.Spans, metadata: s.Spanned) -> list[Problem]:
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


def _ref(attribute: str) -> list[Problem]:
    message = f"the label attribute {attribute!r} holds an S3 URI but does not end in -ref"
    return [Problem("AM409", False, (), message)]


def _nothing(label: Any, metadata: s.Metadata) -> list[Problem]:
    return NONE


_RULES: dict[LabelKind, Callable[[Any, Any], list[Problem]]] = {
    LabelKind.class_id: _nothing,
    LabelKind.class_ids: _class_ids,
    LabelKind.boxes: _boxes,
    LabelKind.cuboids: _cuboids,
    LabelKind.spans: _spans,
}
