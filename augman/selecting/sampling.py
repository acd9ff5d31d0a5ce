"""``--sample N``: exactly N items, uniformly, in one pass (reservoir sampling).

``select --sample`` and ``preview --sample`` draw with this one function, so the same
seed picks the same lines in both.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import TypeVar

T = TypeVar("T")


def reservoir(items: Iterable[T], size: int, seed: int) -> list[T]:
    """``size`` items of ``items`` (all of them, if fewer), uniformly; in the order drawn.

    Memory holds ``size`` items; the draw depends only on ``seed`` and the count of items.
    """
    rng = random.Random(f"augman:sample:{seed}")
    kept: list[T] = []
    for seen, item in enumerate(items):
        if seen < size:
            kept.append(item)
        else:
            slot = rng.randrange(seen + 1)
            if slot < size:
                kept[slot] = item
    return kept
