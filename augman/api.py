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

from augman.errors import UsageError
from augman.findings import FindingCollector, Report, SourceSummary

if TYPE_CHECKING:
    from augman.dumping import DumpRow as DumpRow
    from augman.dumping import dump as dump
    from augman.selecting import SelectResult as SelectResult
    from augman.selecting import select as select
    from augman.sources import Source
    from augman.statistics import Stats
    from augman.streaming import StreamResult as StreamResult
    from augman.streaming import stream as stream

# The commands' own modules load on first use: `augman --help` and shell completion
# then start without importing every command's machinery.
_LAZY = {
    "dump": "augman.dumping", "DumpRow": "augman.dumping",
    "select": "augman.selecting", "SelectResult": "augman.selecting",
    "stream": "augman.streaming", "StreamResult": "augman.streaming",
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'augman.api' has no attribute {name!r}")


MAX_ATTRIBUTE_NAMES = 16
MAX_ATTRIBUTE_NAME_LENGTH = 256

Watch = Callable[["Source"], AbstractContextManager[Any]]


def check_attribute_names(attrs: Sequence[str]) -> tuple[str, ...]:
    """Apply SageMaker's limits on AttributeNames; raise :class:`UsageError` if broken."""
    names = tuple(attrs)
    if not names:
        raise UsageError(
            "AttributeNames is empty", "name at least one attribute, e.g. --attrs source-ref"
        )
    if len(names) > MAX_ATTRIBUTE_NAMES:
        raise UsageError(
            f"AttributeNames has {len(names)} names; SageMaker allows at most {MAX_ATTRIBUTE_NAMES}"
        )
    for name in names:
        if not name or len(name) > MAX_ATTRIBUTE_NAME_LENGTH:
            raise UsageError(
                f"attribute name {name[:40]!r} is {len(name)} characters long; "
                f"SageMaker allows 1 to {MAX_ATTRIBUTE_NAME_LENGTH}"
            )
    return names


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
    from augman import parallel
    from augman.sources import open_source

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


def scan(source: Source, emit: Callable[..., None], attrs: Sequence[str] | None) -> int:
    """Run every line and file rule over ``source``; return the number of lines."""
    from augman import batch
    from augman.checks import LineChecker

    checker = LineChecker(source.name, emit, attrs)
    lines, last = batch.check_lines(checker, source.stream)
    checker.finish(lines, last)
    return lines


def stats(
    manifest: str,
    *,
    attrs: Sequence[str] | None = None,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
) -> Stats:
    """Read a manifest once and return its :class:`~augman.statistics.Stats`.

    Attribute coverage and JSON types, Ground Truth labels (found by
    ``<label>-metadata.type``), ``-ref`` buckets, folders, extensions and repeated
    URIs, invalid lines, and ``samples``: the lines a built-in algorithm would
    count with AttributeNames ``attrs``. ``manifest`` is a path, ``-`` or
    ``s3://bucket/key`` (gzip detected); ``watch`` as in :func:`validate`.
    """
    from augman.sources import open_source
    from augman.statistics import collect

    names = check_attribute_names(attrs) if attrs is not None else None
    with open_source(manifest, s3_client) as source, _watching(watch, source):
        return collect(source, names)


def _watching(watch: Watch | None, source: Source) -> AbstractContextManager[Any]:
    return watch(source) if watch else contextlib.nullcontext()
