"""The manifest of an AugmentedManifestFile channel, read once: its findings and its facts.

One pass gives the line findings (the same as ``augman validate --attrs``, named
after the S3 URI, or the local file when a ``--mirror`` holds it), every top-level
key with the number of lines that have it (for did-you-mean), the Ground Truth type
of each label attribute (from ``<label>-metadata.type``) and, when a built-in
algorithm's hyperparameters are to be checked, the :class:`~augman.statistics.fold.Stats`
they need. Without those, the manifest is only scanned, as fast as ``validate``:
the statistics (decoding every label) cost about three times as much.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from augman.checking.chunkrules import ChunkRule
from augman.checking.findings import Finding
from augman.checking.lines import Shape, Top
from augman.checking.scan import ChunkScan, Scanner
from augman.inputs.lines import MAX_LINE_BYTES
from augman.inputs.s3uri import S3Uri
from augman.inputs.sources import Source, open_source
from augman.refs import Mirror, Mirrors
from augman.statistics.fold import Stats, StatsFold, label_pairs

if TYPE_CHECKING:
    from augman.checking.schemas import ContentOptions
    from augman.refcheck import RefUses

MAX_LABEL_SHAPES = 1_000  # key sets looked at for label types
Watch = Callable[[Source], AbstractContextManager[Any]]


@dataclass(frozen=True)
class Reading:
    """How manifests are read: ``mirrors`` before S3 (through ``s3_client``); ``watch``
    entered around each (a progress bar); ``statistics``: fold the labels too;
    ``content``: the content rules ``validate`` runs; ``uses``: where the ``-ref``
    values go for ``--check-refs``."""

    mirrors: Sequence[Mirror] = ()
    s3_client: Callable[[], Any] | None = None
    watch: Watch | None = None
    statistics: bool = True
    content: ContentOptions | None = None  # Ground Truth and user schemas
    uses: RefUses | None = None  # collects the -ref values, for --check-refs
    max_line_bytes: int = MAX_LINE_BYTES  # a longer line is read past (AM115)


@dataclass(frozen=True)
class ManifestFacts:
    """What one pass over a channel's manifest found."""

    name: str
    compressed: bool
    lines: int
    bytes: int
    objects: int  # lines that are JSON objects
    keys: Mapping[str, int]
    label_types: Mapping[str, str]
    stats: Stats | None


def read_manifest(
    uri: str,
    attrs: Sequence[str],
    emit: Callable[[Finding], None],
    reading: Reading = Reading(),
) -> ManifestFacts:
    """Validate the manifest at ``uri`` with AttributeNames ``attrs``; return its facts."""
    with contextlib.ExitStack() as stack:
        source = stack.enter_context(
            open_manifest(uri, reading.mirrors, reading.s3_client, reading.max_line_bytes)
        )
        if reading.watch is not None:
            stack.enter_context(reading.watch(source))
        read = _with_stats if reading.statistics else _scanned
        return read(source, attrs, emit, reading)


def _scanned(
    source: Source, attrs: Sequence[str], emit: Callable[[Finding], None], reading: Reading
) -> ManifestFacts:
    """The line checks alone (the scan ``validate`` runs), and what they learn of the keys."""
    scanner = Scanner(source.name, attrs or None, rules=_rules(source, reading))
    labels = LabelTypes()
    size = 0
    for scan in scanner.scan_chunks(source.chunks()):
        labels.add(scan)
        if reading.uses is not None:
            reading.uses.add_chunk(source.name, scan)
        size += sum(map(len, scan.lines))
        for found in scan.findings.values():
            for finding in found:
                emit(finding)
    for finding in scanner.finish():
        emit(finding)
    checker = scanner.checker
    return ManifestFacts(
        source.name, source.compressed, scanner.lines, size, checker.objects,
        _keys(checker.shapes), labels.types, None,
    )  # fmt: skip


def _with_stats(
    source: Source, attrs: Sequence[str], emit: Callable[[Finding], None], reading: Reading
) -> ManifestFacts:
    fold = StatsFold(source.name, attrs or None, emit, rules=_rules(source, reading))
    labels = LabelTypes()
    first = 1
    for chunk in source.chunks():
        scan = fold.add_chunk(first, chunk)
        labels.add(scan)
        if reading.uses is not None:
            reading.uses.add_chunk(source.name, scan)
        first += len(chunk)
    stats = fold.finish()
    checker = fold.scanner.checker
    return ManifestFacts(
        source.name, source.compressed, stats.lines, stats.bytes, checker.objects,
        _keys(checker.shapes), labels.types, stats,
    )  # fmt: skip


def _rules(source: Source, reading: Reading) -> list[ChunkRule]:
    return reading.content.build(source.name) if reading.content is not None else []


def _keys(shapes: Mapping[tuple[str, ...], Shape]) -> dict[str, int]:
    """Every top-level key, with the number of lines that have it."""
    keys: dict[str, int] = {}
    for keyset, shape in shapes.items():
        for key in keyset:
            keys[key] = keys.get(key, 0) + shape.count
    return keys


@contextlib.contextmanager
def open_manifest(
    uri: str,
    mirrors: Sequence[Mirror],
    s3_client: Callable[[], Any] | None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Iterator[Source]:
    """The manifest from the mirror folder that holds it, else from S3."""
    location = S3Uri.parse(uri)
    mirror = Mirrors(mirrors).covering(location)
    if mirror is not None:  # a key that leaves the folder ('..') is refused, as in stream
        path = mirror.directory.joinpath(*mirror.names(location))
        with open_source(str(path), None, max_line_bytes) as source:
            yield source
        return
    with open_source(uri, s3_client, max_line_bytes) as source:
        yield source


class LabelTypes:
    """The Ground Truth type of each label attribute: ``<label>-metadata.type``, first seen.

    Labels and their metadata are paired as the registry pairs them
    (:func:`~augman.statistics.fold.label_pairs`, by :func:`augman.groundtruth.label_for`).

    Only the first line of each new key set is decoded, so this costs a set of key
    sets per chunk.
    """

    def __init__(self) -> None:
        self.types: dict[str, str] = {}
        self._seen: set[tuple[str, ...]] = set()

    def add(self, scan: ChunkScan) -> None:
        tops = [top for top in scan.tops if top]
        fresh = set(map(tuple, tops)) - self._seen
        if not fresh or len(self._seen) >= MAX_LABEL_SHAPES:
            return
        self._seen |= fresh
        for top in tops:
            keys = tuple(top)
            if keys in fresh:
                fresh.discard(keys)
                self._read(top, keys)
                if not fresh:
                    return

    def _read(self, top: Top, keys: tuple[str, ...]) -> None:
        for label, meta_key in label_pairs(keys):
            if label in self.types:
                continue
            try:
                meta = orjson.loads(bytes(top[meta_key]))
            except orjson.JSONDecodeError:
                continue
            kind = meta.get("type") if isinstance(meta, dict) else None
            if isinstance(kind, str):
                self.types[label] = kind
