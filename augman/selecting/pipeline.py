"""``select``: filter, project, sample, shuffle, shard or split the lines of a manifest.

Every line is checked with the same line rules as ``validate``; then the steps run
in this order, each on the lines the previous one kept:

1. ``where``     keep lines for which a JMESPath expression is truthy
2. ``attrs``     project each line onto those keys, in that order, written compactly
3. ``sample`` / ``fraction``   exactly N lines (reservoir) / each line with probability F
4. ``shuffle``   a seeded order (an 8-byte offset per line; inputs that cannot seek
                 are spooled to a temp file first)
5. ``shard`` / ``split``       every N-th line from K / a partition into named outputs
6. ``head``      stop after N lines (over all split outputs together)

Lines that are not projected pass through byte for byte (a last line without a
newline gets one). Memory stays flat except for the shuffle index and the sample.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import IO, Any, Protocol, cast

from augman.checking import didyoumean
from augman.checking.findings import Finding, FindingCollector, Severity
from augman.checking.lines import Top
from augman.checking.rules import RULES
from augman.checking.scan import Scanner
from augman.errors import DataError, UsageError
from augman.inputs.lines import MAX_LINE_BYTES, chunks
from augman.inputs.ordering import Shard, line_offsets, permutation, read_in_order
from augman.inputs.sources import CHUNK, Source, open_source
from augman.options import OnError
from augman.selecting import sampling
from augman.selecting.plan import SelectPlan
from augman.selecting.splits import Assigner, position_key, value_key
from augman.selecting.where import Where, absent_field_warning

Chunk = tuple[Sequence[int], list[bytes]]  # (line numbers, lines)
Item = tuple[int, bytes, bytes]  # (1-based line number, output line, split key or b"")
Watch = Callable[[Source], AbstractContextManager[Any]]


class Writer(Protocol):
    """Where selected lines go: anything with ``write(bytes)`` (a file, ``sys.stdout.buffer``)."""

    def write(self, data: bytes, /) -> object: ...


@dataclass(frozen=True)
class SelectResult:
    """What a ``select`` run did.

    ``findings`` are those of the skipped lines (``on_error="skip"``), at most
    ``max_findings`` of them, in line order (``findings_total`` counts them all);
    ``parts`` counts the lines written to each split output (empty without a split).
    ``warnings`` are for people: a ``--where`` field that no line read has.
    """

    lines_read: int
    lines_written: int
    skipped: int
    findings: tuple[Finding, ...]
    findings_total: int
    parts: Mapping[str, int]
    warnings: tuple[str, ...] = ()

    @property
    def empty_parts(self) -> tuple[str, ...]:
        """The split parts that got no line."""
        return tuple(name for name, count in self.parts.items() if not count)


class EmptyPartError(DataError):
    """A split part got no line (``allow_empty=False``); every part was written all the same."""

    def __init__(self, result: SelectResult) -> None:
        names = ", ".join(result.empty_parts)
        super().__init__(
            f"--split: no line went to {names} (of {result.lines_written:,} lines written)",
            "use more lines, other fractions or another --seed; --allow-empty accepts it",
        )
        self.result = result


class InvalidLineError(DataError):
    """An invalid line stopped the run (``on_error="stop"``)."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(
            f"{finding.location}: {finding.code} {finding.message}",
            "--on-error skip leaves invalid lines out and goes on; "
            "`augman validate` lists every problem",
        )
        self.finding = finding


def run(
    manifest: str,
    out: Writer | Mapping[str, Writer],
    plan: SelectPlan,
    *,
    on_error: OnError = OnError.stop,
    max_findings: int = 100,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
    max_line: int = MAX_LINE_BYTES,
) -> SelectResult:
    """Write the lines of ``manifest`` that ``plan`` selects to ``out`` (see :func:`augman.select`)."""
    outputs = _outputs_for(plan, out)
    gate = Gate(on_error is OnError.stop, max_findings)
    gate.unseen = set(plan.where.compared) if plan.where is not None else set()
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(open_source(manifest, s3_client, max_line))
        if watch is not None:
            stack.enter_context(watch(source))
        parts: dict[str, int] = {}
        if _passes_lines_through(plan) and not isinstance(outputs, Mapping):
            written = _write_runs(source, plan, gate, outputs)
        else:
            items = _pipeline(plan, _chunks(source, plan, stack), source.name, gate)
            written, parts = _write(items, plan, outputs)
    findings, total = gate.findings()
    absent = sorted(gate.unseen) if gate.read > gate.skipped else []
    warnings = tuple(map(absent_field_warning, absent))
    return SelectResult(gate.read, written, gate.skipped, findings, total, parts, warnings)


def _outputs_for(
    plan: SelectPlan, out: Writer | Mapping[str, Writer]
) -> Writer | Mapping[str, Writer]:
    if plan.split is None:
        if isinstance(out, Mapping):
            raise UsageError("out is a mapping of writers, but no split was asked for")
        return out
    if not isinstance(out, Mapping) or set(out) != set(plan.split.names):
        raise UsageError("with a split, out must map each part name to a writer")
    return out


class Gate:
    """What happens to an invalid line: stop the run, or skip it and remember why."""

    def __init__(self, stop: bool, max_findings: int) -> None:
        self.stop = stop
        self.collector = FindingCollector(max_findings)
        self.read = 0
        self.skipped = 0
        self.unseen: set[str] = set()  # --where's compared fields that no line read had yet

    def reject(self, findings: Sequence[Finding]) -> None:
        if self.stop:
            raise InvalidLineError(findings[0])
        self.skipped += 1
        self.collector.extend(list(findings))

    def findings(self) -> tuple[tuple[Finding, ...], int]:
        """The kept findings in line order, and how many there were in all."""
        kept = sorted(self.collector.kept, key=lambda f: f.line or 0)
        return tuple(kept), sum(self.collector.counts.values())


# -- lines in -----------------------------------------------------------------------


def _chunks(source: Source, plan: SelectPlan, stack: contextlib.ExitStack) -> Iterator[Chunk]:
    """(line numbers, lines) chunks in file order, or in the seeded shuffle order."""
    if not plan.shuffle or plan.sample is not None:  # a sample is shuffled after it is drawn
        first = 1
        for lines in source.chunks():
            yield range(first, first + len(lines)), lines
            first += len(lines)
        return
    stream = source.stream if source.path else stack.enter_context(_spooled(source.stream))
    offsets = line_offsets(stream, source.max_line)
    order = permutation(len(offsets), plan.seed)
    for chunk in chunks(read_in_order(stream, offsets, order, source.max_line)):
        numbers, texts = zip(*chunk, strict=True)
        yield numbers, list(texts)


@contextlib.contextmanager
def _spooled(stream: IO[bytes]) -> Iterator[IO[bytes]]:
    """A copy of ``stream`` in an anonymous temp file (gone when closed, or at exit)."""
    with tempfile.TemporaryFile(prefix="augman-select-") as spool:
        shutil.copyfileobj(stream, spool, CHUNK)
        spool.seek(0)
        yield spool


# -- lines as they are: runs of good lines written at once ------------------------------


def _passes_lines_through(plan: SelectPlan) -> bool:
    """Whether the plan keeps lines as they are, in file order (only ``head`` and ``shard``)."""
    return (
        plan.where is None and plan.projection is None and plan.fraction is None
        and plan.sample is None and not plan.shuffle and plan.split is None
    )  # fmt: skip


def _write_runs(source: Source, plan: SelectPlan, gate: Gate, out: Writer) -> int:
    """:func:`_pipeline` and :func:`_write` for such a plan: each run of good lines in one write.

    Counts ``gate.read`` as the line-by-line path does: the lines taken until ``head``.
    """
    scanner, written, position = Scanner(source.name), 0, 0
    remaining = plan.head
    if remaining == 0:
        return 0
    for scan in scanner.scan_chunks(source.chunks()):
        for start, end, bad in scan.segments():
            run, read = _taken(scan.lines[start:end], position, plan.shard, remaining)
            position += end - start
            gate.read += read
            if run:
                run[-1] = _ended(run[-1])
                out.write(b"".join(run))
                written += len(run)
            if remaining is not None:
                remaining -= len(run)
                if remaining == 0:
                    return written
            if bad is not None:
                gate.read += 1
                gate.reject(scan.errors(bad))
    return written


def _taken(
    run: list[bytes], position: int, shard: Shard | None, head: int | None
) -> tuple[list[bytes], int]:
    """The lines of a run that the shard keeps, up to ``head``, and how many lines that reads.

    ``position`` is the run's first line's place among the good lines (shards count those).
    """
    first, step = (0, 1) if shard is None else ((shard.index - position) % shard.count, shard.count)
    kept = run[first::step]
    if head is None or len(kept) < head:
        return kept, len(run)
    return kept[:head], first + (head - 1) * step + 1


# -- the steps ------------------------------------------------------------------------


def _pipeline(plan: SelectPlan, cut: Iterable[Chunk], source: str, gate: Gate) -> Iterator[Item]:
    checked = _checked(cut, source, gate)
    if plan.where is not None:
        checked = _matching(checked, plan.where, source, gate.unseen)
    items = _shaped(checked, plan, source, gate)
    if plan.fraction is not None:
        keeps = plan.fraction.keeps
        items = (item for item in items if keeps(item[0]))
    if plan.sample is not None:
        items = _sampled(items, plan.sample, plan.seed, plan.shuffle)
    return items


def _checked(cut: Iterable[Chunk], source: str, gate: Gate) -> Iterator[tuple[int, bytes, Top]]:
    """Valid lines with their top-level object; invalid ones go to the gate.

    Shuffled lines come out of order, which the per-line rules allow; only the
    whole-file rules need order, and select does not apply them.
    """
    scanner = Scanner(source)
    for numbers, texts in cut:
        scan = scanner.scan(numbers, texts)
        tops = cast("list[Top]", scan.tops)
        for start, end, bad in scan.segments():
            for item in zip(numbers[start:end], texts[start:end], tops[start:end], strict=True):
                gate.read += 1  # counted as taken: with --head, the rest is never read
                yield item
            if bad is not None:
                gate.read += 1
                gate.reject(scan.errors(bad))


def _matching(
    items: Iterable[tuple[int, bytes, Top]], where: Where, source: str, unseen: set[str]
) -> Iterator[tuple[int, bytes, Top]]:
    """The lines the expression keeps; ``unseen`` loses each compared field a line has."""
    matches = where.matches
    for item in items:
        if unseen:
            unseen.difference_update(item[2])
        if matches(item[1], item[2], source, item[0]):
            yield item


def _shaped(
    items: Iterable[tuple[int, bytes, Top]], plan: SelectPlan, source: str, gate: Gate
) -> Iterator[Item]:
    """Each line as it will be written (projected, or as it was) with its split key."""
    projection, key = plan.projection, plan.split_key
    if projection is None and key is None:
        for line_no, line, _ in items:
            yield line_no, _ended(line), b""
        return
    needed = (projection.attrs if projection else ()) + ((key,) if key else ())
    for line_no, line, top in items:
        missing = next((attr for attr in needed if attr not in top), None)
        if missing is not None:
            gate.reject([_missing(source, line_no, missing, top)])
            continue
        text = projection.line(top) if projection else _ended(line)
        yield line_no, text, value_key(top[key]) if key else b""


def _ended(line: bytes) -> bytes:
    """The line with a newline at its end (a last line may lack one)."""
    return line if line[-1:] == b"\n" else line + b"\n"


def _missing(source: str, line_no: int, attr: str, top: Top) -> Finding:
    rule = RULES["AM201"]
    message = didyoumean.missing_message(attr, list(top))
    return Finding(source, line_no, None, rule.code, Severity.error, message, rule.hint, attr)


def _sampled(items: Iterable[Item], size: int, seed: int, shuffle: bool) -> Iterator[Item]:
    """Exactly ``size`` items (or all, if fewer), uniformly: one pass, reservoir sampling."""
    reservoir = sampling.reservoir(items, size, seed)
    if shuffle:
        random.Random(f"augman:sample-order:{seed}").shuffle(reservoir)
    else:
        reservoir.sort(key=lambda item: item[0])
    yield from reservoir


# -- lines out --------------------------------------------------------------------------


def _write(
    items: Iterator[Item], plan: SelectPlan, out: Writer | Mapping[str, Writer]
) -> tuple[int, dict[str, int]]:
    """Shard or split, then head; return the lines written and the count per split part."""
    if plan.shard is not None:
        keeps = plan.shard.keeps  # the rule stream --shard uses, counted on the lines that get here
        items = (item for position, item in enumerate(items) if keeps(position))
    if plan.head is not None:
        items = itertools.islice(items, plan.head)
    if plan.split is not None and isinstance(out, Mapping):
        parts = _write_split(items, Assigner(plan.split, plan.seed), out, plan.split_key is None)
        return sum(parts.values()), parts
    assert not isinstance(out, Mapping)
    write, written = out.write, 0
    for item in items:
        write(item[1])
        written += 1
    return written, {}


def _write_split(
    items: Iterable[Item], assigner: Assigner, outs: Mapping[str, Writer], by_position: bool
) -> dict[str, int]:
    parts = dict.fromkeys(assigner.names, 0)
    writes = {name: outs[name].write for name in assigner.names}
    for line_no, line, key in items:
        name = assigner.part(position_key(line_no) if by_position else key)
        writes[name](line)
        parts[name] += 1
    return parts
