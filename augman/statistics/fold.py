"""``augman stats``: one pass over a manifest, folded into a frozen :class:`Stats` value.

The module is ``statistics`` and the public function :func:`augman.api.stats`
(re-exported as ``augman.stats``): a submodule named ``augman.stats`` would
replace that function on the package as soon as it was imported.

Each chunk of lines goes through :class:`augman.checking.scan.Scanner`, the same
checks as ``augman validate``; a line it cannot use is counted as invalid, with its
rule code. What depends only on a line's key set (which attributes are tracked,
which keys are labels and refs, whether the line has every ``--attrs`` name) is
worked out once per key set.

The usable lines of a chunk are then folded a column at a time, not a line at a
time: per attribute, the values of all the lines that hold it
(:mod:`augman.statistics.rows`), counted with C-level loops
(:mod:`~augman.statistics.columns`, :mod:`~augman.statistics.refstats`,
:mod:`~augman.statistics.labelcolumns`). Every buffer is still fed in line order,
the buffers are flushed at the same lines, and sections open in the order of
their first lines, so the result is exactly that of folding line by line (a
hypothesis test holds the two to it). Memory is bounded by the caps in
:mod:`augman.statistics.tallies` plus 12 bytes per distinct ``-ref`` URI (see
:mod:`augman.statistics.seen`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from operator import is_, is_not
from typing import Any, cast

from augman.checking.chunkrules import ChunkRule
from augman.checking.findings import Finding
from augman.checking.lines import MAX_SHAPES, Top
from augman.checking.scan import ChunkScan, Scanner
from augman.groundtruth.types import METADATA_SUFFIX, label_for
from augman.inputs.lines import bytes_in
from augman.inputs.sources import Source
from augman.statistics.columns import TYPES
from augman.statistics.groundtruth import Metadata
from augman.statistics.labelcolumns import LabelRows, add_rows
from augman.statistics.labels import LabelFold, LabelStats
from augman.statistics.metadata import MetadataDecoder
from augman.statistics.refstats import RefFold, RefStats
from augman.statistics.rows import KeySet, LabelLines, Pairs, Rows, by_name, label_lines
from augman.statistics.tallies import BATCH, MAX_KEYS

INVALID_EXAMPLES = 10  # invalid lines listed with their rule code
MAX_SECTIONS = 100  # label attributes, and -ref attributes, each reported in full


@dataclass(frozen=True)
class AttributeStats:
    """One top-level key: on how many valid lines it is, and its JSON value types."""

    name: str
    present: int
    types: Mapping[str, int]

    @property
    def ref(self) -> bool:
        return self.name.endswith("-ref")


@dataclass(frozen=True)
class InvalidExample:
    """A line that is not a usable JSON object, with the rule it breaks."""

    line: int
    code: str
    message: str


@dataclass(frozen=True)
class Stats:
    """Everything ``augman stats`` reports about one manifest.

    ``samples`` is the number of lines a built-in algorithm would count
    (``num_training_samples``): valid lines that have every ``attrs`` name, or
    every valid line when ``attrs`` is None. ``untracked_values`` counts values
    of keys beyond the first ``MAX_KEYS`` distinct key names, and label or ``-ref``
    values beyond the first ``MAX_SECTIONS`` label (or ``-ref``) attributes.
    """

    source: str
    lines: int
    valid_lines: int
    bytes: int
    invalid_examples: tuple[InvalidExample, ...]
    findings: Mapping[str, int]
    attrs: tuple[str, ...] | None
    samples: int
    attributes: Mapping[str, AttributeStats]
    untracked_values: int
    labels: Mapping[str, LabelStats]
    refs: Mapping[str, RefStats]

    @property
    def invalid_lines(self) -> int:
        return self.lines - self.valid_lines

    @property
    def records(self) -> int | None:
        """Records per epoch on the pipe: one per attribute of each counted line."""
        return self.samples * len(self.attrs) if self.attrs else None

    @property
    def counted(self) -> str:
        """What ``samples`` counts, in words."""
        if self.attrs:
            return f"JSON-object lines that have all of {', '.join(self.attrs)}"
        return "every JSON-object line (no --attrs given, so no line lacks an attribute)"


@dataclass(frozen=True)
class _KeySetPlan:
    """What a key set means for the fold, worked out once per distinct key set."""

    tracked: tuple[tuple[str, list[int]], ...]  # (key, counts per type)
    complete: bool  # has every --attrs name
    labels: tuple[tuple[str, str], ...]  # (label key, metadata key)
    refs: tuple[tuple[str, RefFold], ...]
    untracked: int


class StatsFold:
    """Folds the lines of one manifest into a :class:`Stats`; call :meth:`add` in order.

    :meth:`add_chunk` folds many lines at once, a column at a time (see the module
    docstring); :meth:`add` is the same for one line, and gives the same result.
    """

    def __init__(
        self,
        source: str,
        attrs: Sequence[str] | None = None,
        emit: Callable[[Finding], None] | None = None,
        rules: Sequence[ChunkRule] = (),
    ) -> None:
        self.source = source
        self.emit = emit  # also hand each finding on (``validate --job`` reads a manifest once)
        self.attrs = tuple(attrs) if attrs else None
        self.scanner = Scanner(source, self.attrs, rules=rules)
        self.lines = self.valid = self.bytes = self.samples = self.untracked = 0
        self.last_line = b""
        self.findings: dict[str, int] = {}
        self.invalid: list[InvalidExample] = []
        self.types: dict[str, list[int]] = {name: [0] * len(TYPES) for name in self.attrs or ()}
        self.labels: dict[str, LabelFold] = {}
        self.refs: dict[str, RefFold] = {}
        self._plans: dict[KeySet, _KeySetPlan] = {}
        self._metadata = MetadataDecoder()

    def add(self, line_no: int, line: bytes) -> None:
        """Add one line; lines must come in file order."""
        self.add_chunk(line_no, [line])

    def add_chunk(self, first: int, lines: list[bytes]) -> ChunkScan:
        """Add consecutive lines numbered from ``first``, in file order; return their scan."""
        scan = self.scanner.scan(range(first, first + len(lines)), lines)
        for found in scan.findings.values():
            for finding in found:
                self._count(finding)
        self.bytes += bytes_in(lines)
        start = 0
        for cut in range(-first % BATCH, len(lines), BATCH):  # line first + cut is a multiple
            self._fold(first, scan, start, cut)
            self._flush()  # the counters buffer values and count them in bulk; this bounds them
            start = cut
        self._fold(first, scan, start, len(lines))
        self.lines, self.last_line = first + len(lines) - 1, lines[-1]
        return scan

    def _count(self, finding: Finding) -> None:
        self.findings[finding.code] = self.findings.get(finding.code, 0) + 1
        if self.emit is not None:
            self.emit(finding)

    def _fold(self, first: int, scan: ChunkScan, start: int, end: int) -> None:
        """Fold lines ``[start, end)`` of the chunk ``scan`` (its line ``i`` is ``first + i``)."""
        tops = scan.tops[start:end]
        numbers: Sequence[int] = range(first + start, first + end)
        if None in tops:
            for index in compress(count(start), map(is_, tops, repeat(None))):
                self._add_invalid(first + index, scan.findings.get(index))
            usable = list(map(is_not, tops, repeat(None)))
            numbers, tops = list(compress(numbers, usable)), list(compress(tops, usable))
        if tops:
            self._fold_rows(Rows(numbers, cast("list[Top]", tops)))

    def _fold_rows(self, rows: Rows) -> None:
        plans = {keys: self._plans.get(keys) or self._plan(keys) for keys in rows.counts}
        self.valid += len(rows)
        for keys, n in rows.counts.items():
            self.samples += plans[keys].complete * n
            self.untracked += plans[keys].untracked * n
        self._fold_labels(rows, {keys: plan.labels for keys, plan in plans.items()})
        for name, (ref, having) in by_name({k: p.refs for k, p in plans.items()}).items():
            ref.add_column(rows.column(name, having))
        for name, (counts, having) in by_name({k: p.tracked for k, p in plans.items()}).items():
            for index, n in rows.column(name, having).type_counts():  # after the refs and labels
                counts[index] += n  # (they may have found every value of a column to be a string)

    def _flush(self) -> None:
        for label in self.labels.values():
            label.flush()
        for ref in self.refs.values():
            ref.flush()

    def _add_invalid(self, line_no: int, found: list[Finding] | None) -> None:
        if found and len(self.invalid) < INVALID_EXAMPLES:
            finding = found[-1]  # for an unusable line, the last finding says why
            self.invalid.append(InvalidExample(line_no, finding.code, finding.message))

    # -- labels ---------------------------------------------------------------------

    def _fold_labels(self, rows: Rows, pairs: Mapping[KeySet, Pairs]) -> None:
        if not any(pairs.values()):
            return
        lines = label_lines(rows, pairs)
        decoded = {label: self._metadata.decode(found.metas) for label, found in lines.items()}
        self._open_labels(rows, pairs, lines, decoded)
        for label, found in lines.items():
            metas = decoded[label]
            keep = list(map(is_not, metas, repeat(None)))  # None: the metadata names no type
            fold = self.labels.get(label)
            if fold is None:
                self.untracked += sum(keep)  # beyond MAX_SECTIONS label attributes
            elif any(keep):
                kept = LabelRows(
                    found.values.select(keep),
                    list(compress(found.metas.values, keep)),
                    cast("list[Metadata | dict[str, Any]]", list(compress(metas, keep))),
                )
                add_rows(fold, kept)

    def _open_labels(
        self,
        rows: Rows,
        pairs: Mapping[KeySet, Pairs],
        lines: Mapping[str, LabelLines],
        decoded: Mapping[str, list[Any]],
    ) -> None:
        """Open the sections of labels first found in this chunk, in the order of their lines.

        A label is found on the first line where its metadata names a type; two
        found on one line open in the order of their metadata keys on it.
        """
        firsts = []
        for label, found in lines.items():
            if label not in self.labels:
                typed = map(is_not, decoded[label], repeat(None))
                first = next(compress(found.positions, typed), None)
                if first is not None:
                    order = [pair[0] for pair in pairs[rows.keysets[first]]].index(label)
                    firsts.append((first, order, label))
        for _, _, label in sorted(firsts):
            if len(self.labels) < MAX_SECTIONS:
                self.labels[label] = LabelFold(label)

    # -- plans ----------------------------------------------------------------------

    def _plan(self, keys: KeySet) -> _KeySetPlan:
        present = set(keys)
        names = keys if self.attrs is None else tuple(a for a in self.attrs if a in present)
        tracked = tuple((name, counts) for name in names if (counts := self._counts(name)))
        ref_names = [name for name, _ in tracked if name.endswith("-ref")]
        refs = tuple((name, fold) for name in ref_names if (fold := self._ref(name)))
        return self._remember(
            keys,
            _KeySetPlan(
                tracked=tracked,
                complete=self.attrs is None or len(names) == len(self.attrs),
                labels=tuple(
                    pair
                    for pair in label_pairs(keys)
                    if self.attrs is None or pair[0] in self.attrs
                ),
                refs=refs,
                untracked=len(names) - len(tracked) + len(ref_names) - len(refs),
            ),
        )

    def _remember(self, keys: KeySet, plan: _KeySetPlan) -> _KeySetPlan:
        if len(self._plans) < MAX_SHAPES:
            self._plans[keys] = plan
        return plan

    def _counts(self, name: str) -> list[int] | None:
        counts = self.types.get(name)
        if counts is None and len(self.types) < MAX_KEYS:
            counts = self.types[name] = [0] * len(TYPES)
        return counts

    def _ref(self, name: str) -> RefFold | None:
        fold = self.refs.get(name)
        if fold is None and len(self.refs) < MAX_SECTIONS:
            fold = self.refs[name] = RefFold(name)
        return fold

    def finish(self) -> Stats:
        """Run the whole-file checks and return the frozen result."""
        for finding in self.scanner.finish_at(self.lines, self.last_line):
            self._count(finding)
        attributes = {
            name: AttributeStats(
                name, sum(counts), {t: n for t, n in zip(TYPES, counts, strict=True) if n}
            )
            for name, counts in self.types.items()
        }
        return Stats(
            source=self.source, lines=self.lines, valid_lines=self.valid, bytes=self.bytes,
            invalid_examples=tuple(self.invalid), findings=dict(sorted(self.findings.items())),
            attrs=self.attrs, samples=self.samples, attributes=attributes,
            untracked_values=self.untracked,
            labels={name: fold.freeze() for name, fold in self.labels.items()},
            refs={name: fold.freeze() for name, fold in self.refs.items()},
        )  # fmt: skip


def label_pairs(keys: Sequence[str]) -> list[tuple[str, str]]:
    """(label key, metadata key) for every ``X-metadata`` whose ``X`` (or ``X-ref``) is present.

    The pairing is the registry's (:func:`augman.groundtruth.label_for`); the ``X-ref``
    form covers the developer guide's ``city-streets-metadata`` next to
    ``city-streets-ref`` (spec 5.2). A bare ``-metadata`` describes nothing.
    """
    present = set(keys)
    return [
        (label, key)
        for key in keys
        if len(key) > len(METADATA_SUFFIX) and (label := label_for(key, present)) is not None
    ]


def collect(source: Source, attrs: Sequence[str] | None = None) -> Stats:
    """Read every line of ``source`` once and return its :class:`Stats`."""
    fold = StatsFold(source.name, attrs)
    first = 1
    for chunk in source.chunks():
        fold.add_chunk(first, chunk)
        first += len(chunk)
    return fold.finish()
