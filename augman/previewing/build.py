"""A preview from start to end: pick the lines, read their labels, fetch thumbnails, draw."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from augman import refs
from augman.inputs.sources import Source, open_source
from augman.outputs.atomicfile import atomic_output
from augman.previewing.cards import Card, card_for
from augman.previewing.page import Summary, render
from augman.previewing.picking import Picking, pick
from augman.previewing.thumbnails import Carried, Job, Thumb, Thumbnailer
from augman.refs.objects import Resolver
from augman.selecting.plan import SelectPlan

Progress = Callable[[int, int], None]  # (cards done, cards in all)
Watch = Callable[[Source], AbstractContextManager[Any]]


@dataclass(frozen=True)
class PreviewResult:
    """A preview page and what is on it.

    ``html`` is the whole page; ``cards`` the lines drawn, of ``lines_read`` read
    (``more`` were left out by the card limit); ``with_findings`` the cards with
    findings; ``unavailable`` the images and masks that could not be fetched or
    decoded (their cards say why); ``output`` the file written, if any.
    """

    html: str
    cards: int
    lines_read: int
    more: int
    with_findings: int
    unavailable: int
    output: str | None = None


@dataclass(frozen=True)
class Look:
    """How the cards are made: thumbnail size, fetch concurrency, progress callback."""

    size: int = 320
    concurrency: int = 16
    progress: Progress | None = None


def run(
    manifest: str,
    plan: SelectPlan,
    resolver: Resolver,
    *,
    attrs: Sequence[str] | None,
    limit: int,
    look: Look,
    out: str | Path | None = None,
    s3_client: Callable[[], Any] | None = None,
    watch: Watch | None = None,
) -> PreviewResult:
    """The preview page of ``manifest`` (see :func:`augman.preview`)."""
    with open_source(manifest, s3_client) as source:
        name = source.name
        with watch(source) if watch else contextlib.nullcontext():
            picking = pick(source, plan, attrs, limit)
    cards = list(fetched([card_for(item, attrs) for item in picking.picked], resolver, look))
    unavailable = sum(_unavailable(card) for card in cards)
    summary = Summary(name, _counts(picking, len(cards), unavailable), tuple(picking.file_findings))
    page = render(summary, cards)
    if out is not None:
        with atomic_output(out) as file:
            file.write(page.encode("utf-8"))
    with_findings = sum(1 for card in cards if card.findings)
    return PreviewResult(
        page, len(cards), picking.lines_read, picking.more, with_findings, unavailable,
        str(out) if out is not None else None,
    )  # fmt: skip


def fetched(cards: Sequence[Card], resolver: Resolver, look: Look) -> Iterator[Card]:
    """The cards with their image and masks, in order, fetched ``look.concurrency`` at a time."""
    thumbnailer = Thumbnailer(resolver, look.size)

    def tokens(card: Card) -> list[str]:
        if card.image_uri is None:
            return []
        jobs = [Job(card.image_uri)]
        jobs += [Job(lb.mask_uri, lb.colours, True) for lb in card.labels if lb.mask_uri]
        return [thumbnailer.ask(job) for job in jobs]

    total = len(cards)
    items = refs.prefetch(cards, tokens, thumbnailer, concurrency=look.concurrency)
    for done, (card, objects) in enumerate(items, 1):
        outcomes = [cast(Carried, fetched.chunks).outcome for fetched in objects]
        if outcomes:
            masks = [lb.attribute for lb in card.labels if lb.mask_uri]
            card = dataclasses.replace(
                card, image=outcomes[0], masks=tuple(zip(masks, outcomes[1:], strict=True))
            )
        if look.progress is not None:
            look.progress(done, total)
        yield card


def _unavailable(card: Card) -> int:
    outcomes = [card.image, *(mask for _, mask in card.masks)] if card.image_uri else []
    return sum(1 for outcome in outcomes if not isinstance(outcome, Thumb))


def _counts(picking: Picking, cards: int, unavailable: int) -> str:
    read = "lines" if picking.lines_read != 1 else "line"
    parts = [f"{cards:,} cards of {picking.lines_read:,} {read} read"]
    if picking.more:
        parts.append(
            f"{picking.more:,} more lines not shown (choose with --sample, --head, --where)"
        )
    parts.append(f"{picking.finding_lines:,} of the lines read have findings")
    if unavailable:
        parts.append(f"{unavailable:,} images could not be shown")
    return " · ".join(parts)
