"""The preview page: one self-contained HTML file, cards drawn from :class:`Card` values.

Everything is inline (CSS, script, thumbnails as ``data:`` URIs) and a Content
Security Policy forbids the page any request at all, so it works offline and from a
CI artifact. The grid stays fast with thousands of cards: cards off screen are not
laid out or painted (``content-visibility: auto``), and the filters only flip
``hidden``. All text from the manifest is escaped.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources

from augman.checking.findings import Finding
from augman.previewing.cards import MAX_TEXT, Card
from augman.previewing.labels import Label, Span, Tag
from augman.previewing.thumbnails import Thumb, Unavailable

POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
PALETTE = (
    "#e6194b", "#2f7ed8", "#3cb44b", "#f58231", "#911eb4", "#0fa3b1", "#f032e6", "#8a6d00",
    "#008080", "#9a6324", "#800000", "#4363d8", "#469990", "#000075", "#6b7280", "#bf6c00",
)  # fmt: skip
KIND_NAMES = {
    "classification": "classification",
    "verification": "label verification",
    "multi-label": "multi-label classification",
    "bounding-box": "bounding boxes",
    "segmentation": "semantic segmentation",
    "entities": "named entities",
    "other": "not drawn",
}
MAX_CARD_FINDINGS = 20


@dataclass(frozen=True)
class Summary:
    """The page's title and its line of counts."""

    title: str
    counts: str
    file_findings: tuple[Finding, ...] = ()


class Palette:
    """One colour per class name for the whole page (a segmentation's own colours first)."""

    def __init__(self, cards: Iterable[Card]) -> None:
        self.keys: dict[str, int] = {}
        self.colours: dict[str, str] = {}
        for card in cards:
            for label in card.labels:
                for name, hex_colour in (label.colours or {}).values():
                    self.colours.setdefault(name, hex_colour)
                for tag in label.tags:
                    self.key(tag.name)

    def key(self, name: str) -> int:
        if name not in self.keys:
            self.keys[name] = len(self.keys)
            self.colours.setdefault(name, PALETTE[len(self.colours) % len(PALETTE)])
        return self.keys[name]

    def colour(self, name: str) -> str:
        self.key(name)
        return self.colours[name]


def render(summary: Summary, cards: Sequence[Card]) -> str:
    """The whole page as one string."""
    palette = Palette(cards)
    body = "".join(_card(card, palette) for card in cards)
    return "".join(
        [
            '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>augman preview: {_e(summary.title)}</title>\n",
            f"<style>\n{_asset('page.css')}</style>\n</head>\n<body>\n",
            _header(summary, cards, palette),
            f'<main class="grid">\n{body}</main>\n',
            f"<script>\n{_asset('page.js')}</script>\n</body>\n</html>\n",
        ]
    )


def _asset(name: str) -> str:
    return resources.files("augman.previewing").joinpath(name).read_text(encoding="utf-8")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


# -- the header: counts, page findings, filters, legend ---------------------------------


def _header(summary: Summary, cards: Sequence[Card], palette: Palette) -> str:
    findings = "".join(_finding(f) for f in summary.file_findings)
    return (
        '<header class="top">\n'
        f"<h1>{_e(summary.title)}</h1>\n"
        f'<p class="summary">{_e(summary.counts)}</p>\n'
        + (f'<ul class="file-findings">{findings}</ul>\n' if findings else "")
        + '<div class="controls">'
        '<label><input type="checkbox" id="only-findings"> only cards with findings</label>'
        '<label>mask opacity <input type="range" id="opacity" min="0" max="100" value="50"></label>'
        '<button type="button" id="show-all">show all</button>'
        '<span id="shown"></span></div>\n'
        f"{_legend(cards, palette)}</header>\n"
    )


def _legend(cards: Sequence[Card], palette: Palette) -> str:
    counts: dict[tuple[str, str], Counter[str]] = {}
    for card in cards:
        for label in card.labels:
            counts.setdefault((label.attribute, label.kind), Counter()).update(
                tag.name for tag in label.tags
            )
    groups = []
    for (attribute, kind), classes in counts.items():
        buttons = "".join(
            f'<button type="button" data-k="{palette.key(name)}" data-name="{_e(name)}" '
            f'style="--c:{palette.colour(name)}"><i></i>{_e(name)} <b>{count:,}</b></button>'
            for name, count in sorted(classes.items(), key=lambda item: (-item[1], item[0]))
        )
        groups.append(
            f'<div class="group"><h2>{_e(attribute)} <small>{KIND_NAMES[kind]}</small></h2>'
            f"{buttons}</div>"
        )
    return f'<section class="legend">{"".join(groups)}</section>\n'


def _finding(finding: Finding) -> str:
    where = f"{finding.line}:{finding.column}" if finding.column else f"{finding.line or ''}"
    where = f"{where} " if where else ""
    return (
        f'<li class="{finding.severity.value}" title="{_e(finding.hint or "")}">'
        f"{_e(where)}<b>{_e(finding.code)}</b> {_e(finding.message)}</li>"
    )


# -- a card --------------------------------------------------------------------------


def _card(card: Card, palette: Palette) -> str:
    keys = sorted({palette.key(tag.name) for label in card.labels for tag in label.tags})
    css = "card has-findings" if card.findings else "card"
    anchor = f"line-{card.line_no}"
    uri = (
        f'<span class="uri" title="{_e(card.image_uri)}">{_e(card.image_uri)}</span>'
        if card.image_uri
        else ""
    )
    parts = [
        f'<article class="{css}" id="{anchor}" data-k=" {" ".join(map(str, keys))} " '
        f'data-f="{len(card.findings)}">',
        f'<header><a href="#{anchor}">line {card.line_no:,}</a>{uri}</header>',
    ]
    if card.problem is not None:
        parts.append(f'<p class="problem">{_e(card.problem)}</p>')
    if card.image_uri is not None:
        parts.append(_media(card, palette))
    if card.text is not None:
        parts.append(_text(card.text, card.labels, palette))
    parts.append(_labels(card.labels, palette))
    if card.findings:
        shown = "".join(_finding(f) for f in card.findings[:MAX_CARD_FINDINGS])
        more = len(card.findings) - MAX_CARD_FINDINGS
        extra = f"<li>... {more:,} more</li>" if more > 0 else ""
        parts.append(f'<ul class="findings">{shown}{extra}</ul>')
    parts.append("</article>\n")
    return "".join(parts)


def _media(card: Card, palette: Palette) -> str:
    image = card.image
    if not isinstance(image, Thumb):
        reason = image.reason if isinstance(image, Unavailable) else "not fetched"
        return f'<div class="media missing">{_e(reason)}</div>'
    layers = [
        f'<img class="image" src="{image.data_uri()}" alt="line {card.line_no}" '
        'loading="lazy" decoding="async">'
    ]
    for attribute, mask in card.masks:
        if isinstance(mask, Thumb):
            layers.append(f'<img class="mask" src="{mask.data_uri()}" alt="{_e(attribute)}">')
        else:
            layers.append("")
    for label in card.labels:
        if label.boxes:
            size = label.image_size or (float(image.width), float(image.height))
            layers.append(_boxes(label, size, palette))
    return (
        f'<div class="media" style="aspect-ratio:{image.width}/{image.height}">'
        f"{''.join(layers)}</div>"
    )


def _boxes(label: Label, size: tuple[float, float], palette: Palette) -> str:
    width, height = size
    rects, tags = [], []
    for box in label.boxes:
        colour = palette.colour(box.tag.name)
        rects.append(
            f'<rect x="{box.left:g}" y="{box.top:g}" width="{box.width:g}" '
            f'height="{box.height:g}" stroke="{colour}" vector-effect="non-scaling-stroke"/>'
        )
        left, top = 100 * box.left / width, 100 * box.top / height
        inside = " inside" if top < 8 else ""
        tags.append(
            f'<span class="box-tag{inside}" style="left:{left:.2f}%;top:{top:.2f}%;--c:{colour}">'
            f"{_e(_tag_text(box.tag))}</span>"
        )
    svg = (
        f'<svg viewBox="0 0 {width:g} {height:g}" preserveAspectRatio="none">{"".join(rects)}</svg>'
    )
    return svg + "".join(tags)


def _tag_text(tag: Tag) -> str:
    return tag.name if tag.confidence is None else f"{tag.name} {tag.confidence:.2f}"


def _labels(labels: Sequence[Label], palette: Palette) -> str:
    rows = []
    for label in labels:
        if label.problem is not None:
            value = f'<span class="problem">{_e(label.problem)}</span>'
        else:
            badges = "".join(_badge(tag, n, palette) for tag, n in _badges(label))
            value = badges or '<span class="none">none</span>'
        rows.append(f"<dt>{_e(label.attribute)}</dt><dd>{value}</dd>")
    return f'<dl class="labels">{"".join(rows)}</dl>' if rows else ""


def _badges(label: Label) -> list[tuple[Tag, int]]:
    """Each class once: boxes and spans with their count, the others with their confidence."""
    if label.kind in ("bounding-box", "entities"):
        counts = Counter(tag.name for tag in label.tags)
        return [(Tag(name), n) for name, n in counts.items()]
    return [(tag, 1) for tag in label.tags]


def _badge(tag: Tag, count: int, palette: Palette) -> str:
    times = f" &times;{count}" if count > 1 else ""
    confidence = f" <small>{tag.confidence:.2f}</small>" if tag.confidence is not None else ""
    return (
        f'<span class="badge" style="--c:{palette.colour(tag.name)}">'
        f"{_e(tag.name)}{times}{confidence}</span>"
    )


def _text(text: str, labels: Sequence[Label], palette: Palette) -> str:
    """``source`` with each entity span highlighted; overlapping spans after the first are cut."""
    shown = text[:MAX_TEXT]
    spans = sorted((s for label in labels for s in label.spans), key=lambda s: (s.start, -s.end))
    parts, at = [], 0
    for span in _fitting(spans, len(shown)):
        start = max(span.start, at)
        if start >= span.end:
            continue
        parts.append(_e(shown[at:start]))
        parts.append(
            f'<mark style="--c:{palette.colour(span.tag.name)}">{_e(shown[start : span.end])}'
            f"<sub>{_e(span.tag.name)}</sub></mark>"
        )
        at = span.end
    parts.append(_e(shown[at:]))
    cut = f" … ({len(text) - MAX_TEXT:,} more characters)" if len(text) > MAX_TEXT else ""
    return f'<p class="text">{"".join(parts)}{_e(cut)}</p>'


def _fitting(spans: Iterable[Span], length: int) -> Iterable[Span]:
    return (s for s in spans if 0 <= s.start < s.end <= length)
