"""A chunk of clean lines framed at once: payloads by attribute, records by line.

Used by ``stream`` for lines that :func:`augman.checking.bulk.accept` passed in bulk. Each
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
from augman.recordio.codec import MAX_LENGTH, PADDINGS, SMALL_HEADERS, header
from augman.streaming.encoding import Encoder, as_json, as_text

_FIRST = itemgetter(0)
_UNQUOTE = itemgetter(slice(1, -1))
_SCALARS = frozenset(b"0123456789-tfn")  # numbers, true, false, null: sent as written
_CONTAINERS = frozenset(b"{[")
_QUOTE, _BACKSLASH = 0x22, 0x5C
_LOW_BITS = (3).__and__


class TooLarge(Exception):
    """Line ``index`` of the chunk has a payload RecordIO cannot frame."""

    def __init__(self, index: int, attribute: str, length: int) -> None:
        super().__init__(index, attribute, length)
        self.index, self.attribute, self.length = index, attribute, length


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
    if firsts <= _CONTAINERS and encode in (as_text, as_json) and not _has_whitespace(joined):
        return raws  # compact already: the encoders would return them unchanged
    return list(map(encode, raws))


def _has_whitespace(data: bytes) -> bool:
    return 0x20 in data or 0x09 in data or 0x0D in data or 0x0A in data


def frame(
    tops: Sequence[Top], encoders: Sequence[tuple[str, Encoder]], recordio: bool,
    max_length: int = MAX_LENGTH,
) -> bytes:  # fmt: skip
    """The records of every line, in line order; raises :class:`TooLarge` past ``max_length``."""
    parts: list[list[bytes] | map[bytes]] = []
    for attr, encode in encoders:
        payloads = encode_column(encode, list(map(bytes, map(itemgetter(attr), tops))))
        if not recordio:
            parts.append(payloads)
            continue
        lengths = list(map(len, payloads))
        longest = max(lengths)
        if longest > max_length:
            raise TooLarge(next(i for i, n in enumerate(lengths) if n > max_length), attr, longest)
        headers = map(SMALL_HEADERS.__getitem__, lengths) if longest < 512 else map(header, lengths)
        parts += (list(headers), payloads, list(map(PADDINGS.__getitem__, map(_LOW_BITS, lengths))))
    return b"".join(chain.from_iterable(zip(*parts, strict=True)))
