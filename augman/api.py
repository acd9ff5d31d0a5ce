"""augman as a library: the functions the command-line tool calls.

They never print or exit: data problems come back as values (a :class:`Report`),
run problems as :class:`augman.errors.AugmanError` exceptions.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from augman.checking.attrnames import check_attribute_names as check_attribute_names
from augman.checking.findings import Finding, Report, SourceSummary
from augman.checking.summaries import SummarisingCollector
from augman.errors import UsageError
from augman.inputs.lines import MAX_LINE_BYTES as MAX_LINE_BYTES
from augman.options import Join, OnError, RefCheck, RefStrategy, ValueEncoding, Wrap, choice

if TYPE_CHECKING:
    from augman.checking.schemas import ContentOptions
    from augman.inputs.ordering import Shard
    from augman.inputs.sources import Source
    from augman.outputs.sinks import Sink
    from augman.previewing.build import PreviewResult, Progress
    from augman.recordio.dumping import DumpRow
    from augman.refcheck import RefCheckResult, RefUses
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
    groundtruth: bool = True,
    schema: str | Path | Mapping[str, Any] | None = None,
    attr_schemas: Mapping[str, str | Path | Mapping[str, Any]] | None = None,
    check_refs: RefCheck | str | None = None,
    refs: RefCheckOptions | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Report:
    """Check every line of each manifest; return all findings in a :class:`Report`.

    ``manifests`` are paths, ``-`` for stdin, or ``s3://bucket/key``; gzip is
    detected by its magic bytes. A folder stands for the ``*.manifest`` and ``*.jsonl``
    files (``.gz`` too) under it. ``attrs`` is the channel's AttributeNames, in
    order. ``max_findings`` keeps only the first N findings (0: all), while the
    report's counts still count every one. ``watch`` is entered around the
    reading of each source (the CLI shows a progress bar with it). ``jobs`` > 1
    (0: one per CPU) checks a large plain file in that many processes, with the
    same report as a serial run. A line over ``max_line_bytes`` bytes (64 MiB; its
    newline not counted) is read past without being held, and reported as AM115.

    ``groundtruth`` checks each Ground Truth label (an attribute ``L`` whose
    ``L-metadata.type`` names a known task type) against its built-in schema and
    rules (AM401-AM413). ``schema`` is a JSON Schema (a file, or the schema itself)
    every line must satisfy (AM440); ``attr_schemas`` maps attribute names to the
    JSON Schema of their values (AM441). A schema that cannot be read or is not
    valid raises :class:`UsageError`.

    ``check_refs`` (``all``, ``selected``: only the
    ``attrs``, ``content``: image headers too) also checks every ``-ref`` object that
    passed the syntax rules, once per distinct URI, as :func:`check_refs` does with
    ``refs`` (the file is then read in one process); the report's ``extra["refs"]``
    says how many requests that took.
    """
    from augman.checking import parallel
    from augman.inputs.sources import expand_folders, open_source

    names = check_attribute_names(attrs) if attrs is not None else None
    content = _content_options(groundtruth, schema, attr_schemas)
    manifests = expand_folders(manifests)
    collector = SummarisingCollector(max_findings)
    summaries = []
    uses = _ref_uses(check_refs, names)
    for spec in manifests:
        with open_source(spec, s3_client, max_line_bytes) as source, _watching(watch, source):
            workers = parallel.job_count(jobs, source.size or 0) if source.path else 1
            if workers > 1 and source.path and uses is None:
                lines = parallel.scan_parallel(
                    source.path, source.name, collector, names, workers, content, max_line_bytes
                )
            else:
                lines = scan(source, collector.add, names, content, uses, collector)
            summaries.append(SourceSummary(source.name, lines, source.size_read()))
    extra: dict[str, object] = {}
    if uses is not None:
        options = refs or RefCheckOptions()
        checked = _check_with(uses, options, uses.labels, names, s3_client)
        collector.extend(checked.findings)
        extra["refs"] = checked.summary.as_dict()
    return dataclasses.replace(collector.report(tuple(summaries)), extra=extra)


def validate_job(
    request: str,
    *,
    mirrors: Sequence[Mirror | str] = (),
    s3_client: Callable[[], Any] | None = None,
    manifests: bool = True,
    max_findings: int = 0,
    watch: Watch | None = None,
    groundtruth: bool = True,
    schema: str | Path | Mapping[str, Any] | None = None,
    attr_schemas: Mapping[str, str | Path | Mapping[str, Any]] | None = None,
    check_refs: RefCheck | str | None = None,
    refs: RefCheckOptions | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Report:
    """Check a CreateTrainingJob request, then the manifest of each augmented-manifest channel.

    ``request`` is a file (``-``: stdin) holding the request as boto3 and
    ``aws sagemaker create-training-job --cli-input-json`` take it, or
    DescribeTrainingJob output. Request findings (AM5xx) name the file, with the
    line and column of the node and its JSON path (``Finding.json_path``); each
    AugmentedManifestFile channel's manifest is validated with its AttributeNames
    and CompressionType, its findings named after the S3 URI, or the local file
    when one of ``mirrors`` (:class:`Mirror` or ``"s3://bucket/prefix=DIR"``) holds
    it. ``manifests=False`` checks the request alone; ``watch`` is entered around
    the reading of each manifest, as in :func:`validate`. Raises :class:`SourceError`
    when the request is not a JSON object, and :class:`AugmanError` when a manifest
    cannot be read. ``groundtruth``, ``schema`` and ``attr_schemas`` are the content
    checks of :func:`validate`, run on each manifest; ``check_refs`` and ``refs`` check
    the ``-ref`` objects of all the manifests as :func:`validate` does (``selected``:
    those of the channels' AttributeNames), each distinct URI once, a bucket outside
    the job's region (``refs.region``, else the training image's ECR region) AM310;
    ``max_line_bytes`` is the line limit, as there.
    """
    from augman.jobs.check import RefChecking, check_job

    parsed = _mirrors(mirrors)
    content = _content_options(groundtruth, schema, attr_schemas)
    checking = None
    if check_refs is not None:
        mode = choice(RefCheck, check_refs, "check_refs")
        given = refs or RefCheckOptions()
        options = dataclasses.replace(given, mirrors=parsed or given.mirrors)

        def check(uses: RefUses, streamed: Sequence[str], region: str | None) -> RefCheckResult:
            where = options if options.region else dataclasses.replace(options, region=region)
            return _check_with(uses, where, uses.labels, streamed, s3_client)

        checking = RefChecking(mode is RefCheck.selected, mode is RefCheck.content, check)
    return check_job(
        request, mirrors=parsed, s3_client=s3_client, manifests=manifests,
        max_findings=max_findings, watch=watch, content=content, refs=checking,
        max_line_bytes=max_line_bytes,
    )  # fmt: skip


def _mirrors(mirrors: Sequence[Mirror | str]) -> list[Mirror]:
    """``mirrors`` as :class:`Mirror` values (a string ``s3://bucket/prefix=DIR`` parsed)."""
    from augman import refs

    return [m if isinstance(m, refs.Mirror) else refs.Mirror.parse(m) for m in mirrors]


def _content_options(
    groundtruth: bool,
    schema: str | Path | Mapping[str, Any] | None,
    attr_schemas: Mapping[str, str | Path | Mapping[str, Any]] | None,
) -> ContentOptions:
    from augman.checking.schemas import ContentOptions, load_schema

    return ContentOptions(
        groundtruth,
        load_schema(schema) if schema is not None else None,
        tuple(
            (name, load_schema(spec, f"--attr-schema {name}={spec}"))
            for name, spec in (attr_schemas or {}).items()
        ),
    )


def scan(
    source: Source,
    emit: Callable[[Finding], None],
    attrs: Sequence[str] | None,
    content: ContentOptions | None = None,
    uses: RefUses | None = None,
    collector: SummarisingCollector | None = None,
) -> int:
    """Run every line and file rule over ``source``; return the number of lines.

    ``uses`` collects the ``-ref`` values that passed the syntax rules. With a
    ``collector``, line findings go to it (lines lacking attributes only counted
    once it holds enough of them); the whole-file findings go to ``emit``.
    """
    from augman.checking.scan import Scanner

    rules = content.build(source.name) if content is not None else ()
    scanner = Scanner(source.name, attrs, rules=rules)
    for chunk in scanner.scan_chunks(source.chunks()):
        if uses is not None:
            uses.add_chunk(source.name, chunk)
        if collector is not None:
            collector.take(chunk, source.name)
            continue
        for findings in chunk.findings.values():
            for finding in findings:
                emit(finding)
    for finding in scanner.finish():
        emit(finding)
    return scanner.lines


@dataclasses.dataclass(frozen=True)
class RefCheckOptions:
    """How ``--check-refs`` reaches the objects.

    ``mirrors`` (:class:`Mirror` or ``"s3://bucket/prefix=DIR"``) are checked as local
    files; the rest in S3, ``concurrency`` requests at a time, by ``strategy``
    (``head``, ``list``, or ``auto`` per folder). ``region`` is the job's region (a
    bucket elsewhere is a finding). ``progress(done, total)`` follows the check.
    ``formats`` are the Pillow image formats the algorithm reads, for content checks
    (None: JPEG and PNG, as the built-in image algorithms).
    """

    mirrors: Sequence[Mirror | str] = ()
    concurrency: int = 16
    strategy: RefStrategy | str = "auto"
    region: str | None = None
    progress: Callable[[int, int], None] | None = None
    formats: frozenset[str] | None = None


def check_refs(
    uses: RefUses | Iterable[tuple[str, int, str, str]],
    *,
    options: RefCheckOptions | None = None,
    content: bool = False,
    streamed: Sequence[str] | None = None,
    s3_client: Callable[[], Any] | None = None,
) -> RefCheckResult:
    """Check the objects of ``(source, line, attribute, uri)`` uses; findings at each line.

    One request at most per distinct URI. ``streamed`` names the attributes streamed
    as RecordIO records (None: not known); ``content`` reads each image's header.
    Raises :class:`S3Error` for credentials that are missing or refused.
    """
    from augman import refcheck

    if not isinstance(uses, refcheck.RefUses):
        collected = refcheck.RefUses()
        collected.extend(uses)
        uses = collected
    return _check_with(uses, options or RefCheckOptions(), content, streamed, s3_client)


def _ref_uses(check: RefCheck | str | None, attrs: Sequence[str] | None) -> RefUses | None:
    from augman import refcheck

    if check is None:
        return None
    mode = choice(RefCheck, check, "check_refs")
    if mode is RefCheck.selected and attrs is None:
        raise UsageError(
            "--check-refs=selected needs --attrs", "name the attributes whose objects to check"
        )
    only = attrs if mode is RefCheck.selected else None
    return refcheck.RefUses(only, labels=mode is RefCheck.content)


def _check_with(
    uses: RefUses,
    options: RefCheckOptions,
    content: bool,
    streamed: Sequence[str] | None,
    s3_client: Callable[[], Any] | None,
) -> RefCheckResult:
    from augman import refcheck

    return refcheck.check_refs(
        uses, s3_client=s3_client, mirrors=_mirrors(options.mirrors), concurrency=options.concurrency,
        strategy=choice(RefStrategy, options.strategy, "strategy"), content=content,
        region=options.region, streamed=streamed, progress=options.progress,
        **({"formats": options.formats} if options.formats is not None else {}),
    )  # fmt: skip


def stats(
    manifest: str,
    *,
    attrs: Sequence[str] | None = None,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Stats:
    """Read a manifest once and return its :class:`~augman.statistics.fold.Stats`.

    Attribute coverage and JSON types, Ground Truth labels (found by
    ``<label>-metadata.type``), ``-ref`` buckets, folders, extensions and repeated
    URIs, invalid lines, and ``samples``: the lines a built-in algorithm would
    count with AttributeNames ``attrs``. ``manifest`` is a path, ``-`` or
    ``s3://bucket/key`` (gzip detected); ``watch`` and ``max_line_bytes`` as in
    :func:`validate`.
    """
    from augman.inputs.sources import open_source
    from augman.statistics.fold import collect

    names = check_attribute_names(attrs) if attrs is not None else None
    with open_source(manifest, s3_client, max_line_bytes) as source, _watching(watch, source):
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
    max_line_bytes: int = MAX_LINE_BYTES,
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
    lines out and reports them (at most ``max_findings`` findings kept); a line over
    ``max_line_bytes`` (AM115) is invalid like any other. Raises
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
        max_findings=max_findings, s3_client=s3_client, watch=watch, max_line=max_line_bytes,
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
    max_line_bytes: int = MAX_LINE_BYTES,
    max_buffer: int | None = None,
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
    A line over ``max_line_bytes`` (AM115) is a bad line like any other.
    ``max_buffer`` bounds the bytes of objects fetched ahead and held in memory
    (default 64 MiB); an object of 32 MiB or more waits for its line in a
    temporary file instead, so the output never ends inside a record.

    Raises :class:`BadLine` at a bad line with ``on_error=OnError.stop`` (the output
    then ends with the previous line's records), and :class:`AugmanError` for run
    problems.
    """
    from augman import refs
    from augman.streaming import pipe

    if resolver is None and mirrors:
        resolver = refs.S3Resolver(_mirrors(mirrors), s3_client=s3_client)
    return pipe.run(
        manifest, sink, attrs=attrs, wrap=choice(Wrap, wrap, "wrap"),
        value_encoding=choice(ValueEncoding, value_encoding, "value_encoding"), epochs=epochs,
        shuffle_seed=shuffle_seed, shard=_shard(shard), on_error=choice(OnError, on_error, "on_error"),
        resolver=resolver, concurrency=concurrency, s3_client=s3_client, prefetch=prefetch,
        max_line=max_line_bytes,
        max_buffer=max_buffer,
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


def preview(
    manifest: str,
    out: str | Path | None = None,
    *,
    attrs: Sequence[str] | None = None,
    where: str | None = None,
    head: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    limit: int = 1000,
    mirrors: Sequence[Mirror | str] = (),
    resolver: Resolver | None = None,
    concurrency: int = 16,
    thumbnail_size: int = 320,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
    progress: Progress | None = None,
) -> PreviewResult:
    """Draw the labels of ``manifest`` on its data in one self-contained HTML page.

    Returns a :class:`PreviewResult` whose ``html`` is the page; with ``out`` (a
    path) the page is also written there, whole or not at all. Labels are found by
    ``<label>-metadata.type`` (classification, multi-label, bounding boxes, semantic
    segmentation, label verification, text classification, named entities), or are
    the ``attrs`` named, read by their shape. Each card shows the line number, the
    source URI and the findings of :func:`validate` (with ``attrs``) on that line.
    Lines are chosen as :func:`select` chooses them: ``where``, then ``sample``
    (seeded by ``seed``), then ``head``; otherwise the first ``limit``. Images and
    masks are read through ``mirrors`` or S3 (``resolver`` replaces both),
    ``concurrency`` at a time, and inlined as thumbnails of at most
    ``thumbnail_size`` pixels; one that cannot be fetched or decoded is a card with
    the reason. ``progress(done, total)`` is called as cards are made.
    """
    from augman import refs
    from augman.previewing import build
    from augman.selecting.plan import make_plan

    names = check_attribute_names(attrs) if attrs is not None else None
    plan = make_plan(where=where, head=head, sample=sample, seed=seed)
    if resolver is None:
        resolver = refs.S3Resolver(_mirrors(mirrors), s3_client=s3_client)
    look = build.Look(thumbnail_size, concurrency, progress)
    return build.run(
        manifest, plan, resolver, attrs=names, limit=limit, look=look, out=out,
        s3_client=s3_client, watch=watch,
    )  # fmt: skip
