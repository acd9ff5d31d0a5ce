"""The built-in JSON Schemas (Draft 2020-12) of Ground Truth's output, one file a task type.

Each schema validates ``{"label": <the value of L>, "metadata": <the value of
L-metadata>}``. They are the reference: the Structs of :mod:`augman.groundtruth.structs`
must never accept what they refuse (tests/unit/test_groundtruth_agreement.py), and
the messages of a label that fails come from them.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from augman.groundtruth.types import TaskType


@functools.cache
def schema_of(task: TaskType) -> dict[str, Any]:
    """The JSON Schema of a task type, as loaded from the package."""
    text = resources.files("augman").joinpath("schemas").joinpath(task.schema).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@functools.cache
def validator_of(task: TaskType) -> Any:
    """A compiled Draft 2020-12 validator of the task's schema (made once)."""
    from jsonschema import Draft202012Validator  # imported when a label first fails

    return Draft202012Validator(schema_of(task))
