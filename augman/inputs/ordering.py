"""Which lines, in which order: shards, seeded shuffles over an offset index, samples.

``stream`` and ``select`` share these, so a shard or a shuffle means the same thing
in both. A shuffle never holds lines in memory: it keeps one 8-byte offset per line
(``array('Q')``) and seeks to each line in the permuted order.
"""

from __future__ import annotations

import random
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from augman.errors import UsageError
from augman.inputs.lines import MAX_LINE_BYTES, LongLine, lines_of, read_line

_SHARD = re.compile(r"(\d+)/(\d+)")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``count``: every ``count``-th line starting at ``index`` (0-based).

    An emulation of ``ShardedByS3Key`` for a single augmented manifest, whose real
    assignment rule SageMaker does not document.
    """

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Parse ``K/N`` (0 <= K < N); raise :class:`UsageError` otherwise."""
        match = _SHARD.fullmatch(text.strip())
        if not match:
            raise UsageError(
                f"--shard {text!r} is not K/N", "write e.g. --shard 0/4 for the first of 4 shards"
            )
        index, count = int(match[1]), int(match[2])
        if count < 1 or not 0 <= index < count:
            raise UsageError(f"--shard {text!r}: K must be in 0..N-1 and N at least 1")
        return cls(index, count)

    def keeps(self, position: int) -> bool:
        """Whether the line at 0-based ``position`` belongs to this shard."""
        return position % self.count == self.index


def line_offsets(stream: IO[bytes], max_line: int = MAX_LINE_BYTES) -> array[int]:
    """The byte offset of the start of every line of a seekable binary stream."""
    offsets = array("Q")
    position = stream.tell()
    for line in lines_of(stream, max_line):
        offsets.append(position)
        position += line.length if type(line) is LongLine else len(line)
    return offsets


def permutation(count: int, seed: int, epoch: int = 0) -> array[int]:
    """A deterministic permutation of ``range(count)`` for (seed, epoch)."""
    order = array("Q", range(count))
    rng = random.Random(f"augman:{seed}:{epoch}")
    rng.shuffle(order)  # type: ignore[arg-type]  # array is a mutable sequence
    return order


def read_in_order(
    stream: IO[bytes], offsets: array[int], order: array[int], max_line: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes]]:
    """Yield (1-based line number, line) for the lines at ``order``'s positions."""
    for position in order:
        stream.seek(offsets[position])
        yield position + 1, read_line(stream, max_line)
