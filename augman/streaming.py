"""``stream``: exactly the bytes SageMaker Pipe mode puts on a channel's pipe.

For each line (in manifest order, or each epoch's seeded shuffle), after the same
checks ``validate`` makes, one record per attribute of AttributeNames, in that
order: a ``-ref`` attribute's object bytes, any other attribute's value encoded by
:mod:`augman.encoding`; RecordIO-framed or back to back (:mod:`augman.framing`).
A bad line is judged before any of its records is written: it stops the stream
on a record boundary (``on_error="stop"``) or is skipped and counted (``"skip"``).
"""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from augman import encoding
from augman.checks import Top
from augman.encoding import ENCODINGS, Encoder, is_ref, ref_uri
from augman.epochs import EpochLines, Lines
from augman.errors import AugmanError, DataError, UsageError
from augman.findings import Finding
from augman.framing import FLUSH_AT, WRAPS, Framer, Payload
from augman.recordio import MAGIC, MAX_LENGTH, RecordTooLarge, padding
from augman.selection import Shard
from augman.sinks import EpochEnded, Sink
from augman.verdicts import BadLine, EpochChecks, Verdicts

ON_ERROR = ("stop", "skip")

_pack = struct.Struct("<II").pack  # recordio.header, unrolled into the hot loop below
_HEADERS = [_pack(MAGIC, n) for n in range(512)]  # the common lengths, packed once
_PADDING = tuple(padding(n) for n in range(4))
Plan = tuple[tuple[str, Encoder | None], ...]  # (attribute, encoder; None for a -ref)


class Resolver(Protocol):
    """Fetches the object a ``-ref`` URI names (see :mod:`augman.refs`)."""

    def fetch(self, uri: str) -> Any: ...


Prefetch = Callable[..., Iterator[tuple[Any, Sequence[Payload]]]]


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


class RefFailed(AugmanError):
    """A ``-ref`` object could not be fetched; says which line and attribute wanted it."""

    def __init__(self, message: str, hint: str | None, exit_code: int) -> None:
        super().__init__(message, hint)
        self.exit_code = exit_code


def stream(
    manifest: str,
    sink: Sink,
    *,
    attrs: Sequence[str],
    wrap: str = "recordio",
    value_encoding: str = "text",
    epochs: int = 1,
    shuffle_seed: int | None = None,
    shard: Shard | None = None,
    on_error: str = "stop",
    resolver: Resolver | None = None,
    concurrency: int = 16,
    s3_client: Callable[[], Any] | None = None,
    prefetch: Prefetch | None = None,
) -> StreamResult:
    """Stream ``manifest`` to ``sink`` as SageMaker Pipe mode would; return a summary.

    ``manifest`` is a path, ``-`` or ``s3://bucket/key`` (gzip detected). ``attrs``
    is AttributeNames. ``wrap`` is ``recordio`` or ``none``; ``value_encoding`` a
    name in :data:`augman.encoding.ENCODINGS`. Each of ``epochs`` epochs gets the
    ``(shuffle_seed, epoch)`` order when a seed is given; ``shard`` then keeps
    every N-th line of that order. ``resolver`` fetches ``-ref`` objects
    (default: S3 through ``s3_client``), ``concurrency`` at a time, through
    ``prefetch`` (default :func:`augman.refs.prefetch`).

    Raises :class:`augman.verdicts.BadLine` at a bad line with ``on_error="stop"``
    (the output then ends with the previous line's records), and
    :class:`augman.errors.AugmanError` for run problems.
    """
    from augman.api import check_attribute_names  # api re-exports this module

    names = check_attribute_names(attrs)
    plan = _plan(names, wrap, value_encoding, on_error, epochs, concurrency)
    fetcher = None
    if any(encoder is None for _, encoder in plan):
        fetcher = _fetcher(resolver, s3_client, prefetch, concurrency)
    totals = _Totals()
    with EpochLines(
        manifest, s3_client=s3_client, epochs=epochs, seed=shuffle_seed, shard=shard
    ) as lines:
        verdicts = Verdicts(lines.name, names, on_error)
        for epoch in range(epochs):
            with sink.epoch(epoch) as output:
                framer = Framer(output, wrap)
                try:
                    _run_epoch(lines, epoch, verdicts, plan, framer, fetcher, totals)
                except EpochEnded:
                    totals.cut.append(epoch)
                else:
                    verdicts.finish(lines.total, lines.last)
                totals.add(framer)
    return totals.result(epochs, verdicts)


def _plan(
    names: Sequence[str],
    wrap: str,
    value_encoding: str,
    on_error: str,
    epochs: int,
    concurrency: int,
) -> Plan:
    if wrap not in WRAPS:
        raise UsageError(f"unknown wrap {wrap!r}", f"use one of: {', '.join(WRAPS)}")
    encode = ENCODINGS.get(value_encoding)
    if encode is None:
        raise UsageError(
            f"unknown value encoding {value_encoding!r}", f"use one of: {', '.join(ENCODINGS)}"
        )
    if on_error not in ON_ERROR:
        raise UsageError(f"on_error must be one of {', '.join(ON_ERROR)}, not {on_error!r}")
    if epochs < 1 or concurrency < 1:
        raise UsageError("epochs and concurrency must be at least 1")
    return tuple((name, None if is_ref(name) else encode) for name in names)


@dataclass
class _Totals:
    lines: int = 0
    records: int = 0
    bytes: int = 0
    cut: list[int] = field(default_factory=list)

    def add(self, framer: Framer) -> None:
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
    plan: Plan,
    framer: Framer,
    fetcher: _Fetcher | None,
    totals: _Totals,
) -> None:
    """One epoch; on a stop, the records of the lines before it still go out."""
    checks = verdicts.for_epoch(epoch)
    try:
        if fetcher is None:
            totals.lines += _inline(lines.epoch(epoch, framer.flush), checks, plan, framer)
        else:
            totals.lines += fetcher.run(lines.epoch(epoch), checks, plan, framer)
    except AugmanError:
        framer.flush()  # the whole lines before the one that failed
        raise
    framer.flush()


def _inline(lines: Lines, checks: EpochChecks, plan: Plan, framer: Framer) -> int:
    """The hot loop when no attribute is a ``-ref``: no fetching, no threads.

    Framing is written out here rather than called per record: this loop runs
    once per line of the manifest, and calls are what costs in it.
    """
    check, found, judge = checks.checker.check, checks.found, checks.judge
    buffer, flush, recordio = framer.buffer, framer.flush, framer.recordio
    encoders = [(attr, encode) for attr, encode in plan if encode is not None]
    count = 0
    for line_no, line in lines:
        top = check(line_no, line)
        if found:
            top = judge(line_no, top)
            if top is None:
                checks.reject(line_no)
                continue
        assert top is not None
        start = len(buffer)
        for attr, encode in encoders:
            payload = encode(bytes(top[attr]))
            if recordio:
                length = len(payload)
                if length > MAX_LENGTH:
                    del buffer[start:]
                    detail = f"payload of {length:,} bytes exceeds the RecordIO limit of {MAX_LENGTH:,} bytes"
                    raise _too_large(checks.source, line_no, attr, detail)
                buffer += _HEADERS[length] if length < 512 else _pack(MAGIC, length)
                buffer += payload
                buffer += _PADDING[length & 3]
            else:
                buffer += payload
        count += 1
        if len(buffer) >= FLUSH_AT:
            flush()
    framer.records += count * len(encoders)
    return count


def _too_large(source: str, line_no: int, attr: str, detail: str) -> AugmanError:
    return DataError(
        f"{source}:{line_no}: {attr}: {detail}",
        "SageMaker cannot frame a record this large; use --wrap none or make the value smaller",
    )


class _Item(NamedTuple):
    line_no: int
    top: Top | None
    uris: tuple[str, ...]


class _Fetcher:
    """The loop for manifests with ``-ref`` attributes: fetches ahead, writes in order."""

    def __init__(self, resolver: Resolver, prefetch: Prefetch, concurrency: int) -> None:
        self.resolver = resolver
        self.prefetch = prefetch
        self.concurrency = concurrency

    def run(self, lines: Lines, checks: EpochChecks, plan: Plan, framer: Framer) -> int:
        refs = tuple(attr for attr, encoder in plan if encoder is None)
        pending: deque[_Item] = deque()  # fed to prefetch, not yet back: to name a failure
        items = self.prefetch(
            _feed(lines, checks, refs, pending), _uris, self.resolver,
            concurrency=self.concurrency,
        )  # fmt: skip
        count = 0
        try:
            for item, fetched in items:
                pending.popleft()
                if item.top is None:
                    checks.reject(item.line_no)
                    continue
                _write_line(item, fetched, plan, framer, checks.source)
                count += 1
                # Out with each line: the next may wait for S3, and a write is cheap next to it.
                framer.flush()
        except AugmanError as exc:
            framer.rollback()
            raise _located(exc, pending, refs, checks.source) from None
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        return count


def _feed(
    lines: Lines, checks: EpochChecks, refs: tuple[str, ...], pending: deque[_Item]
) -> Iterator[_Item]:
    """Checked lines for prefetch; a bad line travels as an item without an object."""
    for line_no, line in lines:
        top = checks.check(line_no, line)
        if top is None:
            item = _Item(line_no, None, ())
        else:
            item = _Item(line_no, top, tuple(ref_uri(bytes(top[attr])) for attr in refs))
        pending.append(item)
        yield item
        if top is None and checks.stops:
            return


def _uris(item: _Item) -> tuple[str, ...]:
    return item.uris


def _write_line(
    item: _Item, fetched: Sequence[Payload], plan: Plan, framer: Framer, source: str
) -> None:
    assert item.top is not None
    objects = iter(fetched)
    attr = ""
    try:
        for attr, encode in plan:
            if encode is None:
                framer.add_payload(next(objects))
            else:
                framer.add(encode(bytes(item.top[attr])))
    except RecordTooLarge as exc:
        raise _too_large(source, item.line_no, attr, str(exc)) from None
    framer.end_line()


def _located(
    exc: AugmanError, pending: Iterable[_Item], refs: Sequence[str], source: str
) -> AugmanError:
    """Name the line and attribute of a failed fetch in its message."""
    uri = getattr(exc, "uri", None)
    if uri is None:
        return exc
    for item in pending:
        if uri in item.uris:
            where = f"{source}:{item.line_no}: {refs[item.uris.index(uri)]}"
            return RefFailed(f"{where}: {exc.message}", exc.hint, exc.exit_code)
    return exc


def _fetcher(
    resolver: Resolver | None,
    s3_client: Callable[[], Any] | None,
    prefetch: Prefetch | None,
    concurrency: int,
) -> _Fetcher:
    if resolver is None or prefetch is None:
        from augman import refs  # type: ignore[attr-defined]  # merged from the refs branch

        resolver = resolver or refs.Resolver(s3_client=s3_client)
        prefetch = prefetch or refs.prefetch
    return _Fetcher(resolver, prefetch, concurrency)


__all__ = ["ENCODINGS", "BadLine", "StreamResult", "encoding", "stream"]
