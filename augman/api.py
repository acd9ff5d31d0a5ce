"""augman as a library: the functions the command-line tool calls.

They never print or exit: data problems come back as values (a :class:`Report`),
run problems as :class:`augman.errors.AugmanError` exceptions.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from augman.checking.attrnames import check_attribute_names as check_attribute_names
from augman.checking.findings import Finding, FindingCollector, Report, SourceSummary

if TYPE_CHECKING:
    from augman.inputs.sources import Source
    from augman.recordio.dumping import DumpRow as DumpRow
    from augman.recordio.dumping import dump as dump
    from augman.selecting.pipeline import SelectResult as SelectResult
    from augman.selecting.pipeline import select as select
    from augman.statistics.fold import Stats
    from augman.streaming.pipe import StreamResult as StreamResult
    from augman.streaming.pipe import stream as stream

# The commands' own modules load on first use: `augman --help` and shell completion
# then start without importing every command's machinery.
_LAZY = {
    "dump": "augman.recordio.dumping", "DumpRow": "augman.recordio.dumping",
    "select": "augman.selecting.pipeline", "SelectResult": "augman.selecting.pipeline",
    "stream": "augman.streaming.pipe", "StreamResult": "augman.streaming.pipe",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'augman.api' has no attribute {name!r}")


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
    detected by its magic bytes. ``attrs`` is the channel's AttributeNames, in
    order. ``max_findings`` keeps only the first N findings (0: all), while the
    report's counts still count every one. ``watch`` is entered around the
    reading of each source (the CLI shows a progress bar with it). ``jobs`` > 1
    (0: one per CPU) checks a large plain file in that many processes, with the
    same report as a serial run.
    """
    from augman.checking import parallel
    from augman.inputs.sources import open_source

    names = check_attribute_names(attrs) if attrs is not None else None
    collector = FindingCollector(max_findings)
    summaries = []
    for spec in manifests:
        with open_source(spec, s3_client) as source, _watching(watch, source):
            workers = parallel.job_count(jobs, source.size or 0) if source.path else 1
            if workers > 1 and source.path:
                lines = parallel.scan_parallel(source.path, source.name, collector, names, workers)
            else:
                lines = scan(source, collector.add, names)
            summaries.append(SourceSummary(source.name, lines, source.size_read()))
    collector.kept.sort(
        key=lambda f: (manifests.index(f.source) if f.source in manifests else 0, f.line or 0)
    )
    return collector.report(tuple(summaries))


def scan(source: Source, emit: Callable[[Finding], None], attrs: Sequence[str] | None) -> int:
    """Run every line and file rule over ``source``; return the number of lines."""
    from augman.checking.scan import Scanner

    scanner = Scanner(source.name, attrs)
    for chunk in scanner.scan_stream(source.stream):
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
