"""``validate --jobs N``: check byte ranges of one plain file in N processes.

The file is cut into N ranges on line boundaries; each worker runs the same
:class:`~augman.checking.lines.LineChecker` over its range with line numbers relative to
the range, and returns its findings (at most the report limit), counts and key-set
tallies. The parent shifts line numbers, merges in file order and applies the
whole-file rules once, so the report is the same as a serial run's.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from augman.checking.lines import LineChecker
from augman.checking.scan import Scanner
from augman.checking.schemas import ContentOptions
from augman.checking.summaries import SummarisingCollector
from augman.inputs.lines import MAX_LINE_BYTES, range_lines, read_line

MIN_BYTES_PER_JOB = 4 << 20  # below this a worker's start-up costs more than it saves


@dataclass
class RangeResult:
    """What one worker found in its byte range (line numbers relative to the range)."""

    found: SummarisingCollector
    lines: int = 0
    last_line: bytes = b""
    checker: LineChecker | None = None  # its tallies, for LineChecker.absorb


def job_count(jobs: int, size: int) -> int:
    """How many processes to use for a file of ``size`` bytes (``jobs`` 0: one per CPU)."""
    wanted = jobs or os.cpu_count() or 1
    return max(1, min(wanted, size // MIN_BYTES_PER_JOB))


def split_ranges(path: str, parts: int, max_line: int = MAX_LINE_BYTES) -> list[tuple[int, int]]:
    """Cut the file into ``parts`` byte ranges that start at line starts."""
    size = os.path.getsize(path)
    starts = [0]
    with open(path, "rb") as handle:
        for i in range(1, parts):
            handle.seek(max(size * i // parts, starts[-1]))
            read_line(handle, max_line)  # never holds a too-long line
            starts.append(min(handle.tell(), size))
    ends = [*starts[1:], size]
    return [(a, b) for a, b in zip(starts, ends, strict=True) if b > a] or [(0, 0)]


def check_range(
    path: str,
    name: str,
    start: int,
    end: int,
    attrs: Sequence[str] | None,
    limit: int,
    content: ContentOptions | None = None,
    max_line: int = MAX_LINE_BYTES,
) -> RangeResult:
    """Check the lines of ``path`` in ``[start, end)``; runs in a worker process."""
    result = RangeResult(SummarisingCollector(limit))
    rules = content.build(name) if content is not None else ()
    scanner = Scanner(name, attrs, at_start=start == 0, rules=rules)
    with open(path, "rb") as handle:
        for chunk in scanner.scan_stream(range_lines(handle, start, end, max_line=max_line)):
            result.found.take(chunk, name)
    result.lines, result.last_line, result.checker = scanner.lines, scanner.last, scanner.checker
    return result


def scan_parallel(
    path: str,
    name: str,
    collector: SummarisingCollector,
    attrs: Sequence[str] | None,
    jobs: int,
    content: ContentOptions | None = None,
    max_line: int = MAX_LINE_BYTES,
) -> int:
    """Check ``path`` in ``jobs`` processes, collecting findings in file order; return its lines."""
    limit = collector.limit
    ranges = split_ranges(path, jobs, max_line)
    with warnings.catch_warnings(), ProcessPoolExecutor(len(ranges), mp_context=_context()) as pool:
        # fork() with threads alive warns on 3.12+; ours (a progress poller) hold no lock the
        # workers take, and fork spares library callers spawn's re-import of their __main__
        warnings.simplefilter("ignore", DeprecationWarning)
        futures = [
            pool.submit(check_range, path, name, a, b, attrs, limit, content, max_line)
            for a, b in ranges
        ]
        results = [future.result() for future in futures]
    return _merge(name, collector, attrs, results)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _merge(
    name: str,
    collector: SummarisingCollector,
    attrs: Sequence[str] | None,
    results: list[RangeResult],
) -> int:
    merged = LineChecker(name, collector.add, attrs)
    offset = 0
    for result in results:
        collector.absorb(result.found, offset)
        if result.checker is not None:
            merged.absorb(result.checker, offset)
        offset += result.lines
    merged.finish(offset, results[-1].last_line)
    return offset
