"""What Ground Truth writes: its task types, their label shapes and the rules they follow.

The registry (:mod:`augman.groundtruth.types`) says which ``L-metadata.type`` names
which task, which attribute is the label of which metadata, and which built-in
algorithms train on each task. :mod:`augman.groundtruth.schemas` loads the JSON
Schemas in ``augman/schemas/``; :mod:`augman.groundtruth.structs` holds the same
shapes as msgspec Structs (a column of values checked in C), and
:mod:`augman.groundtruth.rules` the rules JSON Schema cannot express.
"""

from __future__ import annotations

from augman.groundtruth.types import (
    TASK_TYPES,
    TaskType,
    is_groundtruth_type,
    label_attributes,
    label_for,
    task_for,
    tasks_for,
)

__all__ = [
    "TASK_TYPES",
    "TaskType",
    "is_groundtruth_type",
    "label_attributes",
    "label_for",
    "task_for",
    "tasks_for",
]
