"""The Ground Truth task types augman knows, looked up by ``L-metadata.type`` (spec 5.2).

A labeling job writes its label under an attribute ``L`` it was given and the
metadata under ``L-metadata``; ``type`` in the metadata names the task. Where
Ground Truth's own documents spell a type two ways (``object-detection`` and
``object_detection``), both name the same task.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "groundtruth/"
METADATA_SUFFIX = "-metadata"


class LabelKind(str, enum.Enum):
    """The shape of a task's label value."""

    class_id = "class-id"  # one class index: 0 or "0"
    class_ids = "class-ids"  # an array of class indexes (multi-label)
    boxes = "boxes"  # {"image_size": [...], "annotations": [boxes]}
    spans = "spans"  # {"annotations": {"labels": [...], "entities": [...]}}
    cuboids = "cuboids"  # {"annotations": [3D cuboids]}
    ref = "ref"  # the S3 URI of a label file (PNG, SeqLabel.json, zlib)


@dataclass(frozen=True, eq=False)  # one object a task: compared and hashed by identity
class TaskType:
    """One Ground Truth task type.

    ``types`` are the ``type`` strings that name it, the usual spelling first;
    ``schema`` the file name of its JSON Schema in ``augman/schemas/``; ``ref_label``
    whether the label attribute must end in ``-ref``; ``algorithms`` the SageMaker
    built-in algorithms that train on it (by the repository name of their image), none
    for a task no built-in algorithm reads (video frames, point clouds, named entities).
    """

    name: str
    title: str
    types: tuple[str, ...]
    kind: LabelKind
    ref_label: bool = False
    algorithms: tuple[str, ...] = ()

    @property
    def schema(self) -> str:
        return f"groundtruth-{self.name}.json"


_K = LabelKind
_TASKS = (
    TaskType("image-classification", "image classification", ("groundtruth/image-classification",),
             _K.class_id, algorithms=("image-classification",)),
    TaskType("text-classification", "text classification", ("groundtruth/text-classification",),
             _K.class_id, algorithms=("blazingtext",)),
    TaskType("image-classification-multilabel", "multi-label image classification",
             ("groundtruth/image-classification-multilabel",), _K.class_ids,
             algorithms=("image-classification",)),
    TaskType("text-classification-multilabel", "multi-label text classification",
             ("groundtruth/text-classification-multilabel",), _K.class_ids,
             algorithms=("blazingtext",)),  # "label": [1, 3] (DG blazingtext.md, spec 4)
    TaskType("object-detection", "bounding box (object detection)",
             ("groundtruth/object-detection", "groundtruth/object_detection"), _K.boxes,
             algorithms=("object-detection",)),
    TaskType("label-verification", "label verification", ("groundtruth/label-verification",),
             _K.class_id, algorithms=("image-classification",)),  # a class index, as above
    TaskType("semantic-segmentation", "semantic segmentation", ("groundtruth/semantic-segmentation",),
             _K.ref, ref_label=True, algorithms=("semantic-segmentation",)),
    TaskType("text-span", "named entity recognition", ("groundtruth/text-span",), _K.spans),
    TaskType("video-object-detection", "video frame object detection",
             ("groundtruth/video-object-detection",), _K.ref, ref_label=True),
    TaskType("video-object-tracking", "video frame object tracking",
             ("groundtruth/video-object-tracking",), _K.ref, ref_label=True),
    TaskType("point-cloud-semantic-segmentation", "3D point cloud semantic segmentation",
             ("groundtruth/point_cloud_single_frame_semantic_segmentation",), _K.ref, ref_label=True),
    TaskType("point-cloud-object-detection", "3D point cloud object detection",
             ("groundtruth/point_cloud_object_detection",), _K.cuboids),
    TaskType("point-cloud-object-tracking", "3D point cloud object tracking",
             ("groundtruth/point_cloud_object_tracking",), _K.ref, ref_label=True),
)  # fmt: skip

TASKS: dict[str, TaskType] = {task.name: task for task in _TASKS}
TASK_TYPES: dict[str, TaskType] = {type_: task for task in _TASKS for type_ in task.types}


def task_for(type_: str) -> TaskType | None:
    """The task a metadata ``type`` names, or None (not Ground Truth's, or unknown)."""
    return TASK_TYPES.get(type_)


def tasks_for(algorithm: str) -> tuple[TaskType, ...]:
    """The tasks the built-in ``algorithm`` (its image's repository name) trains on."""
    return tuple(task for task in _TASKS if algorithm in task.algorithms)


def is_groundtruth_type(value: object) -> bool:
    """Whether a metadata ``type`` value claims to be Ground Truth's (``groundtruth/...``)."""
    return isinstance(value, str) and value.startswith(PREFIX)


def label_for(metadata_key: str, keys: Collection[str]) -> str | None:
    """The label attribute among ``keys`` that ``metadata_key`` describes, or None.

    ``L-metadata`` describes ``L``; the semantic segmentation page of the developer
    guide writes ``city-streets-metadata`` for the label ``city-streets-ref`` (spec 7.12),
    so ``L-ref`` is accepted too.
    """
    if not metadata_key.endswith(METADATA_SUFFIX):
        return None
    base = metadata_key[: -len(METADATA_SUFFIX)]
    if base in keys:
        return base
    referenced = base + "-ref"
    return referenced if referenced in keys else None


def label_attributes(line: Mapping[str, Any]) -> dict[str, str]:
    """The Ground Truth labels of a decoded line: ``{label attribute: type}``.

    Every ``L-metadata`` object whose ``type`` starts with ``groundtruth/`` and whose
    label attribute is present counts, known type or not.
    """
    found = {}
    for key, value in line.items():
        if isinstance(value, Mapping) and is_groundtruth_type(value.get("type")):
            label = label_for(key, line.keys())
            if label is not None:
                found[label] = value["type"]
    return found
