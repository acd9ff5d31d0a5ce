"""augman as a library: the functions the command-line tool calls.

They never print or exit: data problems come back as values (a :class:`Report`),
run problems as :class:`augman.errors.AugmanError` exceptions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from augman.checking.attrnames import check_attribute_names as check_attribute_names
from augman.checking.findings import Finding, Report, SourceSummary
from augman.checking.summaries import SummarisingCollector
from augman.options import Join, OnError, ValueEncoding, Wrap, choice

if TYPE_CHECKING:
    from augman.inputs.ordering import Shard
    from augman.inputs.sources import Source
    from augman.outputs.sinks import Sink
    from augman.recordio.dumping import DumpRow
    from augman.refs import Mirror, Resolver
    from augman.selecting.pipeline import SelectResult, Writer
    from augman.selecting.splits import Split
    from augman.statistics.fold import Stats
    from augman.streaming.pipe import StreamResult
    from augman.streaming.reflines import Prefetch

# Each command's machinery is imported inside its function: `augman --help`, shell
# completion and `import augman` then start without loading every command's modules.

Watch = Callable[["Source"], AbstractContextManager[Any]]


def validate(
    manifests: Sequence[str],
    *,
    attrs: Sequence[str] | None = None,
    max_findings: int = 0,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
    jobs: int = 1,
) -> Report:
    """Check every line of each manifest; return all findings in a :class:`Report`.

    ``manifests`` are paths, ``-`` for stdin, or ``s3://bucket/key``; gzip is
    detected by its magic bytes. A folder stands for the ``*.manifest`` and ``*.jsonl``
    files (``.gz`` too) under it. ``attrs`` is the channel's AttributeNames, in
    order. ``max_findings`` keeps only the first N findings (0: all), while the
    report's counts still count every one. ``watch`` is entered around the
    reading of each source (the CLI shows a progress bar with it). ``jobs`` > 1
    (0: one per CPU) checks a large plain file in that many processes, with the
    same report as a serial run.
    """
    from augman.checking import parallel
    from augman.inputs.sources import expand_folders, open_source

    names = check_attribute_names(attrs) if attrs is not None else None
    manifests = expand_folders(manifests)
    collector = SummarisingCollector(max_findings)
    summaries = []
    for spec in manifests:
        with open_source(spec, s3_client) as source, _watching(watch, source):
            workers = parallel.job_count(jobs, source.size or 0) if source.path else 1
            if workers > 1 and source.path:
                lines = parallel.scan_parallel(source.path, source.name, collector, names, workers)
            else:
                lines = scan(source, collector.add, names, collector)
            summaries.append(SourceSummary(source.name, lines, source.size_read()))
    return collector.report(tuple(summaries))


def scan(
    source: Source,
    emit: Callable[[Finding], None],
    attrs: Sequence[str] | None,
    collector: SummarisingCollector | None = None,
) -> int:
    """Run every line and file rule over ``source``; return the number of lines.

    With a ``collector``, line findings go to it (lines lacking attributes only
    counted once it holds enough of them); the whole-file findings go to ``emit``.
    """
    from augman.checking.scan import Scanner

    scanner = Scanner(source.name, attrs)
    for chunk in scanner.scan_stream(source.stream):
        if collector is not None:
            collector.take(chunk, source.name)
            continue
        for findings in chunk.findings.values():
            for finding in findings:
                emit(finding)
    for finding in scanner.finish():
        emit(finding)
    return scanner.lines


def stats(
    manifest: str,
    *,
    attrs: Sequence[str] | None = None,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
) -> Stats:
    """Read a manifest once and return its :class:`~augman.statistics.fold.Stats`.

    Attribute coverage and JSON types, Ground Truth labels (found by
    ``<label>-metadata.type``), ``-ref`` buckets, folders, extensions and repeated
    URIs, invalid lines, and ``samples``: the lines a built-in algorithm would
    count with AttributeNames ``attrs``. ``manifest`` is a path, ``-`` or
    ``s3://bucket/key`` (gzip detected); ``watch`` as in :func:`validate`.
    """
    from augman.inputs.sources import open_source
    from augman.statistics.fold import collect

    names = check_attribute_names(attrs) if attrs is not None else None
    with open_source(manifest, s3_client) as source, _watching(watch, source):
        return collect(source, names)


def _watching(watch: Watch | None, source: Source) -> AbstractContextManager[Any]:
    return watch(source) if watch else contextlib.nullcontext()


def select(
    manifest: str,
    out: Writer | Mapping[str, Writer],
    *,
    attrs: Sequence[str] | None = None,
    where: str | None = None,
    head: int | None = None,
    sample: int | None = None,
    fraction: float | None = None,
    seed: int = 0,
    shuffle: bool = False,
    shard: Shard | str | None = None,
    split: Split | str | None = None,
    split_key: str | None = None,
    on_error: OnError | str = OnError.stop,
    max_findings: int = 100,
    allow_empty: bool = True,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
) -> SelectResult:
    """Write the selected lines of ``manifest`` to ``out``; return what was done.

    ``manifest`` is a path, ``-`` for stdin or ``s3://bucket/key`` (gzip detected).
    ``out`` is a writer (anything with ``write(bytes)``), or with ``split`` a mapping
    from each part's name to its writer. The steps run in this order: ``where`` (a
    JMESPath expression), ``attrs`` (projection), ``sample`` or ``fraction``,
    ``shuffle``, ``shard`` or ``split``, ``head``. ``seed`` fixes every random
    choice. ``shard`` is a :class:`Shard` (or ``"K/N"``), ``split`` a :class:`Split`
    (or ``"train=0.8,validation=0.2"``); ``split_key`` keeps lines with equal values
    of that attribute in one part. ``on_error=OnError.stop`` raises
    :class:`InvalidLineError` at the first invalid line; ``skip`` leaves invalid
    lines out and reports them (at most ``max_findings`` findings kept). Raises
    :class:`UsageError` for options that do not fit together. With
    ``allow_empty=False``, a split part that got no line raises
    :class:`EmptyPartError` once every part is written (``result.empty_parts`` names
    them either way).
    """
    from augman.selecting import pipeline
    from augman.selecting.plan import make_plan

    plan = make_plan(
        attrs=attrs, where=where, head=head, sample=sample, fraction=fraction, seed=seed,
        shuffle=shuffle, shard=shard, split=split, split_key=split_key,
    )  # fmt: skip
    result = pipeline.run(
        manifest, out, plan, on_error=choice(OnError, on_error, "on_error"),
        max_findings=max_findings, s3_client=s3_client, watch=watch,
    )  # fmt: skip
    if result.empty_parts and not allow_empty:
        raise pipeline.EmptyPartError(result)
    return result


def stream(
    manifest: str,
    sink: Sink,
    *,
    attrs: Sequence[str],
    wrap: Wrap | str = Wrap.recordio,
    value_encoding: ValueEncoding | str = ValueEncoding.text,
    epochs: int = 1,
    shuffle_seed: int | None = None,
    shard: Shard | str | None = None,
    on_error: OnError | str = OnError.stop,
    mirrors: Sequence[Mirror | str] = (),
    resolver: Resolver | None = None,
    concurrency: int = 16,
    s3_client: Callable[[], Any] | None = None,
    prefetch: Prefetch | None = None,
) -> StreamResult:
    """Stream ``manifest`` to ``sink`` as SageMaker Pipe mode would; return a summary.

    ``manifest`` is a path, ``-`` or ``s3://bucket/key`` (gzip detected); ``attrs``
    is AttributeNames. For each line, one record per attribute (``wrap``: RecordIO
    records, or payloads back to back); a ``-ref`` attribute's object bytes, any
    other value by ``value_encoding``. Each of ``epochs`` epochs gets the
    ``(shuffle_seed, epoch)`` order when a seed is given; ``shard`` (a :class:`Shard`
    or ``"K/N"``) then keeps every N-th line of that order. ``-ref`` objects under a
    ``mirrors`` prefix (:class:`Mirror` or ``"s3://bucket/prefix=DIR"``) are read
    from that folder, the others from S3 through ``s3_client``, ``concurrency`` at
    a time; ``resolver`` and ``prefetch`` replace those parts (tests, other stores).

    Raises :class:`BadLine` at a bad line with ``on_error=OnError.stop`` (the output
    then ends with the previous line's records), and :class:`AugmanError` for run
    problems.
    """
    from augman import refs
    from augman.streaming import pipe

    if resolver is None and mirrors:
        parsed = [m if isinstance(m, refs.Mirror) else refs.Mirror.parse(m) for m in mirrors]
        resolver = refs.S3Resolver(parsed, s3_client=s3_client)
    return pipe.run(
        manifest, sink, attrs=attrs, wrap=choice(Wrap, wrap, "wrap"),
        value_encoding=choice(ValueEncoding, value_encoding, "value_encoding"), epochs=epochs,
        shuffle_seed=shuffle_seed, shard=_shard(shard), on_error=choice(OnError, on_error, "on_error"),
        resolver=resolver, concurrency=concurrency, s3_client=s3_client, prefetch=prefetch,
    )  # fmt: skip


def dump(
    stream: str = "-",
    *,
    attrs: Sequence[str] | None = None,
    join: Join | str = Join.concat,
    raw_dir: str | Path | None = None,
    s3_client: Callable[[], Any] | None = None,
) -> Iterator[DumpRow]:
    """Yield one :class:`DumpRow` per record of the RecordIO ``stream``, as it is read.

    ``stream`` is a path (a FIFO works), ``-`` for stdin, or ``s3://bucket/key``.
    ``attrs`` is the AttributeNames the stream was written with, which gives each
    record its line and attribute. ``join`` is how split records are joined.
    ``raw_dir`` receives each payload as a file such as ``000001-source-ref.jpg``.
    Raises :class:`CorruptStream` at a torn or corrupt record (after the rows before
    it), and :class:`DataError` when the stream ends in the middle of a line.
    """
    from augman.recordio import dumping

    return dumping.rows(
        stream, attrs=attrs, join=choice(Join, join, "join"), raw_dir=raw_dir, s3_client=s3_client
    )


def _shard(value: Shard | str | None) -> Shard | None:
    from augman.inputs.ordering import Shard

    return Shard.parse(value) if isinstance(value, str) else value
