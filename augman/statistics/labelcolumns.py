"""Ground Truth labels a column at a time: the lines of a chunk counted with C-level loops.

:func:`add_rows` takes one label attribute's lines of a chunk. Lines whose metadata
decoded to :class:`~augman.statistics.groundtruth.Metadata` are counted a column
at a time (``map``, ``attrgetter``, ``chain``, ``Counter``); for each kind the
label values are decoded in one call too. A line whose metadata or value is odd
goes through the per-line readers of :mod:`augman.statistics.labels`. Runs are
taken in line order and every buffer is fed in line order, so the counts are
exactly those of the per-line path.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, groupby, repeat
from operator import attrgetter, is_not, itemgetter, mul, truediv
from typing import Any, TypeVar, cast

import msgspec
import orjson

from augman.statistics.columns import ARRAY, OBJECT, Column
from augman.statistics.groundtruth import (
    BOXES,
    CLASS_IDS,
    Boxes,
    Metadata,
    decode_metadata,
    decode_typed,
)
from augman.statistics.labels import KINDS, MALFORMED_ERRORS, NOT_GIVEN, LabelFold, as_text
from augman.statistics.tallies import area_bins, count_bins

T = TypeVar("T")
_not_none = partial(is_not, None)
_COMMON = attrgetter("type", "human_annotated", "job_name")


@dataclass(frozen=True)
class LabelRows:
    """One label attribute's lines in a chunk: raw values, raw metadata, decoded metadata.

    ``decoded`` holds a :class:`Metadata` for each line whose metadata fit it, else
    the generic dict (never None: lines whose metadata names no type are left out).
    """

    values: Column
    metas: list[Any]
    decoded: Sequence[Metadata | dict[str, Any]]

    def part(self, start: int, end: int) -> LabelRows:
        if start == 0 and end == len(self.metas):
            return self
        values = Column(self.values.numbers[start:end], self.values.values[start:end])
        return LabelRows(values, self.metas[start:end], self.decoded[start:end])

    def read_each(self, fold: LabelFold) -> None:
        """The per-line readers, for lines whose metadata fit but whose value is odd."""
        for line_no, value, meta in zip(
            self.values.numbers, self.values.values, self.metas, strict=True
        ):
            fold.read(line_no, bytes(value), decode_metadata(bytes(meta)) or {})


def runs(keys: list[T]) -> list[tuple[T, int, int]]:
    """(key, start, end) of each run of equal consecutive keys: one run, nearly always."""
    if keys.count(keys[0]) == len(keys):
        return [(keys[0], 0, len(keys))]
    found, start = [], 0
    for key, run in groupby(keys):
        end = start + sum(1 for _ in run)
        found.append((key, start, end))
        start = end
    return found


def add_rows(fold: LabelFold, rows: LabelRows) -> None:
    """Count a label attribute's lines of a chunk (each with its metadata decoded)."""
    for typed, start, end in runs(list(map(isinstance, rows.decoded, repeat(Metadata)))):
        part = rows.part(start, end)
        if typed:
            _add_typed(fold, part)
        else:
            for line_no, value, meta in zip(
                part.values.numbers, part.values.values, part.decoded, strict=True
            ):
                fold.add(line_no, bytes(value), cast("dict[str, Any]", meta))


def _add_typed(fold: LabelFold, rows: LabelRows) -> None:
    metas = cast("list[Metadata]", rows.decoded)
    fold.lines += len(metas)
    _count_common(fold, metas)
    dates = list(map(attrgetter("creation_date"), metas))
    fold.add_dates(dates if None not in dates else filter(_not_none, dates))
    for label_type, start, end in runs(list(map(attrgetter("type"), metas))):
        reader = COLUMN_READERS.get(KINDS.get(label_type, ""))
        if reader is not None:
            reader(fold, rows.part(start, end))


def _count_common(fold: LabelFold, metas: list[Metadata]) -> None:
    """Count types, human-annotated flags and job names (one ``Counter`` of the three).

    Taken in first-seen order, each part of the triples is met first where it
    first occurs, so the counters see what per-line adds give.
    """
    types: dict[str, int] = {}
    humans: dict[str, int] = {}
    jobs: dict[str, int] = {}
    for (label_type, human, job), n in Counter(map(_COMMON, metas)).items():
        types[label_type] = types.get(label_type, 0) + n
        human = NOT_GIVEN if human is None else human
        humans[human] = humans.get(human, 0) + n
        if job is not None:
            jobs[job] = jobs.get(job, 0) + n
    fold.types.add_counts(types.items())
    fold.human.add_counts(humans.items())
    fold.jobs.add_counts(jobs.items())


# -- readers, one per kind ------------------------------------------------------------


def _classification(fold: LabelFold, rows: LabelRows) -> None:
    metas = cast("list[Metadata]", rows.decoded)
    names: list[str | None] = list(map(attrgetter("class_name"), metas))
    confidences = list(map(attrgetter("confidence"), metas))
    if None in names:  # no class-name: the class is the label value itself
        names, confidences = _named_by_value(fold, rows.values, names, confidences)
    fold.ids.add_raw(map(bytes, rows.values.values))  # the label value is the class id
    fold.classes.add_many(names)  # type: ignore[arg-type]
    fold.confidence.add_many(confidences)


def _named_by_value(
    fold: LabelFold, values: Column, names: list[str | None], confidences: list[Any]
) -> tuple[list[str | None], list[Any]]:
    kept: list[str | None] = []
    kept_confidences = []
    for line_no, value, name, confidence in zip(
        values.numbers, values.values, names, confidences, strict=True
    ):
        if name is None:
            try:
                name = as_text(orjson.loads(bytes(value)))
            except MALFORMED_ERRORS:
                fold.malformed_line(line_no)
                continue
        kept.append(name)
        kept_confidences.append(confidence)
    return kept, kept_confidences


def _by_value(
    decoder: msgspec.json.Decoder[Any],
    known: int,
    read: Callable[[LabelFold, list[Any], list[Metadata]], None],
) -> Callable[[LabelFold, LabelRows], None]:
    """A kind's reader that decodes its label values in one call; odd ones go line by line.

    ``read`` counts a run of lines whose values all fit (decoded) with their
    metadata; ``known`` is the JSON type that all values have when they do.
    """

    def reader(fold: LabelFold, rows: LabelRows) -> None:
        decoded = decode_typed(decoder, rows.values.values, rows.values.joined)
        for fits, start, end in runs(list(map(is_not, decoded, repeat(None)))):
            part = rows.part(start, end)
            if fits:
                read(fold, decoded[start:end], cast("list[Metadata]", part.decoded))
            else:
                part.read_each(fold)
        if None not in decoded:
            rows.values.known = known

    return reader


def _multi_label(fold: LabelFold, ids: list[list[int | str]], metas: list[Metadata]) -> None:
    per_line = list(map(len, ids))
    keys: list[object] = list(chain.from_iterable(ids))
    fold.histogram("labels_per_line", count_bins).add_many(per_line)
    fold.add_class_id_column(keys, per_line, _class_maps(metas))
    confidences = filter(None, map(attrgetter("confidence_map"), metas))
    fold.confidence.add_many(chain.from_iterable(map(dict.values, confidences)))


def _bounding_box(fold: LabelFold, labels: list[Boxes], metas: list[Metadata]) -> None:
    annotations = list(map(attrgetter("annotations"), labels))
    per_line = list(map(len, annotations))
    boxes = list(chain.from_iterable(annotations))
    areas: Iterator[float] = map(
        mul, map(attrgetter("width"), boxes), map(attrgetter("height"), boxes)
    )
    image_areas = _image_areas(labels)
    per_box: Iterator[float] = chain.from_iterable(map(repeat, image_areas, per_line))
    unsized = 0
    if 0.0 in image_areas:  # lines without an image size have boxes, but no area shares
        sized = list(chain.from_iterable(map(repeat, map(bool, image_areas), per_line)))
        unsized = sized.count(False)
        areas, per_box = compress(areas, sized), compress(per_box, sized)
    fold.histogram("boxes_per_image", count_bins).add_many(per_line)
    fold.count("boxes", len(boxes))
    fold.add_class_id_column(list(map(attrgetter("class_id"), boxes)), per_line, _class_maps(metas))
    fold.histogram("box_area", area_bins).add_many(map(truediv, areas, per_box))
    if unsized:
        fold.count("boxes_without_image_size", unsized)
    objects = chain.from_iterable(filter(None, map(attrgetter("objects"), metas)))
    fold.confidence.add_many(map(attrgetter("confidence"), objects))


def _image_areas(labels: list[Boxes]) -> list[float]:
    """Each label's image area (:meth:`Boxes.image_area`), in C when every line has one."""
    try:
        first = list(map(itemgetter(0), map(attrgetter("image_size"), labels)))
        widths, heights = map(attrgetter("width"), first), map(attrgetter("height"), first)
        return list(map(float, map(mul, widths, heights)))
    except (TypeError, IndexError):  # a line without a size (None, [] or no width)
        return list(map(Boxes.image_area, labels))


def _class_maps(metas: list[Metadata]) -> list[dict[str, str]]:
    maps = list(map(attrgetter("class_map"), metas))
    return maps if None not in maps else list(map(Metadata.names, metas))


def _segmentation(fold: LabelFold, rows: LabelRows) -> None:
    metas = cast("list[Metadata]", rows.decoded)
    colours = list(map(attrgetter("internal_color_map"), metas))
    if msgspec.UNSET in colours:
        colours = list(map(Metadata.colours, metas))
    if None in colours:  # no colour map at all: malformed, as on its own
        for line_no, found in zip(rows.values.numbers, colours, strict=True):
            if found is None:
                fold.malformed_line(line_no)
        colours = [found for found in colours if found is not None]
    fold.ids.add_keys(set(chain.from_iterable(map(dict.keys, colours))))  # keys are the ids
    entries = chain.from_iterable(map(dict.values, colours))
    fold.classes.add_many(map(attrgetter("class_name"), entries))
    firsts = map(next, map(iter, map(dict.values, filter(None, colours))))
    fold.confidence.add_many(map(attrgetter("confidence"), firsts))  # the same in every entry


COLUMN_READERS: dict[str, Callable[[LabelFold, LabelRows], None]] = {
    "classification": _classification,
    "multi-label": _by_value(CLASS_IDS, ARRAY, _multi_label),
    "bounding-box": _by_value(BOXES, OBJECT, _bounding_box),
    "segmentation": _segmentation,
}
