"""Did-you-mean for attribute names: case, '_' vs '-', typos and abbreviations."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from augman.printable import quoted

_NOT_ALNUM = re.compile(r"[^a-z0-9]")
MAX_LISTED = 8


def suggest(name: str, candidates: Sequence[str]) -> str | None:
    """The candidate the user most likely meant by ``name``, or None."""
    wanted = _normal(name)
    for candidate in candidates:
        if _normal(candidate) == wanted:
            return candidate
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    if close:
        return close[0]
    for candidate in candidates:
        if _abbreviates(wanted, _normal(candidate)) or _abbreviates(_normal(candidate), wanted):
            return candidate
    close = difflib.get_close_matches(
        name.lower(), [c.lower() for c in candidates], n=1, cutoff=0.6
    )
    if close:
        return next(c for c in candidates if c.lower() == close[0])
    return None


def missing_message(name: str, keys: Sequence[str]) -> str:
    """Say that ``name`` is missing, with a suggestion or the names the line has."""
    guess = suggest(name, keys)
    if guess is not None:
        return f"missing attribute {quoted(name)}; did you mean {quoted(guess)}?"
    if not keys:
        return f"missing attribute {quoted(name)}; the line is an empty object"
    listed = ", ".join(map(quoted, keys[:MAX_LISTED]))
    more = f" and {len(keys) - MAX_LISTED} more" if len(keys) > MAX_LISTED else ""
    return f"missing attribute {quoted(name)}; the line has {listed}{more}"


def _normal(name: str) -> str:
    return _NOT_ALNUM.sub("", name.lower())


def _abbreviates(short: str, long: str) -> bool:
    """``bbox`` abbreviates ``boundingbox``: same first letter, letters in order, shorter."""
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)
