"""Attribute value -> payload bytes: the value-encoding rule of the spec (section 3.2).

A non-``-ref`` attribute's value arrives here as the raw JSON text of that value in
the line (``msgspec.Raw``), and leaves as the bytes SageMaker would put on the
pipe. Only the selected attributes are ever decoded, and numbers are never
re-parsed: ``1.50`` stays ``1.50`` and ``1e-5`` stays ``1e-5``.

``ENCODINGS`` is the registry the ``--value-encoding`` option looks names up in:

- ``text`` (default): a string as its UTF-8 text without quotes (escapes decoded);
  a number, ``true``, ``false`` or ``null`` as its token; an object or array as
  compact JSON (whitespace removed, key order and string escapes kept as written).
- ``json``: every value as compact JSON, strings with their quotes.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from augman.jsontext import compact

Encoder = Callable[[bytes], bytes]

_QUOTE = 0x22
_BACKSLASH_BYTE = 0x5C
_CONTAINERS = (0x7B, 0x5B)  # { and [


def as_text(raw: bytes) -> bytes:
    """The ``text`` encoding: strings unquoted, everything else as compact JSON."""
    first = raw[0]
    if first == _QUOTE:
        if _BACKSLASH_BYTE in raw:
            text: str = orjson.loads(raw)
            return text.encode()
        return raw[1:-1]
    if first in _CONTAINERS:
        return compact(raw)
    return raw


def as_json(raw: bytes) -> bytes:
    """The ``json`` encoding: every value as compact JSON (strings keep their quotes)."""
    if raw[0] in _CONTAINERS:
        return compact(raw)
    return raw


ENCODINGS: dict[str, Encoder] = {"text": as_text, "json": as_json}


def is_ref(attribute: str) -> bool:
    """Whether SageMaker streams the object an attribute points to instead of its value.

    The test is on the attribute's name (spec 3.2): ``city-streets-ref-metadata``
    ends in ``-metadata`` and is streamed as JSON text.
    """
    return attribute.endswith("-ref")


def ref_uri(raw: bytes) -> str:
    """The S3 URI held by a ``-ref`` value (a JSON string the line checks accepted)."""
    if _BACKSLASH_BYTE in raw:
        uri: str = orjson.loads(raw)
        return uri
    return raw[1:-1].decode()
