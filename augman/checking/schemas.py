"""``--schema`` and ``--attr-schema``: the user's JSON Schemas, and which content rules run.

A schema file is read and checked once, before any line (a bad one is a usage
error, exit 2); its validator is compiled once per scan. Every draft jsonschema
knows is accepted (``$schema`` picks it; the newest when absent). A violation is a
finding (AM440 for the line, AM441 for one attribute's value) whose message starts
with the JSON path inside the line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from augman import jsontext
from augman.checking.chunkrules import ChunkRule
from augman.checking.findings import Finding
from augman.checking.lines import Top
from augman.checking.rules import RULES
from augman.errors import UsageError

MAX_ERRORS = 10  # violations reported a line and schema; the rest are counted in the message
MAX_MESSAGE = 200
CACHE = 4096  # attribute values remembered with their verdicts (labels repeat a lot)

Schema = Mapping[str, Any]


@dataclass(frozen=True)
class ContentOptions:
    """Which content rules ``validate`` runs: picklable, for ``--jobs`` workers.

    ``groundtruth``: the built-in Ground Truth label schemas; ``schema``: a JSON Schema
    every line must satisfy; ``attr_schemas``: ``(attribute, schema)`` pairs.
    """

    groundtruth: bool = True
    schema: Schema | None = None
    attr_schemas: tuple[tuple[str, Schema], ...] = ()

    def build(self, source: str) -> list[ChunkRule]:
        """The rules for one manifest (or one ``--jobs`` range of it)."""
        from augman.checking.labels import LabelChecker

        rules: list[ChunkRule] = [LabelChecker(source)] if self.groundtruth else []
        if self.schema is not None or self.attr_schemas:
            rules.append(UserSchemas(source, self.schema, self.attr_schemas))
        return rules


def load_schema(spec: str | Path | Schema, label: str | None = None) -> Schema:
    """A JSON Schema from a file (or as given), checked against its draft's metaschema.

    Raises :class:`UsageError` for a missing or unreadable file, invalid JSON, or a
    schema that is not valid.
    """
    name = label or (f"--schema {spec}" if not isinstance(spec, Mapping) else "--schema")
    if isinstance(spec, Mapping):
        schema: Any = spec
    else:
        try:
            text = Path(spec).read_bytes()
        except OSError as exc:
            raise UsageError(f"{name}: cannot read the schema: {exc.strerror}") from None
        try:
            schema = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"{name}: the schema is not valid JSON: {exc}") from None
    if not isinstance(schema, (Mapping, bool)):
        raise UsageError(f"{name}: a JSON Schema is an object (or true/false)")
    _check(schema, name)
    return schema if isinstance(schema, Mapping) else {"not": {}} if not schema else {}


def _check(schema: Any, name: str) -> None:
    from jsonschema import exceptions, validators

    cls = validators.validator_for(schema)
    try:
        cls.check_schema(schema)
    except exceptions.SchemaError as exc:
        where = exc.json_path if exc.absolute_path else "the top"
        raise UsageError(
            f"{name}: not a valid JSON Schema: {_short(exc.message)} (at {where})",
            hint="check the schema with a JSON Schema validator; $schema names its draft",
        ) from None


def parse_attr_schema(text: str) -> tuple[str, str]:
    """``NAME=FILE`` as given to ``--attr-schema``."""
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise UsageError(
            f"--attr-schema {text!r}: expected NAME=FILE",
            hint="e.g. --attr-schema class=class.json",
        )
    return name, path


def _validator(schema: Schema) -> Any:
    from jsonschema import validators

    return validators.validator_for(schema)(schema)


class UserSchemas:
    """Checks each line against ``--schema`` and attribute values against ``--attr-schema``."""

    def __init__(
        self, source: str, schema: Schema | None, attr_schemas: Sequence[tuple[str, Schema]]
    ) -> None:
        self.source = source
        self.line = _validator(schema) if schema is not None else None
        self.attrs = [(name, _validator(s)) for name, s in attr_schemas]
        self._seen: dict[tuple[int, bytes], list[Any]] = {}

    def check_chunk(
        self,
        numbers: Sequence[int],
        lines: list[bytes],
        tops: list[Top | None],
        keysets: list[tuple[str, ...]],
    ) -> dict[int, list[Finding]]:
        found: dict[int, list[Finding]] = {}
        for index, top in enumerate(tops):
            if top is None:
                continue
            if self.line is not None:
                errors = list(self.line.iter_errors(jsontext.loads(lines[index])))
                self._report(found, index, numbers[index], lines[index], "AM440", errors, None)
            for which, (name, validator) in enumerate(self.attrs):
                raw = top.get(name)
                if raw is not None:
                    errors = self._attr_errors(which, validator, bytes(raw))
                    self._report(found, index, numbers[index], lines[index], "AM441", errors, name)
        return found

    def _attr_errors(self, which: int, validator: Any, raw: bytes) -> list[Any]:
        key = (which, raw)
        errors = self._seen.get(key)
        if errors is None:
            errors = list(validator.iter_errors(jsontext.loads(raw)))
            if len(self._seen) < CACHE:
                self._seen[key] = errors
        return errors

    def _report(
        self,
        found: dict[int, list[Finding]],
        index: int,
        line_no: int,
        line: bytes,
        code: str,
        errors: list[Any],
        attribute: str | None,
    ) -> None:
        if not errors:
            return
        from augman.checking.labels import key_column

        rule = RULES[code]
        for error in errors[:MAX_ERRORS]:
            path = list(error.absolute_path)
            if attribute is not None:
                path.insert(0, attribute)
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)
            key = path[0] if path and isinstance(path[0], str) else None
            column = key_column(line, key) if key is not None else 1
            message = f"{where}: {_short(error.message)}"
            if attribute is None and len(errors) > MAX_ERRORS and error is errors[MAX_ERRORS - 1]:
                message += f" (and {len(errors) - MAX_ERRORS} more)"
            finding = Finding(
                self.source, line_no, column, code, rule.severity, message, rule.hint, key
            )
            found.setdefault(index, []).append(finding)


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 3] + "..."
