"""Which ``-ref`` URIs a manifest uses, and where: the input of ``--check-refs``.

A manifest of millions of lines may name each object once or many times. Every URI is
kept once (its text and a number); each use is 12 bytes in three arrays (the source,
line, attribute and URI numbers), so that a bad object can be reported at every line
that names it while only one request is made for it.

For content checks, two kinds of expectations are kept as well, only for the lines that
carry them: an object-detection label's ``image_size`` (the line's ``source-ref`` must
have that width and height), and a semantic-segmentation ``-ref`` label (the label PNG
must have its image's size).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from augman import jsontext
from augman.checking.findings import Finding
from augman.checking.scan import ChunkScan

IMAGE_ATTRIBUTE = "source-ref"  # the image a Ground Truth label describes
SEGMENTATION = "semantic-segmentation"
_SYNTAX_CODES = frozenset({"AM301", "AM302", "AM303", "AM304", "AM305", "AM306"})


@dataclass(frozen=True)
class Use:
    """One ``-ref`` value at one line: ``source:line``, ``attribute``, ``uri``."""

    source: str
    line: int
    attribute: str
    uri: str


@dataclass(frozen=True)
class SizeExpectation:
    """At ``source:line``, the label ``attribute`` says image ``image`` is ``width`` x ``height``."""

    use: int  # index of the image's use
    attribute: str
    width: int
    height: int


@dataclass(frozen=True)
class SameSize:
    """At the line of use ``image``, the segmentation label of use ``label`` must match it."""

    image: int
    label: int


class RefUses:
    """Every ``-ref`` use of one or more manifests, URIs interned, in manifest order.

    ``attrs`` limits the uses to those attributes (``--check-refs=selected``); None
    takes every key ending in ``-ref``. ``labels`` also keeps the content expectations.
    """

    def __init__(self, attrs: Sequence[str] | None = None, *, labels: bool = False) -> None:
        self.only = frozenset(attrs) if attrs is not None else None
        self.labels = labels
        self.uris: list[str] = []
        self._ids: dict[str, int] = {}
        self.sources: list[str] = []
        self._source_ids: dict[str, int] = {}
        self.attributes: list[str] = []
        self._attribute_ids: dict[str, int] = {}
        self._source = array("H")
        self._line = array("I")
        self._attr = array("H")
        self._uri = array("I")
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}  # keys → their -ref keys
        self.sizes: list[SizeExpectation] = []
        self.pairs: list[SameSize] = []

    def __len__(self) -> int:
        return len(self._uri)

    def add(self, source: str, line: int, attribute: str, uri: str) -> int:
        """Record one use; return its index."""
        source_id = self._source_ids.setdefault(source, len(self.sources))
        if source_id == len(self.sources):
            self.sources.append(source)
        uri_id = self._ids.setdefault(uri, len(self.uris))
        if uri_id == len(self.uris):
            self.uris.append(uri)
        attr_id = self._attribute_ids.setdefault(attribute, len(self.attributes))
        if attr_id == len(self.attributes):
            self.attributes.append(attribute)
        self._source.append(source_id)
        self._line.append(line)
        self._attr.append(attr_id)
        self._uri.append(uri_id)
        return len(self._uri) - 1

    def extend(self, uses: Iterable[Use | tuple[str, int, str, str]]) -> None:
        """Record many uses (``Use`` or ``(source, line, attribute, uri)``)."""
        for use in uses:
            if isinstance(use, Use):
                self.add(use.source, use.line, use.attribute, use.uri)
            else:
                self.add(*use)

    def use(self, index: int) -> Use:
        """The use at ``index``."""
        return Use(
            self.sources[self._source[index]],
            self._line[index],
            self.attributes[self._attr[index]],
            self.uris[self._uri[index]],
        )

    def uri_of(self, index: int) -> int:
        """The URI number of use ``index``."""
        return self._uri[index]

    def indices_of(self, uri_ids: Iterable[int]) -> Iterator[int]:
        """The uses, in order, whose URI is one of ``uri_ids``."""
        wanted = bytearray(len(self.uris))
        for uri_id in uri_ids:
            wanted[uri_id] = 1
        return compress(range(len(self._uri)), map(wanted.__getitem__, self._uri))

    # -- from the scan engine ------------------------------------------------------------

    def add_chunk(self, source: str, chunk: ChunkScan) -> None:
        """The ``-ref`` values of a scanned chunk that passed the syntax rules."""
        shapes = self._shapes
        for index, top in enumerate(chunk.tops):
            if top is None:
                continue
            keys = tuple(top)
            refs = shapes.get(keys)
            if refs is None:
                refs = shapes[keys] = self._refs_of(keys)
            if not refs:
                continue
            bad = _bad_refs(chunk.findings[index]) if index in chunk.findings else ()
            line = chunk.numbers[index]
            added = {}
            for attr in refs:
                if attr in bad:
                    continue
                raw = bytes(top[attr])
                uri = (
                    raw[1:-1].decode("utf-8", "replace")
                    if raw[:1] == b'"' and 92 not in raw
                    else _text(raw)
                )
                if uri is not None:
                    added[attr] = self.add(source, line, attr, uri)
            if self.labels and added:
                self._expectations(top, added)

    def _refs_of(self, keys: tuple[str, ...]) -> tuple[str, ...]:
        only = self.only
        return tuple(k for k in keys if k.endswith("-ref") and (only is None or k in only))

    def _expectations(self, top: Any, added: dict[str, int]) -> None:
        image = added.get(IMAGE_ATTRIBUTE)
        for key, raw in top.items():
            data = bytes(raw)
            if key.endswith("-ref") and key in added and key != IMAGE_ATTRIBUTE:
                kind = top.get(key + "-metadata")
                if image is not None and kind is not None and _is_segmentation(bytes(kind)):
                    self.pairs.append(SameSize(image, added[key]))
            elif image is not None and data[:1] == b"{" and b'"image_size"' in data:
                size = _image_size(data)
                if size is not None:
                    self.sizes.append(SizeExpectation(image, key, *size))


def _bad_refs(findings: Iterable[Finding]) -> set[str | None]:
    return {f.attribute for f in findings if f.code in _SYNTAX_CODES}


def _text(raw: bytes) -> str | None:
    if raw[:1] != b'"':
        return None
    if b"\\" not in raw:
        return raw[1:-1].decode("utf-8", "replace")
    value = jsontext.loads(raw)
    return value if isinstance(value, str) else None


def _is_segmentation(raw: bytes) -> bool:
    if SEGMENTATION.encode() not in raw:
        return False
    try:
        value = jsontext.loads(raw)
    except ValueError:
        return False
    kind = value.get("type") if isinstance(value, dict) else None
    return isinstance(kind, str) and kind.endswith(SEGMENTATION)


def _image_size(raw: bytes) -> tuple[int, int] | None:
    try:
        value = jsontext.loads(raw)
        size = value["image_size"]
        first = size[0] if isinstance(size, list) else size
        width, height = first["width"], first["height"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(width, int) and isinstance(height, int):
        return width, height
    return None
