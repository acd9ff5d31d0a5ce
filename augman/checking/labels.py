"""Ground Truth labels checked against their task type, a chunk of lines at a time.

For every ``L-metadata`` key of a chunk, its column of raw values is decoded in
one msgspec call into the Struct its ``type`` names (a tagged union), and each
task's label column likewise into the task's label Struct: a value that decodes is
valid under the task's JSON Schema, so the common case costs two C loops and the
explicit rules of :mod:`augman.groundtruth.rules`. A value that does not decode goes
the exact way (:func:`~augman.groundtruth.exact.exact_problems`: the JSON Schema
itself, then the rules), one line at a time. Lines whose metadata columns never
mention ``"groundtruth/`` cost one substring search per column.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, count, repeat
from operator import getitem, gt, is_, is_not, not_
from typing import Any

import msgspec

from augman import jsontext
from augman.checking import jsonline
from augman.checking.findings import Finding
from augman.checking.lines import MAX_SHAPES, Top
from augman.checking.rules import RULES
from augman.groundtruth import structs
from augman.groundtruth.exact import exact_problems, json_path
from augman.groundtruth.rules import Problem, column_problems
from augman.groundtruth.types import (
    METADATA_SUFFIX,
    LabelKind,
    TaskType,
    is_groundtruth_type,
    label_for,
    task_for,
)
from augman.inputs.s3uri import S3Uri, S3UriError

# Ground Truth's limits on its *input* manifests (spec 6), held to lines Ground Truth reads or wrote
LINE_LIMIT = 100_000  # characters a line
ATTRIBUTE_LIMIT = 20_000  # characters an attribute value
_MARK = b'"groundtruth/'
_NEWLINE = b"\n"
_ERRORS = (msgspec.DecodeError, msgspec.ValidationError, RecursionError)
SMALL = 16  # a run this short that fails to decode as a whole is decoded value by value
_CHECKS = {LabelKind.ref: structs.check_refs, LabelKind.class_id: structs.check_class_ids}
Pair = tuple[str, str | None]  # (metadata key, its label attribute or None)
Found = dict[int, list[Finding]]


class LabelChecker:
    """Checks the Ground Truth labels of one manifest's lines (AM401-AM413)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._pairs: dict[tuple[str, ...], tuple[Pair, ...]] = {}
        self.metadata = MetadataCache()

    def check_chunk(
        self,
        numbers: Sequence[int],
        lines: list[bytes],
        tops: list[Top | None],
        keysets: list[tuple[str, ...]],
    ) -> Found:
        """The findings of a chunk's lines, by index; ``keysets[i]`` is ``tuple(tops[i])``."""
        found: Found = {}
        if max(map(len, lines)) > ATTRIBUTE_LIMIT:  # bytes >= characters
            self._limits(numbers, lines, tops, found)
        for pair, where in self._groups(keysets).items():
            _Pair(self, pair, where, numbers, lines, tops, found).check()
        return found

    # -- which lines have which metadata -------------------------------------------------

    def _groups(self, keysets: list[tuple[str, ...]]) -> dict[Pair, list[int]]:
        distinct = set(keysets)
        pairs = {keys: self._pairs_of(keys) for keys in distinct}
        if not any(pairs.values()):
            return {}
        if len(distinct) == 1:
            return {pair: list(range(len(keysets))) for pair in pairs[keysets[0]]}
        # each line's index appended to its key set's list: one hash of its key set
        lists: dict[tuple[str, ...], list[int]] = {keys: [] for keys in distinct if pairs[keys]}
        appends = {keys: where.append for keys, where in lists.items()}
        for append, index in zip(map(appends.get, keysets, repeat(_skip)), count()):
            append(index)
        groups: dict[Pair, list[int]] = {}
        for keys, where in lists.items():
            for pair in pairs[keys]:
                groups.setdefault(pair, []).extend(where)
        for where in groups.values():
            where.sort()  # runs from several key sets (linear when there is one)
        return groups

    def _pairs_of(self, keys: tuple[str, ...]) -> tuple[Pair, ...]:
        known = self._pairs.get(keys)
        if known is None:
            known = tuple(
                (key, label_for(key, keys)) for key in keys if key.endswith(METADATA_SUFFIX)
            )
            if len(self._pairs) < MAX_SHAPES:
                self._pairs[keys] = known
        return known

    # -- Ground Truth's input limits --------------------------------------------------------

    def _limits(
        self, numbers: Sequence[int], lines: list[bytes], tops: list[Top | None], found: Found
    ) -> None:
        for i in compress(count(), map(gt, map(len, lines), repeat(ATTRIBUTE_LIMIT))):
            line, top = lines[i], tops[i]
            if top is None or not _for_groundtruth(top):
                continue
            chars = len(jsonline.body_of(line).decode("utf-8", "replace"))
            if chars > LINE_LIMIT:
                message = f"the line is {chars:,} characters long; Ground Truth reads at most {LINE_LIMIT:,}"
                self.add(found, i, numbers[i], None, "AM412", message)
            for key, raw in top.items():
                if len(raw) > ATTRIBUTE_LIMIT:
                    size = len(bytes(raw).decode("utf-8", "replace"))
                    if size > ATTRIBUTE_LIMIT:
                        message = f"{key} is {size:,} characters long; Ground Truth reads at most {ATTRIBUTE_LIMIT:,}"
                        self.add(found, i, numbers[i], key_column(line, key), "AM413", message, key)

    def add(
        self,
        found: Found,
        index: int,
        line_no: int,
        column: int | None,
        code: str,
        message: str,
        attribute: str | None = None,
    ) -> None:
        rule = RULES[code]
        finding = Finding(
            self.source, line_no, column, code, rule.severity, message, rule.hint, attribute
        )
        found.setdefault(index, []).append(finding)


class _Pair:
    """One metadata key's column over the lines of a chunk that have it."""

    def __init__(
        self,
        checker: LabelChecker,
        pair: Pair,
        where: list[int],
        numbers: Sequence[int],
        lines: list[bytes],
        tops: list[Top | None],
        found: Found,
    ) -> None:
        self.checker, self.where, self.found = checker, where, found
        self.meta_key, self.label_key = pair
        self.numbers, self.lines = numbers, lines
        self.tops: list[Top] = tops  # type: ignore[assignment]  # lines of a key set are objects

    def check(self) -> None:
        values = list(map(getitem, map(self.tops.__getitem__, self.where), repeat(self.meta_key)))
        joined = _NEWLINE.join(values)
        if _MARK not in joined:
            return  # no Ground Truth type here (3D frames' source-ref-metadata, user columns)
        metas, whole, same = self.checker.metadata.decode(self.meta_key, values, joined)
        kinds = {type(metas[0])} if same else set(map(type, metas))
        # the common case: one task (its types may be spelt two ways), every value decoded
        tasks = {structs.TAGGED.get(kind) for kind in kinds}
        self.checker.metadata.learn(self.meta_key, next(iter(tasks)) if len(tasks) == 1 else None)
        if whole and len(tasks) == 1:
            task = tasks.pop()
            assert task is not None  # every value decoded
            if self.label_key is None:
                for index in self.where:
                    self.unpaired(index)
            else:
                self.check_labels(task, self.where, metas, same)
            return
        of = list(map(structs.TAGGED.get, map(type, metas)))
        for j in compress(count(), map(is_, metas, repeat(None))):
            self.exact(self.where[j])
        if self.label_key is None:
            for j in compress(count(), of):
                self.unpaired(self.where[j])
            return
        for each in {task for task in of if task is not None}:
            mine = list(map(is_, of, repeat(each)))
            self.check_labels(each, list(compress(self.where, mine)), list(compress(metas, mine)))

    def check_labels(
        self, task: TaskType, indexes: list[int], metas: list[Any], same_metas: bool = False
    ) -> None:
        """Check the labels of lines ``indexes``, whose metadata (``metas``) names ``task``;
        ``same_metas``: every line has the same metadata bytes."""
        label_key = self.label_key
        assert label_key is not None
        values = list(map(getitem, map(self.tops.__getitem__, indexes), repeat(label_key)))
        labels, whole, same = decode_repeated(structs.LABELS[task.name], values, None)
        if task.kind is LabelKind.ref or task.kind is LabelKind.class_id:
            labels = _CHECKS[task.kind](labels)
            whole = whole and None not in labels
        if not whole:
            for j in compress(count(), map(is_, labels, repeat(None))):
                self.exact(indexes[j])
            good = list(compress(count(), map(is_not, labels, repeat(None))))
            indexes, labels = [indexes[j] for j in good], [labels[j] for j in good]
            metas = [metas[j] for j in good]
        elif same and same_metas:  # one line stands for them all: the rules go line by line
            for _, found in column_problems(task, labels[:1], metas[:1], label_key):
                for index in indexes:
                    self.report(index, task, found, labels[0])
            return
        for j, found in column_problems(task, labels, metas, label_key):
            self.report(indexes[j], task, found, labels[j])

    # -- the exact way, one line ------------------------------------------------------------

    def exact(self, index: int) -> None:
        top, meta_key, label_key = self.tops[index], self.meta_key, self.label_key
        meta = jsontext.loads(bytes(top[meta_key]))
        if not isinstance(meta, dict) or not is_groundtruth_type(meta.get("type")):
            return
        task = task_for(meta["type"])
        if task is None:
            message = f"{meta_key}: unknown Ground Truth type {meta['type']!r}"
            self.add(index, meta_key, "AM403", message)
        if label_key is None:
            self.unpaired(index)
            return
        if task is not None:
            label = jsontext.loads(bytes(top[label_key]))
            self.report(index, task, exact_problems(task, label, meta, label_key), label)

    def unpaired(self, index: int) -> None:
        base = self.meta_key[: -len(METADATA_SUFFIX)]
        message = f"{self.meta_key} describes a label, but the line has no {base} attribute"
        self.add(index, self.meta_key, "AM404", message)

    def report(self, index: int, task: TaskType, found: list[Problem], label: Any) -> None:
        label_key = self.label_key
        assert label_key is not None
        for problem in found:
            key = self.meta_key if problem.in_metadata else label_key
            message = f"{json_path(key, problem.path)}: {problem.message} ({task.title})"
            self.add(index, key, problem.code, message)
            if problem.code == "AM409" and isinstance(label, str):
                self.check_uri(index, label_key, label)

    def check_uri(self, index: int, key: str, value: str) -> None:
        """A ``-ref`` label under another name: the value must still be an S3 URI (AM3xx
        rules check only ``-ref`` attributes)."""
        try:
            S3Uri.parse(value)
        except S3UriError as exc:
            self.add(index, key, "AM401", f"$.{key}: {exc}")

    def add(self, index: int, key: str, code: str, message: str) -> None:
        column = key_column(self.lines[index], key)
        self.checker.add(self.found, index, self.numbers[index], column, code, message, key)


def _skip(index: int) -> None:
    """Stands for the list of a key set without metadata: its lines are not kept."""


def _for_groundtruth(top: Top) -> bool:
    """A line Ground Truth reads or wrote: inline ``source`` text, or a Ground Truth label.

    Its input limits mean nothing to a training job, so other lines are not held to them.
    """
    return "source" in top or any(
        key.endswith(METADATA_SUFFIX) and _MARK in bytes(raw) for key, raw in top.items()
    )


def decode_all(
    decoders: Sequence[msgspec.json.Decoder[Any]], values: list[Any], joined: bytes | None
) -> tuple[list[Any], bool]:
    """:func:`decode_column`, and whether every value decoded (no None among them)."""
    try:
        return decoders[0].decode_lines(_NEWLINE.join(values) if joined is None else joined), True
    except _ERRORS:
        decoded = decode_column(decoders, values, joined)
        return decoded, not any(map(is_, decoded, repeat(None)))


class MetadataCache:
    """Metadata Structs kept by raw value, across chunks: a manifest repeats its metadata
    (one job, a few class maps), and a value seen before costs a hash, not a decode.

    The Structs are shared by the lines that have the same bytes (the rules only read
    them). A column that seldom hits (a confidence a line) is decoded without the cache
    for a while: hashing every value would cost it more than it saves.
    """

    MAX_BYTES = 4 << 20  # of raw values kept; past it the cache starts again
    REST = 64  # columns of a key decoded without the cache after one that seldom hit

    def __init__(self) -> None:
        self.structs: dict[bytes, Any] = {}
        self.size = 0
        self.resting: dict[str, int] = {}
        # a key's column is tried first with the untagged Struct of the task it had last
        self.decoders: dict[str, tuple[msgspec.json.Decoder[Any], ...]] = {}

    def decode(self, key: str, values: list[Any], joined: bytes) -> tuple[list[Any], bool, bool]:
        """:func:`decode_repeated` of the ``key`` column, through the cache."""
        resting = self.resting.get(key)
        if resting or _same(joined, values):
            if resting:
                self.resting[key] = resting - 1
            return decode_repeated(self.decoders.get(key, _UNION), values, joined)
        cache = self.structs
        raws = joined.split(_NEWLINE)
        metas = list(map(cache.get, raws))
        if all(metas):  # a Struct is true, a value not cached None
            return metas, True, False
        todo = list(dict.fromkeys(compress(raws, map(not_, metas))))
        if len(todo) * 2 > len(raws):
            self.resting[key] = self.REST
        decoded, whole = decode_all(
            self.decoders.get(key, _UNION), todo, joined if len(todo) == len(raws) else None
        )
        size = sum(map(len, todo))
        if self.size + size > self.MAX_BYTES:
            cache.clear()
            self.size = 0
        new = dict(zip(todo, decoded, strict=True))
        cache.update(new if whole else {raw: m for raw, m in new.items() if m is not None})
        self.size += size
        metas = list(map(new.get, raws, metas))  # the new where there were none
        return metas, whole and all(metas), False

    def learn(self, key: str, task: TaskType | None) -> None:
        """Whether the ``key`` column had one task (decoded first with its Struct next time)."""
        if task is None:
            self.decoders.pop(key, None)
        else:
            self.decoders[key] = (structs.PLAIN[task], structs.METADATA)


_UNION = (structs.METADATA,)


def decode_repeated(
    decoders: Sequence[msgspec.json.Decoder[Any]], values: list[Any], joined: bytes | None
) -> tuple[list[Any], bool, bool]:
    """:func:`decode_all`, and whether every value is the same bytes (then decoded once).

    Metadata often is (one job, one class map): two length sums and one substring
    count over the joined column tell, without a pass in Python.
    """
    if joined is None:
        joined = _NEWLINE.join(values)
    if _same(joined, values):
        one, whole = decode_all(decoders, values[:1], None)
        return one * len(values), whole, True
    decoded, whole = decode_all(decoders, values, joined)
    return decoded, whole, False


def _same(joined: bytes, values: list[Any]) -> bool:
    """Whether ``values`` (joined by newlines, none holding one, none empty) are all alike.

    n values whose total length is n times the first's length, and n non-overlapping
    copies of the first: no copy spans a newline, a value holds at most length/L copies,
    so every value must be exactly one copy.
    """
    n = len(values)
    if n < 2:
        return False
    first = values[0]
    return len(joined) == n * (len(first) + 1) - 1 and joined.count(first) == n


def decode_column(
    decoders: Sequence[msgspec.json.Decoder[Any]], values: list[Any], joined: bytes | None
) -> list[Any]:
    """Each raw value decoded by the first of ``decoders`` that takes it; None where none does.

    The whole column is one ``decode_lines`` call a decoder; when none takes it all,
    each half is tried again, so one odd value costs a few partial decodes, not its chunk.
    """
    if joined is None:
        joined = _NEWLINE.join(values)
    for decoder in decoders:
        try:
            return decoder.decode_lines(joined)
        except _ERRORS:
            continue
    if len(values) <= SMALL:
        return [_one(decoders, value) for value in values]
    half = len(values) // 2
    return decode_column(decoders, values[:half], None) + decode_column(
        decoders, values[half:], None
    )


def _one(decoders: Sequence[msgspec.json.Decoder[Any]], value: Any) -> Any:
    for decoder in decoders:
        try:
            return decoder.decode(value)
        except _ERRORS:
            continue
    return None


def key_column(line: bytes, key: str) -> int | None:
    """The 1-based character column of the top-level key ``key`` in ``line``.

    A key written once in the line is found with one search (a quote inside a string
    is escaped, so ``"key"`` there is always a key); else the line is tokenized.
    """
    quoted = b'"' + key.encode("utf-8", "surrogatepass") + b'"'
    at = line.find(quoted)
    if at < 0 or line.count(quoted) > 1 or b"\\u" in line[:at]:
        offsets = jsonline.key_offsets(jsonline.body_of(line), key)
        if not offsets:
            return None
        at = offsets[0]
    return at + 1 if line.isascii() else len(line[:at].decode("utf-8", "replace")) + 1
