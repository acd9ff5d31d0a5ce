"""Seeded generator of realistic SageMaker Ground Truth output manifests.

Lines look like what Ground Truth writes (compact JSON, keys in its order,
spec section 5): ``classification`` (``class`` + ``class-metadata``),
``bounding-box`` (the object-detection format of spec section 5.2),
``segmentation`` (a ``*-ref`` label PNG + ``internal-color-map``) and ``mixed``
(a chained job: all three labels on every line). ``defect_rate`` injects the
defects people actually meet, and the result says which line got which one.

As a module::

    from benchmarks.generate import generate
    result = generate("train.manifest", lines=1000, kind="bounding-box", seed=1, defect_rate=0.01)

As a script::

    python benchmarks/generate.py --lines 1000000 --kind bounding-box --seed 1 -o FILE
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

KINDS = ("classification", "bounding-box", "segmentation", "mixed")
BUCKET = "my-gt-bucket"
CLASSES = ("cat", "dog", "bird", "car", "person", "bicycle", "tree", "boat")
SEG_CLASSES = ("BACKGROUND", "road", "car", "pedestrian", "building", "sky")
COLORS = ("#ffffff", "#2ca02c", "#1f77b4", "#d62728", "#9467bd", "#8c564b")
START = datetime.datetime(2026, 3, 1, 8, 0, 0)

# What each defect is and the rule `augman validate` reports for it.
DEFECTS: dict[str, str] = {
    "invalid-json": "AM101",
    "missing-attribute": "AM201",
    "bad-s3-uri": "AM302",
    "bad-bucket": "AM303",
    "nan": "AM107",
    "duplicate-key": "AM112",
    "bom": "AM105",
}


def attribute_names(kind: str) -> tuple[str, ...]:
    """The AttributeNames a training job would use on a manifest of ``kind``."""
    return {
        "classification": ("source-ref", "class"),
        "bounding-box": ("source-ref", "bounding-box"),
        "segmentation": ("source-ref", "city-streets-ref"),
        "mixed": ("source-ref", "bounding-box"),
    }[kind]


@dataclass
class Generated:
    """What was written: the path, the line count, and the defect injected per line."""

    path: Path
    lines: int
    kind: str
    defects: dict[int, str] = field(default_factory=dict)  # 1-based line -> defect name


def generate(
    path: str | Path,
    lines: int,
    kind: str = "bounding-box",
    seed: int = 0,
    defect_rate: float = 0.0,
) -> Generated:
    """Write ``lines`` lines of ``kind`` to ``path``; the same seed gives the same bytes."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")
    rng = random.Random(seed)
    result = Generated(Path(path), lines, kind)
    make = _MAKERS[kind]
    with open(path, "wb") as out:
        batch: list[bytes] = []
        for index in range(lines):
            record = make(rng, index)
            line = orjson.dumps(record)
            if defect_rate and rng.random() < defect_rate:
                defect = _pick_defect(rng, index)
                line = _INJECT[defect](line, record, kind)
                result.defects[index + 1] = defect
            batch.append(line)
            if len(batch) >= 4096:
                out.write(b"\n".join(batch) + b"\n")
                batch.clear()
        if batch:
            out.write(b"\n".join(batch) + b"\n")
    return result


# -- the records ---------------------------------------------------------------


def _source_ref(index: int) -> str:
    return f"s3://{BUCKET}/datasets/images/{index:08d}.jpg"


def _metadata(rng: random.Random, index: int, job: str, task: str) -> dict[str, Any]:
    created = START + datetime.timedelta(seconds=index * 3, microseconds=rng.randrange(10**6))
    return {
        "job-name": f"labeling-job/{job}",
        "human-annotated": rng.choice(("yes", "yes", "yes", "no")),
        "creation-date": created.isoformat(timespec="microseconds"),
        "type": f"groundtruth/{task}",
    }


def _classification(rng: random.Random, index: int) -> dict[str, Any]:
    class_id = rng.randrange(len(CLASSES))
    meta = {"confidence": round(rng.uniform(0.5, 1.0), 2), "class-name": CLASSES[class_id]}
    meta.update(_metadata(rng, index, "animal-classes", "image-classification"))
    return {"source-ref": _source_ref(index), "class": class_id, "class-metadata": meta}


def _boxes(rng: random.Random, index: int) -> dict[str, Any]:
    width, height = rng.choice(((640, 480), (1280, 720), (500, 375), (1920, 1080)))
    annotations, objects, class_map = [], [], {}
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 6))):
        class_id = rng.randrange(len(CLASSES))
        left, top = rng.randrange(width - 20), rng.randrange(height - 20)
        box = {"class_id": class_id, "top": top, "left": left}
        box["width"] = rng.randrange(10, width - left + 1)
        box["height"] = rng.randrange(10, height - top + 1)
        annotations.append(box)
        objects.append({"confidence": round(rng.uniform(0.3, 1.0), 2)})
        class_map[str(class_id)] = CLASSES[class_id]
    label = {"image_size": [{"width": width, "height": height, "depth": 3}]}
    label["annotations"] = annotations  # type: ignore[assignment]
    meta: dict[str, Any] = {"objects": objects, "class-map": class_map}
    meta.update(_metadata(rng, index, "street-objects", "object-detection"))
    return {"source-ref": _source_ref(index), "bounding-box": label, "bounding-box-metadata": meta}


def _segmentation(rng: random.Random, index: int) -> dict[str, Any]:
    confidence = round(rng.uniform(0.6, 1.0), 2)
    present = sorted(rng.sample(range(1, len(SEG_CLASSES)), rng.randrange(1, 4)))
    color_map = {
        str(i): {"class-name": SEG_CLASSES[i], "confidence": confidence, "hex-color": COLORS[i]}
        for i in (0, *present)
    }
    meta: dict[str, Any] = {"internal-color-map": color_map}
    meta.update(_metadata(rng, index, "city-streets", "semantic-segmentation"))
    stamp = meta["creation-date"].replace(":", "").replace("-", "")[:15]
    label = f"s3://{BUCKET}/output/city-streets/annotations/consolidated-annotation/output/{index}_{stamp}.png"
    return {
        "source-ref": _source_ref(index),
        "city-streets-ref": label,
        "city-streets-ref-metadata": meta,
    }


def _mixed(rng: random.Random, index: int) -> dict[str, Any]:
    # A chained labeling job: each job adds its label next to the earlier ones.
    record = _classification(rng, index)
    for extra in (_boxes(rng, index), _segmentation(rng, index)):
        del extra["source-ref"]
        record.update(extra)
    return record


_MAKERS: dict[str, Callable[[random.Random, int], dict[str, Any]]] = {
    "classification": _classification,
    "bounding-box": _boxes,
    "segmentation": _segmentation,
    "mixed": _mixed,
}

# -- the defects ---------------------------------------------------------------


def _pick_defect(rng: random.Random, index: int) -> str:
    if index == 0:  # a byte order mark can only be at the start of the file
        return rng.choice(tuple(DEFECTS))
    return rng.choice(tuple(name for name in DEFECTS if name != "bom"))


def _label(kind: str) -> str:
    return attribute_names(kind)[1]


def _invalid_json(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    return line[:-1] + b",}"  # a trailing comma, the classic hand-edit


def _missing_attribute(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    return orjson.dumps({k: v for k, v in record.items() if k != _label(kind)})


def _bad_s3_uri(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    return line.replace(b'"s3://', b'"s3:/', 1)


def _bad_bucket(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    return line.replace(f"s3://{BUCKET}/".encode(), b"s3://My_GT_Bucket/", 1)


def _nan(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    # pandas and json.dumps write NaN for a missing float
    return line.replace(b'"source-ref":', b'"score":NaN,"source-ref":', 1)


def _duplicate_key(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    # a merge script appends a second value under the same label key
    return line[:-1] + b',"' + _label(kind).encode() + b'":null}'


def _bom(line: bytes, record: dict[str, Any], kind: str) -> bytes:
    return b"\xef\xbb\xbf" + line


_INJECT: dict[str, Callable[[bytes, dict[str, Any], str], bytes]] = {
    "invalid-json": _invalid_json,
    "missing-attribute": _missing_attribute,
    "bad-s3-uri": _bad_s3_uri,
    "bad-bucket": _bad_bucket,
    "nan": _nan,
    "duplicate-key": _duplicate_key,
    "bom": _bom,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--kind", choices=KINDS, default="bounding-box")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--defect-rate", type=float, default=0.0)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    result = generate(args.output, args.lines, args.kind, args.seed, args.defect_rate)
    print(
        f"{result.path}: {result.lines:,} {result.kind} lines, {len(result.defects):,} defects; "
        f"validate with --attrs {','.join(attribute_names(result.kind))}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
