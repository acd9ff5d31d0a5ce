"""Diagnosing one line that the fast decoder refused: exact JSON errors with columns.

The fast path (``msgspec`` decoding only the top level) handles good lines; a line it
refuses comes here, where ``orjson`` and the standard library say precisely what is
wrong and where. Nothing here is on the hot path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from augman import jsontext

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class LineProblem:
    """What is wrong with a line: rule code, message, and a 1-based character column."""

    code: str
    message: str
    column: int | None = None


def body_of(line: bytes) -> bytes:
    """The line without its line ending (LF or CRLF)."""
    if line.endswith(b"\n"):
        line = line[:-1]
        if line.endswith(b"\r"):
            line = line[:-1]
    return line


def diagnose(body: bytes, final_without_newline: bool) -> LineProblem | Any:
    """Parse ``body`` exactly; return the parsed value, or the :class:`LineProblem`."""
    if not body.strip():
        return LineProblem("AM103", "blank line", 1)
    utf8 = utf8_problem(body)
    if utf8:
        return utf8
    try:
        return jsontext.loads(body)
    except json.JSONDecodeError as exc:  # orjson's is a subclass
        return _classify(body, exc, final_without_newline)
    except ValueError as exc:  # NaN or Infinity, met by the standard library's parser
        return LineProblem("AM107", str(exc), None)
    except RecursionError:
        return too_deep()


def utf8_problem(body: bytes) -> LineProblem | None:
    """The first invalid UTF-8 byte, as a problem with its column, or None."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        column = len(body[: exc.start].decode("utf-8", "replace")) + 1
        return LineProblem(
            "AM104", f"invalid UTF-8 byte 0x{body[exc.start]:02x} at byte {exc.start}", column
        )
    return None


def _classify(body: bytes, exc: json.JSONDecodeError, truncated: bool) -> LineProblem:
    reason = exc.msg
    column = exc.colno
    text = body.decode("utf-8", "replace")
    rest = text[exc.pos :].lstrip()
    if text[exc.pos - 1 : exc.pos] == "-" and exc.pos > 0:  # newer orjson points past the sign
        rest, column = "-" + rest, column - 1
    if "surrogate" in reason:
        return LineProblem("AM106", f"unpaired UTF-16 surrogate escape ({reason})", column)
    if "recursion" in reason or "depth" in reason:
        return too_deep()
    if rest.startswith(("NaN", "Infinity", "-Infinity")):
        token = rest.split(",")[0].split("}")[0].split("]")[0].strip()
        return LineProblem("AM107", f"{token} is not a JSON value", column)
    if "after document" in reason:
        return LineProblem(
            "AM108", f"unexpected content after the JSON value: {rest[:20]!r}", column
        )
    if truncated and ("end of data" in reason or "EOF" in reason):
        return LineProblem(
            "AM109", "the last line ends in the middle of a JSON value and has no newline", column
        )
    return LineProblem("AM101", f"invalid JSON: {reason}", column)


def too_deep() -> LineProblem:
    return LineProblem("AM111", "JSON nests too deeply (parsers stop at about 1,000 levels)", None)


def duplicate_keys(body: bytes) -> list[tuple[str, bool]]:
    """Top-level keys that occur more than once, each with whether its values differ."""
    seen: dict[str, list[Any]] = {}
    top: list[list[tuple[str, Any]]] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        top[:] = [pairs]  # objects close inside-out: the last one seen is the line itself
        return dict(pairs)

    try:
        json.loads(body, object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return []
    for key, value in top[0] if top else []:
        seen.setdefault(key, []).append(value)
    return [
        (key, any(v != values[0] for v in values[1:]))
        for key, values in seen.items()
        if len(values) > 1
    ]


# The tokens that matter for finding a top-level key: a string, or a bracket.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[{}\[\]]')
_COLON = re.compile(rb"[ \t\r\n]*:")


def key_offsets(body: bytes, key: str) -> list[int]:
    """Byte offsets of each ``"key"`` that is a key of the line's top-level object.

    A string holding the same text, or the same key in a nested object, is not one.
    Keys written with escapes count when they decode to ``key``.
    """
    depth, found = 0, []
    for token in _TOKENS.finditer(body):
        text = token[0]
        if text[0] != 0x22:  # a bracket
            depth += 1 if text in (b"{", b"[") else -1
        elif depth == 1 and _COLON.match(body, token.end()) and _decoded(text) == key:
            found.append(token.start())
    return found


def _decoded(quoted: bytes) -> str | None:
    if b"\\" not in quoted:
        return quoted[1:-1].decode("utf-8", "replace")
    try:
        text: str = json.loads(quoted)
    except ValueError:
        return None
    return text
