"""One label checked the exact way: its task's JSON Schema, then the explicit rules.

For the few labels the Structs refuse (a wrong type, a missing field, a confidence
of 1.5): the schema says what is wrong and where; a label the schema accepts is then
converted to its Structs (laxly: ``1.0`` as 1) for the rules of :mod:`.rules`.
"""

from __future__ import annotations

from typing import Any

from augman.groundtruth import structs
from augman.groundtruth.rules import Problem, problems
from augman.groundtruth.schemas import validator_of
from augman.groundtruth.types import TaskType

MAX_MESSAGE = 200
_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")


def exact_problems(task: TaskType, label: Any, metadata: Any, attribute: str) -> list[Problem]:
    """Every problem of a label (``label`` and ``metadata`` decoded JSON) of ``attribute``."""
    errors = list(validator_of(task).iter_errors({"label": label, "metadata": metadata}))
    if errors:
        return [_problem(error) for error in errors]
    converted = structs.convert_label(task, label)
    meta = structs.convert_metadata(metadata)
    if converted is structs.UNSET or meta is None:
        return []  # valid under the schema, in a form the rules do not read (mixed spellings)
    return problems(task, converted, meta, attribute)


def _problem(error: Any) -> Problem:
    """A jsonschema ValidationError as a Problem (AM401 label, AM402 metadata, AM408 confidence)."""
    where, *path = error.absolute_path
    in_metadata = where == "metadata"
    code = "AM402" if in_metadata else "AM401"
    if error.validator in _BOUNDS and any("confidence" in str(part) for part in path):
        code = "AM408"
    message = error.message
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 3] + "..."
    return Problem(code, in_metadata, tuple(path), message)


def json_path(attribute: str, path: tuple[str | int, ...]) -> str:
    """``$.attribute.annotations[0].class_id``: where a problem is inside the line."""
    parts = ["$.", attribute]
    for part in path:
        parts.append(f"[{part}]" if isinstance(part, int) else f".{part}")
    return "".join(parts)
