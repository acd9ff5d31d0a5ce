"""The request against botocore's own model of CreateTrainingJob: every shape, walked generically.

Nothing here is written for one member: required members, JSON types, enums,
lengths (of strings, lists and maps), numeric ranges and patterns all come from
the model that boto3 itself uses, so a newer botocore brings newer rules. The
model's patterns are full matches (botocore dropped their ``^...$`` anchors).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from augman.checking import didyoumean
from augman.jobs.locate import item_path, member_path
from augman.jobs.request import RequestFindings

_NUMBER_TYPES = ("integer", "long", "float", "double")
_JSON_TYPES = {
    "structure": "an object", "list": "a list", "map": "an object", "string": "a string",
    "integer": "a whole number", "long": "a whole number", "float": "a number",
    "double": "a number", "boolean": "true or false",
    "timestamp": "a timestamp", "blob": "a string",
}  # fmt: skip


@functools.lru_cache(maxsize=4)
def operation_shapes(operation: str = "CreateTrainingJob") -> tuple[Any, Any]:
    """The input shape of ``operation`` and the output shape of its Describe twin (or None)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("sagemaker")
    described = operation.replace("Create", "Describe", 1)
    output = (
        model.operation_model(described).output_shape
        if described in model.operation_names
        else None
    )
    return model.operation_model(operation).input_shape, output


class ShapeChecker:
    """Walks a request against its shape, reporting each broken constraint once."""

    def __init__(self, findings: RequestFindings, described: Any = None) -> None:
        self.findings = findings
        self.described = described  # DescribeTrainingJob's output: its extra members are fine

    def check(self, value: Any, shape: Any, path: str = "$") -> None:
        checker = getattr(self, f"_{shape.type_name}", None)
        if not self._has_type(value, shape):
            got = _json_type(value)
            self.findings.report(
                "AM503",
                path,
                f"is {got}; the API takes {_JSON_TYPES.get(shape.type_name, shape.type_name)}",
            )
            return
        if checker is not None:
            checker(value, shape, path)

    def _has_type(self, value: Any, shape: Any) -> bool:
        kind = shape.type_name
        if kind in ("structure", "map"):
            return isinstance(value, dict)
        if kind == "list":
            return isinstance(value, list)
        if kind in ("string", "blob"):
            return isinstance(value, str)
        if kind == "boolean":
            return isinstance(value, bool)
        if kind in ("integer", "long"):
            return isinstance(value, int) and not isinstance(value, bool)
        if kind in ("float", "double"):
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        return kind != "timestamp" or isinstance(value, (str, int, float))

    def _structure(self, value: dict[str, Any], shape: Any, path: str) -> None:
        members = shape.members
        extra = self._described_members() if path == "$" else ()
        for name in shape.required_members:
            if name not in value:
                self.findings.report("AM501", path, f"{name} is required and missing")
        for name, item in value.items():
            if name in members:
                self.check(item, members[name], member_path(path, name))
            elif name not in extra:
                guess = didyoumean.suggest(name, list(members))
                tail = f"; did you mean {guess!r}?" if guess else ""
                self.findings.report(
                    "AM502",
                    member_path(path, name),
                    f"{name!r} is not a member of {shape.name}{tail}",
                )

    def _described_members(self) -> tuple[str, ...]:
        """DescribeTrainingJob's members (and boto3's ``ResponseMetadata``), when it is one."""
        if self.described is None:
            return ()
        return (*self.described.members, "ResponseMetadata")

    def _list(self, value: list[Any], shape: Any, path: str) -> None:
        self._size(len(value), shape, path, "item")
        for index, item in enumerate(value):
            self.check(item, shape.member, item_path(path, index))

    def _map(self, value: dict[str, Any], shape: Any, path: str) -> None:
        self._size(len(value), shape, path, "entry")
        for key, item in value.items():
            self.check(key, shape.key, member_path(path, key))
            self.check(item, shape.value, member_path(path, key))

    def _string(self, value: str, shape: Any, path: str) -> None:
        if shape.enum:
            if value not in shape.enum:
                self._not_in_enum(value, shape.enum, path)
            return
        self._size(len(value), shape, path, "character")
        pattern = shape.metadata.get("pattern")
        if (
            pattern is not None
            and (compiled := _compiled(pattern))
            and not compiled.fullmatch(value)
        ):
            self.findings.report(
                "AM507", path, f"{_shown(value)} does not match the pattern {pattern}"
            )

    def _not_in_enum(self, value: str, allowed: list[str], path: str) -> None:
        guess = didyoumean.suggest(value, allowed)
        tail = f"; did you mean {guess!r}?" if guess else ""
        self.findings.report(
            "AM504", path, f"{_shown(value)} is not one of {', '.join(allowed)}{tail}"
        )

    def _size(self, size: int, shape: Any, path: str, unit: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and size < low) or (high is not None and size > high):
            self.findings.report(
                "AM505",
                path,
                f"has {size:,} {unit}{'s' * (size != 1)}; the API allows {_range(low, high)}",
            )

    def _number(self, value: float, shape: Any, path: str) -> None:
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            self.findings.report(
                "AM506", path, f"{value} is outside the range the API allows: {_range(low, high)}"
            )

    _integer = _long = _float = _double = _number


@functools.lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct: the service checks it, augman cannot
        return None


def _range(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low:,} to {high:,}"
    return f"at least {low:,}" if low is not None else f"at most {high:,}"


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return names.get(type(value), "null")
