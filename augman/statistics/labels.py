"""Ground Truth labels for ``augman stats``: one fold per label attribute.

A label attribute ``L`` is recognised by its metadata ``L-metadata`` holding a
``type`` such as ``groundtruth/object-detection`` (spec section 5). What is
counted depends on the task: a registry maps each ``type`` to a kind, and each
kind to a reader that takes one line's label value and metadata. Readers take
everything they need from the line first and only then count, so a malformed
label value adds only to the malformed count (its metadata's job name, date and
human-annotated flag are still counted).

These per-line readers are exact for any value; :mod:`augman.statistics.labelcolumns`
counts the lines whose metadata and value fit the usual Ground Truth shapes a
column at a time, into the same buffers in the same order, and hands the odd
ones back to them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate, compress, count, repeat
from operator import le, not_
from typing import Any

import orjson

from augman.statistics.classids import NO_CLASS_IDS, ClassIds, ClassIdStats
from augman.statistics.tallies import (
    BinCounter,
    CappedCounter,
    Counts,
    Histogram,
    area_bins,
    confidence_bins,
    count_bins,
)

KINDS: dict[str, str] = {
    "groundtruth/image-classification": "classification",
    "groundtruth/text-classification": "classification",
    "groundtruth/label-verification": "classification",
    "groundtruth/image-classification-multilabel": "multi-label",
    "groundtruth/text-classification-multilabel": "multi-label",
    "groundtruth/object-detection": "bounding-box",
    "groundtruth/semantic-segmentation": "segmentation",
    "groundtruth/point_cloud_single_frame_semantic_segmentation": "segmentation",
}
CLASS_UNITS = {  # what one count in a kind's class table stands for
    "classification": "lines",
    "multi-label": "labels",
    "bounding-box": "boxes",
    "segmentation": "images",
}
MALFORMED_LINES = 10  # line numbers kept per label attribute
NOT_GIVEN = "(not given)"
MALFORMED_ERRORS = (
    KeyError,
    IndexError,
    TypeError,
    ValueError,
    AttributeError,
    orjson.JSONDecodeError,
)


@dataclass(frozen=True)
class LabelStats:
    """What one Ground Truth label attribute holds across the manifest."""

    attribute: str
    lines: int
    kind: str
    types: Counts
    classes: Counts
    class_unit: str
    confidence: Histogram
    human_annotated: Counts
    jobs: Counts
    first_date: str | None
    last_date: str | None
    histograms: Mapping[str, Histogram]
    counts: Mapping[str, int]
    malformed: int
    malformed_lines: tuple[int, ...]
    class_ids: ClassIdStats = NO_CLASS_IDS


class LabelFold:
    """Accumulates :class:`LabelStats` for one label attribute (or a column: ``labelcolumns``)."""

    def __init__(self, attribute: str) -> None:
        self.attribute = attribute
        self.lines = 0
        self.types = CappedCounter()
        self.classes = CappedCounter()
        self.confidence = confidence_bins()
        self.human = CappedCounter()
        self.jobs = CappedCounter()
        self.first_date: str | None = None
        self.last_date: str | None = None
        self.histograms: dict[str, BinCounter] = {}
        self.counts: dict[str, int] = {}
        self.malformed = 0
        self.malformed_lines: list[int] = []
        self._class_keys: list[object] = []  # class ids (class-map keys, or ints), named in bulk
        self._names: dict[str, Any] = {}  # every class-map entry seen since the last flush
        self.ids = ClassIds()  # the class ids themselves, for num_classes

    def add(self, line_no: int, value: bytes, meta: Mapping[str, Any]) -> None:
        """Count one line's label ``value`` (raw JSON) with its decoded metadata."""
        self.lines += 1
        self.types.add(str(meta["type"]))
        self._common(meta)
        self.read(line_no, value, meta)

    def read(self, line_no: int, value: bytes, meta: Mapping[str, Any]) -> None:
        """Count what the reader for the metadata's type finds in the line (not its metadata)."""
        reader = READERS.get(KINDS.get(str(meta.get("type")), ""))
        if reader is None:
            return
        try:
            reader(self, value, meta)
        except MALFORMED_ERRORS:
            self.malformed_line(line_no)

    def malformed_line(self, line_no: int) -> None:
        """Count a line whose label value does not have its kind's shape."""
        self.malformed += 1
        if len(self.malformed_lines) < MALFORMED_LINES:
            self.malformed_lines.append(line_no)

    def _common(self, meta: Mapping[str, Any]) -> None:
        human = meta.get("human-annotated")
        self.human.add(human if isinstance(human, str) else NOT_GIVEN)
        job = meta.get("job-name")
        if isinstance(job, str):
            self.jobs.add(job)
        date = meta.get("creation-date")
        if isinstance(date, str):
            self.add_dates((date,))

    def add_dates(self, dates: Iterable[str]) -> None:
        """Widen the first and last creation dates to take in ``dates`` (ISO strings)."""
        dates = dates if isinstance(dates, list) else list(dates)
        if not dates:
            return
        low, high = min(dates), max(dates)
        if self.first_date is None or low < self.first_date:
            self.first_date = low
        if self.last_date is None or high > self.last_date:
            self.last_date = high

    def histogram(self, name: str, make: Callable[[], BinCounter]) -> BinCounter:
        found = self.histograms.get(name)
        if found is None:
            found = self.histograms[name] = make()
        return found

    def count(self, name: str, n: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def add_class_ids(self, keys: list[str], names: Mapping[str, Any]) -> None:
        """Count classes by id (as class-map keys), named through ``names`` later, in bulk.

        An id that the line's own class-map does not name takes the name an
        earlier line's class-map gave it; ``names`` that would rename an id flush
        the ids counted so far under the old name first.
        """
        if not names.items() <= self._names.items():
            self.flush_classes()
            self._names.update(names)
        self._class_keys.extend(keys)

    def add_class_id_column(
        self, keys: list[object], per_line: list[int], names: list[dict[str, Any]]
    ) -> None:
        """:meth:`add_class_ids` for consecutive lines: ``per_line`` of ``keys`` each, with ``names``.

        The lines whose class-map holds nothing new (nearly all) are one ``extend``;
        only a line that names an id anew flushes, as it would on its own.
        """
        known = self._names.items()  # a live view: it sees the updates below
        fresh = compress(count(), map(not_, map(le, map(dict.items, names), repeat(known))))
        starts = list(accumulate(per_line, initial=0))
        done = 0
        for line in fresh:
            self._class_keys.extend(keys[starts[done] : starts[line]])
            self.flush_classes()
            self._names.update(names[line])
            done = line
        self._class_keys.extend(keys[starts[done] :])

    def flush_classes(self) -> None:
        batch = Counter(self._class_keys)
        self._class_keys.clear()
        self.ids.add_keys(batch)
        names = self._names
        for key, n in batch.items():
            text = key if type(key) is str else str(key)  # an int id is the key str() makes
            name = names.get(text, text)
            self.classes.add_count(name if type(name) is str else as_text(name), n)

    def flush(self) -> None:
        """Count what the buffers hold (call every ``tallies.BATCH`` lines or so)."""
        self.flush_classes()
        for counter in (self.types, self.classes, self.human, self.jobs):
            counter.flush()
        for bins in (self.confidence, *self.histograms.values()):
            bins.flush()

    def freeze(self) -> LabelStats:
        self.flush_classes()
        types = self.types.freeze()
        kind = KINDS.get(next(iter(types.items), ""), "other")
        return LabelStats(
            attribute=self.attribute, lines=self.lines, kind=kind, types=types,
            classes=self.classes.freeze(), class_unit=CLASS_UNITS.get(kind, "lines"),
            confidence=self.confidence.freeze(), human_annotated=self.human.freeze(),
            jobs=self.jobs.freeze(), first_date=self.first_date, last_date=self.last_date,
            histograms={name: h.freeze() for name, h in self.histograms.items()},
            counts=dict(self.counts), malformed=self.malformed,
            malformed_lines=tuple(self.malformed_lines), class_ids=self.ids.freeze(),
        )  # fmt: skip


# -- readers, one per kind ------------------------------------------------------------


def _classification(fold: LabelFold, value: bytes, meta: Mapping[str, Any]) -> None:
    name = meta.get("class-name")
    if not isinstance(name, str):
        name = as_text(orjson.loads(value))
    fold.ids.add_raw((value,))  # the label value is the class id
    fold.classes.add(name)
    fold.confidence.add(meta.get("confidence"))


def _multi_label(fold: LabelFold, value: bytes, meta: Mapping[str, Any]) -> None:
    ids = orjson.loads(value)
    if not isinstance(ids, list):
        raise TypeError("a multi-label value is an array of class ids")
    keys = [str(class_id) for class_id in ids]
    confidences = meta.get("confidence-map")
    fold.histogram("labels_per_line", count_bins).add(len(keys))
    fold.add_class_ids(keys, _class_map(meta))
    if isinstance(confidences, dict):
        fold.confidence.add_many(confidences.values())


def _bounding_box(fold: LabelFold, value: bytes, meta: Mapping[str, Any]) -> None:
    label = orjson.loads(value)
    boxes = label["annotations"]
    keys = [str(box["class_id"]) for box in boxes]
    areas = [box["width"] * box["height"] for box in boxes]
    image_area = _image_area(label.get("image_size"))
    shares = [area / image_area for area in areas] if image_area else []
    objects = meta.get("objects")
    confidences = [obj.get("confidence") for obj in objects] if type(objects) is list else []
    fold.histogram("boxes_per_image", count_bins).add(len(boxes))
    fold.count("boxes", len(boxes))
    fold.add_class_ids(keys, _class_map(meta))
    fold.histogram("box_area", area_bins).add_many(shares)
    if boxes and not image_area:
        fold.count("boxes_without_image_size", len(boxes))
    fold.confidence.add_many(confidences)


def _segmentation(fold: LabelFold, value: bytes, meta: Mapping[str, Any]) -> None:
    colours = meta.get("internal-color-map", meta.get("color-map"))
    entries = list(colours.values())
    names = [as_text(entry["class-name"]) for entry in entries]
    fold.ids.add_keys(colours)  # a colour map's keys are the class ids
    fold.classes.add_many(names)
    if entries:  # confidence is per image: the same in every entry (spec 5.2)
        fold.confidence.add(entries[0].get("confidence"))


READERS: dict[str, Callable[[LabelFold, bytes, Mapping[str, Any]], None]] = {
    "classification": _classification,
    "multi-label": _multi_label,
    "bounding-box": _bounding_box,
    "segmentation": _segmentation,
}


def _class_map(meta: Mapping[str, Any]) -> Mapping[str, Any]:
    # the 3D point-cloud example spells it class_map (spec 5.2); accept both
    names = meta.get("class-map")
    if names is None:
        names = meta.get("class_map")
    return names if isinstance(names, dict) else {}


def _image_area(size: object) -> float:
    if isinstance(size, list) and size and isinstance(size[0], dict):
        width, height = size[0].get("width"), size[0].get("height")
        if isinstance(width, (int, float)) and isinstance(height, (int, float)):
            return float(width * height)
    return 0.0


def as_text(value: object) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()
