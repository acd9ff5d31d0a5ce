"""``stream``: exactly the bytes SageMaker Pipe mode puts on a channel's pipe.

For each line (in manifest order, or each epoch's seeded shuffle), after the same
checks ``validate`` makes, one record per attribute of AttributeNames, in that
order: a ``-ref`` attribute's object bytes, any other attribute's value encoded by
:mod:`augman.streaming.encoding`; RecordIO-framed or back to back (:mod:`augman.streaming.framing`).
A bad line is judged before any of its records is written: it stops the stream
on a record boundary (``on_error="stop"``) or is skipped and counted (``"skip"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from augman.checking.attrnames import check_attribute_names
from augman.checking.findings import Finding
from augman.checking.lines import Top
from augman.checking.scan import ChunkScan
from augman.errors import AugmanError, UsageError
from augman.inputs.lines import MAX_LINE_BYTES
from augman.inputs.ordering import Shard
from augman.options import OnError, ValueEncoding, Wrap
from augman.outputs.sinks import EpochEnded, Sink
from augman.recordio.codec import RecordTooLarge
from augman.refs.objects import Resolver
from augman.streaming import columns
from augman.streaming.encoding import ENCODINGS, Encoder, is_ref
from augman.streaming.epochs import EpochLines
from augman.streaming.framing import Framer
from augman.streaming.reflines import Prefetch, RecordPlan, RefLoop, make_fetcher, too_large
from augman.streaming.verdicts import BadLine, EpochChecks, Verdicts


@dataclass(frozen=True)
class StreamResult:
    """What a finished stream wrote and what it met on the way.

    ``skipped`` counts the distinct lines left out by ``on_error="skip"``;
    ``skipped_findings`` holds the errors of the first of them. ``file_findings``
    are errors about the whole manifest (an empty manifest); ``warnings`` counts
    warnings by rule code (first epoch). ``epochs_cut`` lists the epochs whose
    reader closed its FIFO before the end.
    """

    lines: int
    records: int
    bytes: int
    epochs: int
    epochs_cut: tuple[int, ...] = ()
    skipped: int = 0
    skipped_findings: tuple[Finding, ...] = ()
    file_findings: tuple[Finding, ...] = ()
    warnings: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Nothing was skipped and the manifest as a whole is fine."""
        return not self.skipped and not self.file_findings


def run(
    manifest: str,
    sink: Sink,
    *,
    attrs: Sequence[str],
    wrap: Wrap = Wrap.recordio,
    value_encoding: ValueEncoding = ValueEncoding.text,
    epochs: int = 1,
    shuffle_seed: int | None = None,
    shard: Shard | None = None,
    on_error: OnError = OnError.stop,
    resolver: Resolver | None = None,
    concurrency: int = 16,
    s3_client: Callable[[], Any] | None = None,
    prefetch: Prefetch | None = None,
    max_line: int = MAX_LINE_BYTES,
    max_buffer: int | None = None,
) -> StreamResult:
    """Stream ``manifest`` to ``sink`` as SageMaker Pipe mode would (see :func:`augman.stream`)."""
    names = check_attribute_names(attrs)
    plan = _plan(names, value_encoding, epochs, concurrency)
    fetcher = None
    if any(encoder is None for _, encoder in plan):
        fetcher = make_fetcher(resolver, s3_client, prefetch, concurrency, max_buffer)
    totals = _Totals()
    with EpochLines(
        manifest, s3_client=s3_client, epochs=epochs, seed=shuffle_seed, shard=shard,
        max_line=max_line,
    ) as lines:  # fmt: skip
        verdicts = Verdicts(lines.name, names, on_error)
        for epoch in range(epochs):
            with sink.epoch(epoch) as output:
                framer = Framer(output, wrap is Wrap.recordio)
                try:
                    _run_epoch(lines, epoch, verdicts, plan, framer, fetcher, totals)
                except EpochEnded:
                    totals.cut.append(epoch)
                else:
                    verdicts.finish(lines.total, lines.last)
                totals.add(framer)
    return totals.result(epochs, verdicts)


def _plan(
    names: Sequence[str], value_encoding: ValueEncoding, epochs: int, concurrency: int
) -> RecordPlan:
    if epochs < 1 or concurrency < 1:
        raise UsageError("epochs and concurrency must be at least 1")
    encode = ENCODINGS[value_encoding.value]
    return tuple((name, None if is_ref(name) else encode) for name in names)


@dataclass
class _Totals:
    lines: int = 0
    records: int = 0
    bytes: int = 0
    cut: list[int] = field(default_factory=list)

    def add(self, framer: Framer) -> None:
        self.lines += framer.lines
        self.records += framer.records
        self.bytes += framer.written

    def result(self, epochs: int, verdicts: Verdicts) -> StreamResult:
        return StreamResult(
            lines=self.lines, records=self.records, bytes=self.bytes, epochs=epochs,
            epochs_cut=tuple(self.cut), skipped=len(verdicts.skipped_lines),
            skipped_findings=tuple(verdicts.skipped_findings),
            file_findings=tuple(verdicts.file_findings), warnings=dict(verdicts.warnings),
        )  # fmt: skip


def _run_epoch(
    lines: EpochLines,
    epoch: int,
    verdicts: Verdicts,
    plan: RecordPlan,
    framer: Framer,
    fetcher: RefLoop | None,
    totals: _Totals,
) -> None:
    """One epoch; on a stop, the records of the lines before it still go out."""
    checks = verdicts.for_epoch(epoch)
    try:
        if fetcher is None:
            _inline(lines.chunks(epoch, framer.flush), checks, plan, framer)
        else:
            fetcher.run(lines.epoch(epoch), checks, plan, framer)
    except AugmanError:
        framer.flush()  # the whole lines before the one that failed
        raise
    framer.flush()


def _inline(
    chunks: Iterable[tuple[Sequence[int], list[bytes]]], checks: EpochChecks, plan: RecordPlan,
    framer: Framer,
) -> None:  # fmt: skip
    """The stream when no attribute is a ``-ref``: runs of good lines framed a chunk at a time.

    From a pipe, a chunk holds the lines that have arrived, and the framer is flushed
    before each read that may wait: records leave as soon as their line is in.
    """
    encoders = [(attr, encode) for attr, encode in plan if encode is not None]
    for numbers, texts in chunks:
        scan = checks.scan(numbers, texts)
        for start, end, bad in scan.segments():
            if end > start:
                _frame_run(scan, start, end, checks.source, encoders, framer)
            if bad is not None:
                checks.reject(scan.numbers[bad], first=framer.lines == 0)


def _frame_run(
    scan: ChunkScan, start: int, end: int, source: str,
    encoders: list[tuple[str, Encoder]], framer: Framer,
) -> None:  # fmt: skip
    """Frame lines ``[start, end)`` of a chunk, all of them good."""
    tops = cast("list[Top]", scan.tops[start:end])
    try:
        framer.add_lines(columns.frame(tops, encoders, framer.recordio), len(tops), len(encoders))
    except RecordTooLarge as exc:
        before = tops[: exc.row]  # the lines before it still go out, whole
        if before:
            framer.add_lines(
                columns.frame(before, encoders, framer.recordio), len(before), len(encoders)
            )
        attr = encoders[exc.column][0]
        raise too_large(source, scan.numbers[start + exc.row], attr, str(exc)) from None


__all__ = ["BadLine", "StreamResult", "run"]
