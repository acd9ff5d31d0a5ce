"""HyperParameters that the built-in algorithms need, derived from a manifest's :class:`Stats`.

- ``num_training_samples``: the lines the algorithm counts (``Stats.samples``).
- ``num_classes``: the highest class id used, plus one (ids count from 0), per label.
- object detection's ``label_width``: at least 2 header values plus 5 per box
  (``[class_id, left, top, width, height]``) on the image with the most boxes
  (developer guide, object detection hyperparameters).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from augman.statistics.fold import Stats
from augman.statistics.labels import LabelStats

LABEL_HEADER = 2  # values before the boxes in an object detection label
VALUES_PER_BOX = 5
DEFAULT_LABEL_WIDTH = 350


@dataclass(frozen=True)
class LabelHyperparameters:
    """What one label attribute asks of the hyperparameters."""

    attribute: str
    kind: str
    num_classes: int | None
    class_ids: int
    max_boxes: int | None
    label_width: int | None


@dataclass(frozen=True)
class Hyperparameters:
    """The derived values: ``num_training_samples`` and one entry per label attribute."""

    num_training_samples: int
    labels: Mapping[str, LabelHyperparameters]


def derive(stats: Stats) -> Hyperparameters:
    """The hyperparameter values a manifest implies."""
    return Hyperparameters(
        stats.samples, {name: for_label(label) for name, label in stats.labels.items()}
    )


def for_label(label: LabelStats) -> LabelHyperparameters:
    boxes = label.histograms.get("boxes_per_image")
    most = int(boxes.high) if boxes is not None and boxes.high is not None else None
    return LabelHyperparameters(
        attribute=label.attribute,
        kind=label.kind,
        num_classes=label.class_ids.num_classes,
        class_ids=label.class_ids.distinct,
        max_boxes=most,
        label_width=min_label_width(most) if most is not None else None,
    )


def min_label_width(boxes: int) -> int:
    """The smallest ``label_width`` that holds ``boxes`` boxes."""
    return LABEL_HEADER + VALUES_PER_BOX * boxes
