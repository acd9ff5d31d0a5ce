"""The usable lines of a chunk, cut into columns: one attribute's values, in line order.

``augman stats`` reads a chunk an attribute at a time. Which lines hold an
attribute (and which metadata key goes with a label) depends on their key sets
alone, so a column is cut with C-level loops over the lines' key sets: all the
lines when every key set has the attribute (the usual case), else the lines whose
key set is among those that do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count
from operator import getitem, itemgetter
from typing import Any, TypeVar

from augman.checking.lines import Top
from augman.statistics.columns import Column

KeySet = tuple[str, ...]
Pairs = Sequence[tuple[str, str]]  # (label key, metadata key) of a key set
T = TypeVar("T")


class Rows:
    """The usable lines of a chunk (their numbers and objects), grouped by key set."""

    def __init__(self, numbers: Sequence[int], objects: list[Top]) -> None:
        self.numbers = numbers
        self.objects = objects
        self.keysets: list[KeySet] = list(map(tuple, objects))
        self.counts = Counter(self.keysets)  # in the order first met
        self._columns: dict[tuple[frozenset[KeySet] | None, str], Column] = {}
        self._selections: dict[frozenset[KeySet], tuple[list[int], list[Top]]] = {}

    def __len__(self) -> int:
        return len(self.objects)

    def column(self, name: str, having: Collection[KeySet]) -> Column:
        """``name``'s values on the lines whose key set is in ``having`` (each holds ``name``)."""
        within = None if len(having) == len(self.counts) else frozenset(having)
        found = self._columns.get((within, name))
        if found is None:
            numbers, objects = (
                (self.numbers, self.objects) if within is None else self.select(within)
            )
            found = Column(numbers, list(map(itemgetter(name), objects)))
            self._columns[within, name] = found
        return found

    def select(self, having: frozenset[KeySet]) -> tuple[list[int], list[Top]]:
        """The numbers and objects of the lines whose key set is in ``having``."""
        found = self._selections.get(having)
        if found is None:
            keep = list(map(having.__contains__, self.keysets))
            found = list(compress(self.numbers, keep)), list(compress(self.objects, keep))
            self._selections[having] = found
        return found

    def positions(self, having: Collection[KeySet]) -> Sequence[int]:
        """The indexes (among these lines) of the lines whose key set is in ``having``."""
        if len(having) == len(self.counts):
            return range(len(self))
        return list(compress(count(), map(having.__contains__, self.keysets)))


@dataclass(frozen=True)
class LabelLines:
    """One label attribute's (value, metadata) pairs in a chunk, in line order."""

    positions: Sequence[int]  # the index of each pair's line among the chunk's lines
    values: Column
    metas: Column


def by_name(items: Mapping[KeySet, Iterable[tuple[str, T]]]) -> dict[str, tuple[T, list[KeySet]]]:
    """For each name given by some key set: its item (the same for all) and those key sets."""
    found: dict[str, tuple[T, list[KeySet]]] = {}
    for keys, named in items.items():
        for name, item in named:
            found.setdefault(name, (item, []))[1].append(keys)
    return found


def label_lines(rows: Rows, pairs: Mapping[KeySet, Pairs]) -> dict[str, LabelLines]:
    """Each label attribute's (value, metadata) pairs in ``rows``, ``pairs`` giving each key set's."""
    if any(len({label for label, _ in found}) < len(found) for found in pairs.values()):
        return _label_lines_each(rows, pairs)  # a key set pairs one label with two metadata keys
    metadata: dict[str, dict[KeySet, str]] = {}
    for keys, found in pairs.items():
        for label, meta in found:
            metadata.setdefault(label, {})[keys] = meta
    lines = {}
    for label, meta_of in metadata.items():
        values = rows.column(label, meta_of)
        if len(set(meta_of.values())) == 1:
            metas = rows.column(next(iter(meta_of.values())), meta_of)
        else:  # X-metadata on some lines, X-ref-metadata on others
            numbers, objects = rows.select(frozenset(meta_of))
            meta_keys = map(meta_of.__getitem__, map(tuple, objects))
            metas = Column(numbers, list(map(getitem, objects, meta_keys)))
        lines[label] = LabelLines(rows.positions(meta_of), values, metas)
    return lines


def _label_lines_each(rows: Rows, pairs: Mapping[KeySet, Pairs]) -> dict[str, LabelLines]:
    """:func:`label_lines` line by line, pair by pair, for a chunk that has a label twice."""
    found: dict[str, tuple[list[int], list[int], list[Any], list[Any]]] = {}
    for position, number, row, keys in zip(count(), rows.numbers, rows.objects, rows.keysets):
        for label, meta in pairs[keys]:
            positions, numbers, values, metas = found.setdefault(label, ([], [], [], []))
            positions.append(position)
            numbers.append(number)
            values.append(row[label])
            metas.append(row[meta])
    return {
        label: LabelLines(positions, Column(numbers, values), Column(numbers, metas))
        for label, (positions, numbers, values, metas) in found.items()
    }
