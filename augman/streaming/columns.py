"""A chunk of clean lines framed at once: payloads by attribute, records by line.

Used by ``stream`` for the runs of good lines the scan engine found in a chunk. Each
attribute's values are encoded as one column, with C-level loops where the values
allow it (all numbers, all plain strings, all compact objects), then the columns
are interleaved back into line order and framed. The bytes are exactly those the
line-by-line path writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter

from augman.checking.lines import Top
from augman.jsontext import compact
from augman.recordio.codec import encode_rows
from augman.streaming.encoding import Encoder, as_json, as_text

_FIRST = itemgetter(0)
_UNQUOTE = itemgetter(slice(1, -1))
_SCALARS = frozenset(b"0123456789-tfn")  # numbers, true, false, null: sent as written
_CONTAINERS = frozenset(b"{[")
_QUOTE, _BACKSLASH = 0x22, 0x5C


def encode_column(encode: Encoder, raws: list[bytes]) -> list[bytes]:
    """``list(map(encode, raws))``, without a Python call per value where possible."""
    firsts = set(map(_FIRST, raws))
    if firsts <= _SCALARS:
        return raws
    joined = b"".join(raws)
    if firsts == {_QUOTE} and _BACKSLASH not in joined:
        if encode is as_text:
            return list(map(_UNQUOTE, raws))
        if encode is as_json:
            return raws
    if firsts <= _CONTAINERS and encode in (as_text, as_json):
        if not _has_whitespace(joined):
            return raws  # compact already: the encoders would return them unchanged
        if _MARK not in joined:
            return _compact_all(raws)
    return list(map(encode, raws))


# Objects and arrays are compacted in one call: joined into one JSON array with a marker
# string between them, formatted, and cut at the markers. A value that holds the marker
# text itself is compacted on its own instead (the caller checks).
_MARK = b"\\u0000augman"
_SEPARATOR = b',"' + _MARK + b'",'


def _compact_all(raws: list[bytes]) -> list[bytes]:
    compacted = compact(b"[" + _SEPARATOR.join(raws) + b"]")[1:-1].split(_SEPARATOR)
    if len(compacted) != len(raws):  # cannot happen when no value holds the marker
        return list(map(compact, raws))
    return compacted


def _has_whitespace(data: bytes) -> bool:
    return 0x20 in data or 0x09 in data or 0x0D in data or 0x0A in data


def frame(tops: Sequence[Top], encoders: Sequence[tuple[str, Encoder]], recordio: bool) -> bytes:
    """The records of every line, in line order.

    Raises :class:`~augman.recordio.codec.RecordTooLarge` (``row`` is the line's index)
    for a payload RecordIO cannot frame.
    """
    payloads = [
        encode_column(encode, list(map(bytes, map(itemgetter(attr), tops))))
        for attr, encode in encoders
    ]
    if recordio:
        return encode_rows(payloads)
    return b"".join(chain.from_iterable(zip(*payloads, strict=True)))
