"""The rules JSON Schema cannot express, on labels already known to fit their schema.

The label and its metadata come as Structs (:mod:`augman.groundtruth.structs`).
A column of labels is first tested by each kind's ``clean`` test (a few C-level
passes a line, no messages); only the lines that fail it have their problems
worked out one by one (:func:`problems`), so both ways always agree. Rule codes are
those of ``augman/checking/rules.py``: AM405-AM411.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import chain, compress, count, repeat
from operator import add, and_, attrgetter, contains, getitem, gt, is_, lt, ne, not_, or_
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
    clean = _CLEAN.get(kind)
    if clean is None:
        return
    suspects = _COLUMN_SUSPECTS[kind](labels, metas)
    if suspects is None:
        suspects = set(compress(count(), map(not_, map(clean, labels, metas))))
    for j in sorted(suspects):
        found = problems(task, labels[j], metas[j], attribute)
        if found:
            yield j, found


def problems(task: TaskType, label: Any, metadata: s.Metadata, attribute: str) -> list[Problem]:
    """The problems of one label (``label`` and ``metadata`` as Structs) of ``attribute``."""
    if task.kind is LabelKind.ref:
        return NONE if attribute.endswith("-ref") else _ref(attribute)
    return _RULES[task.kind](label, metadata)


# -- the clean tests: True when a label has no problem at all ---------------------------------

_LEFT, _TOP, _WIDTH, _HEIGHT = map(attrgetter, ("left", "top", "width", "height"))
_CLASS_ID = attrgetter("class_id")


def _ids_known(ids: Sequence[Any], metadata: s.Metadata) -> bool:
    names = metadata.class_map()
    return names is None or not ids or (bool(names) and all(map(names.__contains__, ids)))


def _boxes_clean(label: s.Boxes, metadata: s.Detected) -> bool:
    boxes = label.annotations
    if not boxes:
        return False
    objects = metadata.objects
    if objects is not s.UNSET and len(objects) != len(boxes):
        return False
    size = label.image_size[0]
    if min(map(_LEFT, boxes)) < 0 or min(map(_TOP, boxes)) < 0:
        return False
    if max(map(add, map(_LEFT, boxes), map(_WIDTH, boxes))) > size.width:
        return False
    if max(map(add, map(_TOP, boxes), map(_HEIGHT, boxes))) > size.height:
        return False
    return _ids_known(list(map(_CLASS_ID, boxes)), metadata)


def _cuboids_clean(label: s.Cuboids, metadata: s.Mapped) -> bool:
    cuboids = label.annotations
    return bool(cuboids) and _ids_known(list(map(_CLASS_ID, cuboids)), metadata)


def _spans_clean(label: s.Spans, metadata: s.Spanned) -> bool:
    body, entities = label.annotations, metadata.entities
    if entities is not s.UNSET and len(entities) != len(body.entities):
        return False
    known = {item.label for item in body.labels}
    return all(entity.label in known for entity in body.entities)


# -- the same tests over a whole column at once: which lines may have a problem --------------

_ANNOTATIONS, _OBJECTS, _IMAGE_SIZE = map(attrgetter, ("annotations", "objects", "image_size"))
_CLASS_MAP = attrgetter("class_map_")  # the class-map as Ground Truth spells it for images
_BOX = attrgetter("left", "top", "width", "height")
Suspects = set[int] | None  # None: every line must be tested on its own


class _Anything:
    """Stands in for a missing class map: every id is in it (there is nothing to check)."""

    def __contains__(self, item: object) -> bool:
        return True


_ANYTHING = _Anything()


def _unknown_ids(ids: list[Any], counts: list[int], metas: Sequence[Any]) -> set[int]:
    """Lines with an id (``counts[j]`` of them on line j) that is not a key of their
    class map, or with ids and an empty class map."""
    maps: list[Any] = list(map(_CLASS_MAP, metas))
    if any(map(is_, maps, repeat(s.UNSET))):
        maps = [meta.class_map() for meta in metas]  # spelt class_map, or none
        maps = [_ANYTHING if names is None else names for names in maps]
    bad = set(compress(count(), map(and_, map(bool, counts), map(not_, maps))))
    known = list(map(contains, chain.from_iterable(map(repeat, maps, counts)), ids))
    if not all(known):
        bad.update(compress(_line_of_each(counts), map(not_, known)))
    return bad


def _line_of_each(counts: list[int]) -> Iterator[int]:
    """The line of each item when line j has ``counts[j]`` items."""
    return chain.from_iterable(map(repeat, count(), counts))


def _class_ids_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> Suspects:
    counts = list(map(len, labels))
    return _unknown_ids(list(chain.from_iterable(labels)), counts, metas)


def _boxes_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> Suspects:
    boxes_of = list(map(_ANNOTATIONS, labels))
    counts = list(map(len, boxes_of))
    bad = set(compress(count(), map(not_, counts)))  # no boxes
    try:
        bad.update(compress(count(), map(ne, map(len, map(_OBJECTS, metas)), counts)))
    except TypeError:  # a line without objects
        return None
    boxes = list(chain.from_iterable(boxes_of))
    if not boxes:
        return bad
    lefts, tops, widths, heights = zip(*map(_BOX, boxes), strict=True)  # one pass, then columns
    sizes = list(map(getitem, map(_IMAGE_SIZE, labels), repeat(0)))
    for starts, lengths, limit in ((lefts, widths, _WIDTH), (tops, heights, _HEIGHT)):
        limits = list(chain.from_iterable(map(repeat, map(limit, sizes), counts)))
        ends = list(map(add, starts, lengths))
        if min(starts) < 0 or any(map(gt, ends, limits)):
            outside = map(or_, map(lt, starts, repeat(0)), map(gt, ends, limits))
            bad.update(compress(_line_of_each(counts), outside))
    return bad | _unknown_ids(list(map(_CLASS_ID, boxes)), counts, metas)


def _cuboids_suspects(labels: Sequence[Any], metas: Sequence[Any]) -> Suspects:
    cuboids_of = list(map(_ANNOTATIONS, labels))
    counts = list(map(len, cuboids_of))
    bad = set(compress(count(), map(not_, counts)))
    ids = list(map(_CLASS_ID, chain.from_iterable(cuboids_of)))
    return bad | _unknown_ids(ids, counts, metas)


def _line_by_line(labels: Sequence[Any], metas: Sequence[Any]) -> Suspects:
    return None


_COLUMN_SUSPECTS: dict[LabelKind, Callable[[Sequence[Any], Sequence[Any]], Suspects]] = {
    LabelKind.class_ids: _class_ids_suspects,
    LabelKind.boxes: _boxes_suspects,
    LabelKind.cuboids: _cuboids_suspects,
    LabelKind.spans: _line_by_line,
}

_CLEAN: dict[LabelKind, Callable[[Any, Any], bool]] = {
    LabelKind.class_ids: _ids_known,
    LabelKind.boxes: _boxes_clean,
    LabelKind.cuboids: _cuboids_clean,
    LabelKind.spans: _spans_clean,
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
