"""Manifest shapes as users have them: written by other tools, mixed, compressed, piped.

Each shape is a seeded, deterministic writer of a Ground Truth-like augmented manifest
(built on ``benchmarks/generate.py``) plus the ``AttributeNames`` to check and to stream
with. ``matrix.py`` times augman on every shape; ``ensure`` caches each file under
``benchmarks/data/`` keyed by shape, line count and seed.

    from benchmarks.shapes import SHAPES, ensure
    path = ensure(SHAPES["bbox-dumps"], lines=1000, seed=1)
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import shutil
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:
    sys.path.insert(0, str(HERE.parent))

from benchmarks.generate import BUCKET, generate  # noqa: E402  (from this checkout)

DATA = HERE / "data"
BUCKET_COUNT = 200
DEFECT_RATE = 0.01

# A writer puts `lines` lines on `path` for `seed` and returns the defect per 1-based line.
Writer = Callable[[Path, int, int], dict[int, str]]


@dataclass(frozen=True)
class Shape:
    """One manifest shape: how to write it and how to run augman on it."""

    name: str
    write: Writer
    validate_attrs: tuple[str, ...]  # AttributeNames for validate
    stream_attrs: tuple[str, ...]  # no -ref among them: the inline stream path
    description: str
    file_key: str = ""  # shapes with the same key share one file (default: the name)
    suffix: str = ".manifest"
    stdin: bool = False  # fed to augman on stdin (`augman validate -`)
    defects: bool = False  # has invalid lines: run with --on-error skip

    @property
    def compressed(self) -> bool:
        return self.suffix.endswith(".gz")

    def filename(self, lines: int, seed: int) -> str:
        return f"{self.file_key or self.name}-{lines}-seed{seed}{self.suffix}"


def ensure(shape: Shape, lines: int, seed: int = 1, data: Path = DATA) -> Path:
    """The cached manifest of ``shape``, written on first use (atomically)."""
    path = data / shape.filename(lines, seed)
    if not path.exists():
        data.mkdir(parents=True, exist_ok=True)
        print(f"generating {path} ...", file=sys.stderr)
        partial = path.with_name(path.name + ".partial")
        shape.write(partial, lines, seed)
        partial.rename(path)
    return path


def uncompressed_size(path: Path) -> int:
    """Bytes of JSON Lines in ``path``: for one gzip member, the size in its trailer."""
    with open(path, "rb") as f:
        if f.read(2) != b"\x1f\x8b":
            return path.stat().st_size
        f.seek(-4, 2)
        return int(struct.unpack("<I", f.read(4))[0])


# -- helpers ------------------------------------------------------------------------


def _write_lines(path: Path, lines: Iterable[bytes]) -> None:
    with open(path, "wb") as out:
        batch: list[bytes] = []
        for line in lines:
            batch.append(line)
            if len(batch) >= 4096:
                out.write(b"".join(batch))
                batch.clear()
        out.write(b"".join(batch))


def _base(path: Path, lines: int, seed: int, kind: str) -> Path:
    """A plain generate.py manifest beside ``path``, for a writer to derive from."""
    base = path.with_name(f"{path.name}.{kind}.base")
    generate(base, lines, kind, seed)
    return base


def _derive(path: Path, lines: int, seed: int, change: Callable[[bytes], bytes]) -> None:
    """Write bounding-box lines with ``change`` applied to each (newline included)."""
    base = _base(path, lines, seed, "bounding-box")
    try:
        with open(base, "rb") as f:
            _write_lines(path, map(change, f))
    finally:
        base.unlink()


# -- the writers --------------------------------------------------------------------


def write_bbox_compact(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Bounding-box lines, compact JSON, as Ground Truth (and generate.py) writes them."""
    return generate(path, lines, "bounding-box", seed).defects


def write_bbox_dumps(path: Path, lines: int, seed: int) -> dict[int, str]:
    """The same records as Python's ``json.dumps(record)`` writes them (", " and ": ")."""
    _derive(path, lines, seed, lambda line: json.dumps(orjson.loads(line)).encode() + b"\n")
    return {}


def write_classification_short(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Short image-classification lines (about 280 bytes)."""
    return generate(path, lines, "classification", seed).defects


def write_segmentation_2refs(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Semantic segmentation: ``source-ref`` and a ``city-streets-ref`` label PNG per line."""
    return generate(path, lines, "segmentation", seed).defects


def write_mixed_keysets(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Chained jobs on subsets: every line has ``class``; some also a box or a ``-ref`` mask.

    Per line, at random: classification only (40%), plus a bounding box (30%), plus a
    segmentation mask (20%), plus both (10%); so there are four key sets.
    """
    kinds = ("classification", "bounding-box", "segmentation")
    bases = [_base(path, lines, seed, kind) for kind in kinds]
    rng = random.Random(seed)
    try:
        with contextlib.ExitStack() as stack:
            files = [stack.enter_context(open(base, "rb")) for base in bases]
            _write_lines(path, _merged(rng, *files))
    finally:
        for base in bases:
            base.unlink()
    return {}


def _merged(
    rng: random.Random, classes: Iterable[bytes], boxes: Iterable[bytes], masks: Iterable[bytes]
) -> Iterator[bytes]:
    for line, box, mask in zip(classes, boxes, masks, strict=True):
        record = orjson.loads(line)
        extra = rng.choices(((), (box,), (mask,), (box, mask)), weights=(4, 3, 2, 1))[0]
        for other in extra:
            label = orjson.loads(other)
            del label["source-ref"]
            record.update(label)
        yield orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def bucket_names(seed: int, count: int = BUCKET_COUNT) -> list[str]:
    """``count`` distinct valid S3 bucket names; every fifth one has dots."""
    rng = random.Random(seed)
    teams = ("vision", "ml", "labeling", "datalake", "research", "prod", "raw", "gt")
    regions = ("us-east-1", "eu-west-1", "ap-south-1", "us-west-2")
    names = []
    for i in range(count):
        team, region = rng.choice(teams), rng.choice(regions)
        if i % 5 == 0:
            names.append(f"{team}.images-{i:03d}.example.com")
        else:
            names.append(f"{team}-{region}-{i:03d}-{rng.randrange(16**6):06x}")
    return names


def write_many_buckets(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Bounding-box lines whose ``source-ref`` spreads over 200 buckets (some with dots)."""
    rng = random.Random(seed)
    prefixes = [f'"s3://{name}/'.encode() for name in bucket_names(seed)]
    old = f'"s3://{BUCKET}/'.encode()
    _derive(path, lines, seed, lambda line: line.replace(old, rng.choice(prefixes), 1))
    return {}


def write_bbox_defects(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Bounding-box lines, 1% of them with one of generate.py's defects."""
    return generate(path, lines, "bounding-box", seed, defect_rate=DEFECT_RATE).defects


def write_bbox_gzip(path: Path, lines: int, seed: int) -> dict[int, str]:
    """Compact bounding-box lines, gzip-compressed (level 6, as `gzip` does; no timestamp)."""
    base = _base(path, lines, seed, "bounding-box")
    try:
        with (
            open(base, "rb") as f,
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0) as gz,
        ):
            shutil.copyfileobj(f, gz, 1 << 20)
    finally:
        base.unlink()
    return {}


BOX_ATTRS = ("source-ref", "bounding-box")
BOX_STREAM = ("bounding-box", "bounding-box-metadata")

SHAPES: dict[str, Shape] = {
    shape.name: shape
    for shape in (
        Shape("bbox-compact", write_bbox_compact, BOX_ATTRS, BOX_STREAM, "compact JSON"),
        Shape("bbox-dumps", write_bbox_dumps, BOX_ATTRS, BOX_STREAM, "json.dumps spacing"),
        Shape(
            "classification-short",
            write_classification_short,
            ("source-ref", "class"),
            ("class", "class-metadata"),
            "short lines",
        ),
        Shape(
            "segmentation-2refs",
            write_segmentation_2refs,
            ("source-ref", "city-streets-ref"),
            ("city-streets-ref-metadata",),
            "two -ref attributes",
        ),
        Shape(
            "mixed-keysets",
            write_mixed_keysets,
            ("source-ref", "class"),
            ("class", "class-metadata"),
            "four key sets",
        ),
        Shape("many-buckets", write_many_buckets, BOX_ATTRS, BOX_STREAM, "200 buckets"),
        Shape(
            "bbox-defects-1pct",
            write_bbox_defects,
            BOX_ATTRS,
            BOX_STREAM,
            "1% invalid lines",
            defects=True,
        ),
        Shape(
            "bbox-gzip", write_bbox_gzip, BOX_ATTRS, BOX_STREAM, "gzip file", suffix=".manifest.gz"
        ),
        Shape(
            "bbox-stdin",
            write_bbox_compact,
            BOX_ATTRS,
            BOX_STREAM,
            "piped to stdin",
            file_key="bbox-compact",
            stdin=True,
        ),
    )
}
