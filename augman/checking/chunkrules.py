"""Rules on the content of lines that run after the line rules, a chunk at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from augman.checking.findings import Finding
from augman.checking.lines import Top


class ChunkRule(Protocol):
    """Checks a chunk of lines (``tops[i]`` None: not an object) in line order."""

    def check_chunk(
        self,
        numbers: Sequence[int],
        lines: list[bytes],
        tops: list[Top | None],
        keysets: list[tuple[str, ...]],
    ) -> dict[int, list[Finding]]:
        """The findings of the lines that have any, by index in the chunk.

        ``keysets[i]`` is ``tuple(tops[i])`` (``()`` for a line that is not an object).
        """
        ...
