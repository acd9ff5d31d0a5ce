"""Which lines a preview shows, each with the findings ``validate`` has for it.

Every line goes through the scan engine (:class:`~augman.checking.scan.Scanner`, with
the same ``attrs``), so a card lists exactly the findings of ``augman validate`` on its
line; then ``--where``, ``--sample`` (the draw of ``select --sample``) and ``--head``
choose the lines, as in ``select``. Lines that are not JSON objects are shown too
(with their findings), except under ``--where``, which needs an object to test.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from augman.checking.findings import Finding
from augman.checking.scan import Scanner
from augman.inputs.sources import Source
from augman.selecting import sampling
from augman.selecting.plan import SelectPlan


@dataclass(frozen=True)
class Picked:
    """One line to show: its number, its bytes and the findings on it."""

    line_no: int
    line: bytes
    findings: tuple[Finding, ...]


@dataclass
class Picking:
    """The lines picked, and what the whole read saw.

    ``lines_read`` counts the lines read (all of them unless ``head`` stopped the
    read); ``more`` counts lines that ``limit`` left out; ``file_findings`` are the
    findings about the whole file (read to its end only), and ``finding_lines`` the
    number of lines with findings among those read.
    """

    picked: list[Picked]
    lines_read: int = 0
    more: int = 0
    finding_lines: int = 0
    file_findings: list[Finding] = field(default_factory=list)


def pick(source: Source, plan: SelectPlan, attrs: Sequence[str] | None, limit: int) -> Picking:
    """The lines of ``source`` that ``plan`` selects: ``plan.sample``, else the first ``limit``.

    ``plan.head`` stops reading after that many lines were picked; without it the
    whole manifest is read, so whole-file findings (``AM110``, ``AM203``) are known
    and land on the cards of their lines.
    """
    scanner = Scanner(source.name, attrs)
    picking = Picking([])
    items = _matching(_lines(scanner, source, picking), plan, source.name)
    if plan.sample is not None:
        picking.picked = sampling.reservoir(items, plan.sample, plan.seed)
        picking.picked.sort(key=lambda item: item.line_no)
    else:
        count = plan.head if plan.head is not None else limit
        picking.picked = list(itertools.islice(items, count))
    if plan.head is None:
        picking.more = sum(1 for _ in items)
    if plan.head is not None and plan.sample is not None:
        picking.picked = picking.picked[: plan.head]
    if plan.head is None or plan.sample is not None:
        _attach(picking, scanner.finish())
    return picking


def _lines(scanner: Scanner, source: Source, picking: Picking) -> Iterator[tuple[Picked, Any]]:
    """Every line with its top-level object (None when it is not a JSON object)."""
    for scan in scanner.scan_chunks(source.chunks()):
        picking.lines_read += len(scan.lines)
        picking.finding_lines += len(scan.findings)
        for index, (line_no, line) in enumerate(zip(scan.numbers, scan.lines, strict=True)):
            found = tuple(scan.findings.get(index, ()))
            yield Picked(line_no, line, found), scan.tops[index]


def _matching(
    lines: Iterator[tuple[Picked, Any]], plan: SelectPlan, source: str
) -> Iterator[Picked]:
    where = plan.where
    if where is None:
        return (item for item, _ in lines)
    return (
        item
        for item, top in lines
        if top is not None and where.matches(item.line, top, source, item.line_no)
    )


def _attach(picking: Picking, findings: list[Finding]) -> None:
    """Whole-file findings: on the card of their line when it is shown, else on the page."""
    by_line = {item.line_no: index for index, item in enumerate(picking.picked)}
    for finding in findings:
        index = by_line.get(finding.line) if finding.line is not None else None
        if index is None:
            picking.file_findings.append(finding)
            continue
        item = picking.picked[index]
        picking.picked[index] = Picked(item.line_no, item.line, (*item.findings, finding))
