"""``augman stats``: one pass over a manifest, folded into a frozen :class:`Stats` value.

The module is ``statistics`` and the public function :func:`augman.api.stats`
(re-exported as ``augman.stats``): a submodule named ``augman.stats`` would
replace that function on the package as soon as it was imported.

Each line goes through :class:`augman.checking.scan.Scanner`, the same checks as
``augman validate``; a line it cannot use is counted as invalid, with its rule
code. What depends only on a line's key set (which attributes are tracked, which
keys are labels and refs, whether the line has every ``--attrs`` name) is worked
out once per key set. Label values and metadata are decoded only for label
attributes. Memory is bounded by the caps in :mod:`augman.statistics.tallies` plus 12 bytes
per distinct ``-ref`` URI (see :mod:`augman.statistics.seen`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import msgspec

from augman.checking.findings import Finding
from augman.checking.lines import MAX_SHAPES, Top
from augman.checking.scan import Scanner
from augman.inputs.lines import chunks
from augman.inputs.sources import Source
from augman.statistics.labels import LabelFold, LabelStats, decode_metadata
from augman.statistics.refstats import RefFold, RefStats
from augman.statistics.tallies import BATCH, MAX_KEYS

TYPES = ("string", "number", "object", "array", "boolean", "null")


def _type_table() -> bytes:
    """The first byte of a JSON value -> its index in TYPES."""
    table = bytearray(256)
    for chars, index in (
        (b'"', 0),
        (b"-0123456789", 1),
        (b"{", 2),
        (b"[", 3),
        (b"tf", 4),
        (b"n", 5),
    ):
        for char in chars:
            table[char] = index
    return bytes(table)


_TYPE_OF = _type_table()
INVALID_EXAMPLES = 10  # invalid lines listed with their rule code
MAX_SECTIONS = 100  # label attributes, and -ref attributes, each reported in full
METADATA = "-metadata"


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
    """Folds the lines of one manifest into a :class:`Stats`; call :meth:`add` in order."""

    def __init__(self, source: str, attrs: Sequence[str] | None = None) -> None:
        self.source = source
        self.attrs = tuple(attrs) if attrs else None
        self.scanner = Scanner(source, self.attrs)
        self.lines = self.valid = self.bytes = self.samples = self.untracked = 0
        self.last_line = b""
        self.findings: dict[str, int] = {}
        self.invalid: list[InvalidExample] = []
        self.types: dict[str, list[int]] = {name: [0] * len(TYPES) for name in self.attrs or ()}
        self.labels: dict[str, LabelFold] = {}
        self.refs: dict[str, RefFold] = {}
        self._plans: dict[tuple[str, ...], _KeySetPlan] = {}

    def add(self, line_no: int, line: bytes) -> None:
        """Add one line; lines must come in file order."""
        self.add_chunk(line_no, [line])

    def add_chunk(self, first: int, lines: list[bytes]) -> None:
        """Add consecutive lines numbered from ``first``, in file order."""
        scan = self.scanner.scan(range(first, first + len(lines)), lines)
        for found in scan.findings.values():
            for finding in found:
                self.findings[finding.code] = self.findings.get(finding.code, 0) + 1
        self.bytes += sum(map(len, lines))
        for line_no, top in enumerate(scan.tops, first):
            if not line_no % BATCH:
                self._flush()
            if top is None:
                self._add_invalid(line_no, scan.findings.get(line_no - first))
            else:
                self._fold(line_no, top)
        self.lines, self.last_line = first + len(lines) - 1, lines[-1]

    def _fold(self, line_no: int, top: Top) -> None:
        self.valid += 1
        keys = tuple(top)
        plan = self._plans.get(keys) or self._plan(keys)
        self.samples += plan.complete
        self.untracked += plan.untracked
        for key, counts in plan.tracked:
            counts[_TYPE_OF[bytes(top[key])[0]]] += 1
        for label, meta_key in plan.labels:
            self._add_label(line_no, label, top[label], top[meta_key])
        for key, fold in plan.refs:
            fold.add(line_no, top[key])

    def _flush(self) -> None:
        # the counters buffer values and count them in bulk; this bounds their buffers
        for label in self.labels.values():
            label.flush()
        for ref in self.refs.values():
            ref.flush()

    def _add_invalid(self, line_no: int, found: list[Finding] | None) -> None:
        if found and len(self.invalid) < INVALID_EXAMPLES:
            finding = found[-1]  # for an unusable line, the last finding says why
            self.invalid.append(InvalidExample(line_no, finding.code, finding.message))

    def _add_label(self, line_no: int, label: str, value: msgspec.Raw, meta: msgspec.Raw) -> None:
        decoded = decode_metadata(bytes(meta))
        if decoded is None:
            return
        fold = self.labels.get(label)
        if fold is None:
            if len(self.labels) >= MAX_SECTIONS:
                self.untracked += 1
                return
            fold = self.labels[label] = LabelFold(label)
        fold.add(line_no, bytes(value), decoded)

    def _plan(self, keys: tuple[str, ...]) -> _KeySetPlan:
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

    def _remember(self, keys: tuple[str, ...], plan: _KeySetPlan) -> _KeySetPlan:
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
            self.findings[finding.code] = self.findings.get(finding.code, 0) + 1
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

    The ``X-ref`` form covers the developer guide's ``city-streets-metadata``
    next to ``city-streets-ref`` (spec 5.2).
    """
    present = set(keys)
    pairs = []
    for key in keys:
        if key.endswith(METADATA) and len(key) > len(METADATA):
            base = key[: -len(METADATA)]
            if base in present:
                pairs.append((base, key))
            elif base + "-ref" in present:
                pairs.append((base + "-ref", key))
    return pairs


def collect(source: Source, attrs: Sequence[str] | None = None) -> Stats:
    """Read every line of ``source`` once and return its :class:`Stats`."""
    fold = StatsFold(source.name, attrs)
    first = 1
    for chunk in chunks(source.stream):
        fold.add_chunk(first, chunk)
        first += len(chunk)
    return fold.finish()
