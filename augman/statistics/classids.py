"""The class ids a label attribute uses: what ``num_classes`` must cover.

Built-in algorithms number classes from 0, so ``num_classes`` must be more than
the highest id used. Ids are counted once per distinct value (the callers hand
over the distinct keys of a batch, or a column's raw values), so this costs a
set update per batch, not per line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import orjson

MAX_IDS = 100_000  # distinct ids remembered; the highest is kept whatever the count


@dataclass(frozen=True)
class ClassIdStats:
    """``highest`` class id (None: no integer id), ``distinct`` ids, ``other`` non-integer ids."""

    highest: int | None
    distinct: int
    other: int

    @property
    def num_classes(self) -> int | None:
        """The smallest ``num_classes`` that covers every id used."""
        return None if self.highest is None else self.highest + 1


NO_CLASS_IDS = ClassIdStats(None, 0, 0)


class ClassIds:
    """Accumulates :class:`ClassIdStats`."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.highest: int | None = None
        self.others: set[str] = set()

    def add_keys(self, keys: Iterable[object]) -> None:
        """Count ids given as class-map keys (``"3"``) or numbers (``3``)."""
        for key in keys:
            found = as_id(key)
            if found is None:
                if len(self.others) < MAX_IDS:
                    self.others.add(str(key))
            else:
                self._add(found)

    def add_raw(self, values: Iterable[bytes]) -> None:
        """Count ids given as raw JSON label values (``3`` or ``"3"``), each distinct one once."""
        for value in set(values):
            try:
                self.add_keys((orjson.loads(value),))
            except orjson.JSONDecodeError:
                continue

    def _add(self, found: int) -> None:
        if self.highest is None or found > self.highest:
            self.highest = found
        if len(self.ids) < MAX_IDS:
            self.ids.add(found)

    def freeze(self) -> ClassIdStats:
        return ClassIdStats(self.highest, len(self.ids), len(self.others))


def as_id(value: object) -> int | None:
    """A class id: a non-negative integer, or a string or integral float that is one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    if isinstance(value, str) and value.isdigit() and value.isascii():
        return int(value)
    return None
