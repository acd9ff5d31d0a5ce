"""One valid Ground Truth output line for every task type augman knows, and variations.

``EXAMPLES[task]`` is a function of a seeded ``random.Random`` that returns a line
(a dict) as Ground Truth writes it for that task (spec 5.2), spellings included
(``class-id`` in 3D cuboids, ``class_map`` in the 3D example, ``city-streets-metadata``
for ``city-streets-ref``). ``mixed(n, seed)`` yields n lines cycling through them all:
the benchmark of Ground Truth validation (``bench_groundtruth.py``) and the tests use them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

BUCKET = "my-gt-bucket"
CLASSES = ("cat", "dog", "bird", "car", "person", "bicycle", "tree", "boat")

Line = dict[str, Any]


def _meta(rng: random.Random, type_: str, **extra: Any) -> dict[str, Any]:
    meta = dict(extra)
    meta.update(
        {
            "type": f"groundtruth/{type_}",
            "job-name": f"labeling-job/{type_.replace('_', '-')}",
            "human-annotated": rng.choice(("yes", "no")),
            "creation-date": "2026-03-01T08:00:00.123456",
        }
    )
    return meta


def _src(rng: random.Random, ext: str = "jpg") -> str:
    return f"s3://{BUCKET}/in/{rng.randrange(10**6):06d}.{ext}"


def classification(rng: random.Random, kind: str = "image") -> Line:
    cid = rng.randrange(len(CLASSES))
    label: Any = cid if kind == "image" else str(cid)
    meta = _meta(rng, f"{kind}-classification", confidence=round(rng.random(), 2))
    meta["class-name"] = CLASSES[cid]
    key = "source-ref" if kind == "image" else "source"
    source = _src(rng) if kind == "image" else "The food was delicious"
    return {key: source, "species": label, "species-metadata": meta}


def multilabel(rng: random.Random, kind: str = "image") -> Line:
    ids = rng.sample(range(len(CLASSES)), rng.randrange(1, 4))
    meta = _meta(rng, f"{kind}-classification-multilabel")
    meta["class-map"] = {str(i): CLASSES[i] for i in ids}
    meta["confidence-map"] = {str(i): round(rng.random(), 2) for i in ids}
    return {
        "source-ref": _src(rng, "jpg" if kind == "image" else "txt"),
        "tags": ids,
        "tags-metadata": meta,
    }


def boxes(rng: random.Random, spelling: str = "object-detection") -> Line:
    width, height = rng.choice(((640, 480), (1280, 720), (500, 375)))
    annotations, objects, class_map = [], [], {}
    for _ in range(rng.choice((1, 1, 2, 2, 3, 4))):
        cid = rng.randrange(len(CLASSES))
        left, top = rng.randrange(width - 20), rng.randrange(height - 20)
        box = {"class_id": cid, "left": left, "top": top}
        box["width"] = rng.randrange(10, width - left + 1)
        box["height"] = rng.randrange(10, height - top + 1)
        annotations.append(box)
        objects.append({"confidence": round(rng.uniform(0.3, 1.0), 2)})
        class_map[str(cid)] = CLASSES[cid]
    label = {
        "image_size": [{"width": width, "height": height, "depth": 3}],
        "annotations": annotations,
    }
    meta = _meta(rng, spelling, objects=objects)
    meta["class-map"] = class_map
    return {"source-ref": _src(rng), "bounding-box": label, "bounding-box-metadata": meta}


def verification(rng: random.Random) -> Line:
    meta = _meta(rng, "label-verification", confidence=0.93)
    meta["class-name"] = rng.choice(("good", "bad"))
    meta["worker-feedback"] = [{"comment": "The box on the bird is too wide."}]
    return {"source-ref": _src(rng), "verify-box": "1", "verify-box-metadata": meta}


def segmentation(rng: random.Random, dg_spelling: bool = False) -> Line:
    conf = round(rng.random(), 2)
    colours = {
        "0": {"class-name": "BACKGROUND", "confidence": conf, "hex-color": "#ffffff"},
        "1": {"class-name": "road", "confidence": conf, "hex-color": "#2ca02c"},
    }
    meta = _meta(rng, "semantic-segmentation")
    meta["internal-color-map"] = colours
    mask = f"s3://{BUCKET}/out/masks/{rng.randrange(10**6)}.png"
    meta_key = "city-streets-metadata" if dg_spelling else "city-streets-ref-metadata"
    return {"source-ref": _src(rng), "city-streets-ref": mask, meta_key: meta}


def spans(rng: random.Random) -> Line:
    text = "Amazon SageMaker was launched in November 2017."
    label = {
        "annotations": {
            "labels": [{"label": "Date", "shortDisplayName": "dt"}, {"label": "Thing"}],
            "entities": [
                {"label": "Thing", "startOffset": 0, "endOffset": 16},
                {"label": "Date", "startOffset": 33, "endOffset": 46},
            ],
        }
    }
    meta = _meta(rng, "text-span", entities=[{"confidence": 0}, {"confidence": 0.5}])
    return {"source": text, "ner": label, "ner-metadata": meta}


def video(rng: random.Random, task: str = "detection") -> Line:
    meta = _meta(rng, f"video-object-{task}")
    meta["class-map"] = {"0": "car", "1": "bus"}
    ref = f"s3://{BUCKET}/out/annotations/{rng.randrange(1000)}/SeqLabel.json"
    return {"source-ref": f"s3://{BUCKET}/in/seq.json", "cars-ref": ref, "cars-ref-metadata": meta}


def point_cloud_segmentation(rng: random.Random) -> Line:
    meta = _meta(rng, "point_cloud_single_frame_semantic_segmentation")
    meta["color-map"] = {"0": {"class-name": "Background", "hex-color": "#ffffff", "confidence": 0}}
    ref = f"s3://{BUCKET}/out/{rng.randrange(1000)}.zlib"
    frame = {"format": "binary/xyzi", "unix-timestamp": 1566861644.759115}
    return {
        "source-ref": _src(rng, "bin"),
        "source-ref-metadata": frame,
        "lidar-ss-ref": ref,
        "lidar-ss-ref-metadata": meta,
    }


def cuboids(rng: random.Random) -> Line:
    annotations = []
    for n in range(rng.randrange(1, 4)):
        annotations.append(
            {
                "label-category-attributes": {"Occlusion": "Partial"},
                "object-name": f"Car:{n + 1}",
                "class-id": 0,
                "center-x": round(rng.uniform(-10, 10), 3),
                "center-y": round(rng.uniform(90, 130), 3),
                "center-z": 0.31,
                "length": 4,
                "width": 2,
                "height": 1.3,
                "roll": 0,
                "pitch": 0,
                "yaw": 1.64,
            }
        )
    meta = _meta(rng, "point_cloud_object_detection", objects=[])
    meta["class_map"] = {"0": "Car"}  # the developer guide's 3D example spells it so
    return {
        "source-ref": _src(rng, "txt"),
        "3d-box": {"annotations": annotations},
        "3d-box-metadata": meta,
    }


def tracking(rng: random.Random) -> Line:
    meta = _meta(rng, "point_cloud_object_tracking")
    meta["objects"] = [{"frame-no": 300, "confidence": []}, {"frame-no": 301, "confidence": [0.5]}]
    meta["class-map"] = {"0": "Car", "1": "Person"}
    ref = f"s3://{BUCKET}/out/{rng.randrange(1000)}/SeqLabel.json"
    return {
        "source-ref": f"s3://{BUCKET}/in/seq1.json",
        "lidar-ref": ref,
        "lidar-ref-metadata": meta,
    }


EXAMPLES: dict[str, Callable[[random.Random], Line]] = {
    "image-classification": classification,
    "text-classification": lambda rng: classification(rng, "text"),
    "image-classification-multilabel": multilabel,
    "text-classification-multilabel": lambda rng: multilabel(rng, "text"),
    "object-detection": boxes,
    "label-verification": verification,
    "semantic-segmentation": segmentation,
    "text-span": spans,
    "video-object-detection": video,
    "video-object-tracking": lambda rng: video(rng, "tracking"),
    "point-cloud-semantic-segmentation": point_cloud_segmentation,
    "point-cloud-object-detection": cuboids,
    "point-cloud-object-tracking": tracking,
}
SPELLINGS: dict[str, Callable[[random.Random], Line]] = {
    "object_detection": lambda rng: boxes(rng, "object_detection"),
    "city-streets-metadata": lambda rng: segmentation(rng, dg_spelling=True),
}


def mixed(lines: int, seed: int = 0) -> Iterator[Line]:
    """``lines`` valid lines, every task type (and spelling) in turn."""
    rng = random.Random(seed)
    makers = [*EXAMPLES.values(), *SPELLINGS.values()]
    for i in range(lines):
        yield makers[i % len(makers)](rng)
