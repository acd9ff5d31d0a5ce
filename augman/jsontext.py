"""JSON text as a manifest wrote it: one value made compact, its tokens kept byte for byte.

``select --attrs`` writes projected values compactly and ``stream`` sends objects and
arrays as compact JSON; both keep strings, escapes and numbers exactly as written
(``"caf\\u00e9"`` stays escaped, ``1.50`` stays ``1.50``): only whitespace between
tokens goes.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import orjson

_SPACE, _TAB, _CR, _LF = 0x20, 0x09, 0x0D, 0x0A
_format = msgspec.json.format


def compact(raw: bytes) -> bytes:
    """JSON text without insignificant whitespace; tokens are kept byte for byte."""
    # `int in bytes` is one memchr; `b" " in bytes` is a general substring search, 8x slower
    if _SPACE in raw or _TAB in raw or _CR in raw or _LF in raw:
        return _format(raw, indent=-1)
    return raw  # no whitespace at all, so none to remove: skip the reformatting


def loads(data: bytes) -> Any:
    """Parse JSON text; a number beyond the float range is ``inf`` or ``-inf``, as in Python.

    JSON sets no limit on numbers, but orjson refuses those that overflow a double
    (``1e400``); the standard library, used only then, takes them. Non-standard
    ``NaN`` and ``Infinity`` stay refused either way.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "infinity" not in exc.msg:
            raise
    value = json.loads(data, parse_constant=_refuse_constant)
    at = lone_surrogate(data)  # which orjson refuses and the standard library lets through
    if at is not None:
        text = data.decode("utf-8", "replace")
        position = len(data[:at].decode("utf-8", "replace"))
        raise json.JSONDecodeError("unpaired UTF-16 surrogate escape", text, position)
    return value


def canonical(data: bytes) -> bytes:
    """One byte string per equal JSON value, whatever its spacing, key order or escapes."""
    value = loads(data)
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    if b"null" in text and _has_infinity(value):  # orjson writes inf as null
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return text


def _has_infinity(value: Any) -> bool:
    if isinstance(value, float):
        return value in (float("inf"), float("-inf"))
    if isinstance(value, dict):
        return any(map(_has_infinity, value.values()))
    if isinstance(value, list):
        return any(map(_has_infinity, value))
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


# An escape inside a JSON string: \uXXXX (group 1: the hex) or a backslash and one character.
_ESCAPE = re.compile(rb"\\(?:u([0-9a-fA-F]{4})|.)", re.DOTALL)


def lone_surrogate(line: bytes) -> int | None:
    """The byte offset of the first ``\\uD800``-``\\uDFFF`` escape that is not half of a pair."""
    pending: int | None = None  # offset of a high surrogate waiting for its low half
    for match in _ESCAPE.finditer(line):
        code = int(match[1], 16) if match[1] else -1
        if pending is not None:
            if 0xDC00 <= code <= 0xDFFF and match.start() == pending + 6:
                pending = None
                continue
            return pending
        if 0xD800 <= code <= 0xDBFF:
            pending = match.start()
        elif 0xDC00 <= code <= 0xDFFF:
            return match.start()
    return pending
