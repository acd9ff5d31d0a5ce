"""Writes the AM5xx rule examples: one request per rule, each a small change to a valid one.

``python tests/data/jobs/make_examples.py`` rewrites ``tests/data/jobs/{valid,invalid}/AM5xx.json``
(the requests), ``tests/data/{valid,invalid}/AM5xx.manifest`` (the manifests they name, as
``s3://augman-examples/AM5xx.manifest``, read through a mirror) and the ``AM5xx.json``
sidecars, whose ``expect`` is found by searching the request text for the member named,
not by augman's own locator.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent
BUCKET = "augman-examples"


def box_line(n: int, boxes: list[int], kind: str = "groundtruth/object-detection") -> str:
    label = {
        "image_size": [{"width": 320, "height": 240, "depth": 3}],
        "annotations": [
            {"class_id": c, "left": 10 * i, "top": 10, "width": 20, "height": 30}
            for i, c in enumerate(boxes)
        ],
    }
    meta = {
        "objects": [{"confidence": 0.9} for _ in boxes],
        "class-map": {"0": "cat", "1": "dog"},
        "type": kind,
        "human-annotated": "yes",
        "creation-date": "2024-03-01T10:00:00.000000",
        "job-name": "labeling-job/pets-bbox",
    }
    return json.dumps(
        {
            "source-ref": f"s3://{BUCKET}/images/{n}.jpg",
            "bounding-box": label,
            "bounding-box-metadata": meta,
        }
    )


BOXES = "\n".join(box_line(n, boxes) for n, boxes in enumerate([[0], [0, 1], [1]])) + "\n"
CLASSES = "".join(
    json.dumps({
        "source-ref": f"s3://{BUCKET}/images/{n}.jpg", "class": c,
        "class-metadata": {"class-name": ["cat", "dog"][c], "confidence": 0.9,
                           "type": "groundtruth/image-classification"},
    }) + "\n"
    for n, c in enumerate([0, 1, 1])
)  # fmt: skip
VIDEO = "".join(
    json.dumps({
        "source-ref": f"s3://{BUCKET}/frames/{n}.json", "tracks-ref": f"s3://{BUCKET}/labels/{n}.json",
        "tracks-ref-metadata": {"class-map": {"0": "car"}, "type": "groundtruth/video-object-detection"},
    }) + "\n"
    for n in range(3)
)  # fmt: skip


def request(code: str) -> dict[str, Any]:
    return {
        "TrainingJobName": "pets-bbox-1",
        "RoleArn": "arn:aws:iam::123456789012:role/SageMakerRole",
        "AlgorithmSpecification": {
            "TrainingImage": "811284229777.dkr.ecr.us-east-1.amazonaws.com/object-detection:1",
            "TrainingInputMode": "Pipe",
        },
        "HyperParameters": {"num_classes": "2", "num_training_samples": "3"},
        "InputDataConfig": [
            {
                "ChannelName": "train",
                "DataSource": {
                    "S3DataSource": {
                        "S3DataType": "AugmentedManifestFile",
                        "S3Uri": f"s3://{BUCKET}/{code}.manifest",
                        "S3DataDistributionType": "FullyReplicated",
                        "AttributeNames": ["source-ref", "bounding-box"],
                    }
                },
                "ContentType": "application/x-recordio",
                "RecordWrapperType": "RecordIO",
                "InputMode": "Pipe",
            }
        ],
        "OutputDataConfig": {"S3OutputPath": f"s3://{BUCKET}/output"},
        "ResourceConfig": {
            "InstanceType": "ml.p3.2xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 50,
        },
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
    }


Change = Callable[[dict[str, Any]], None]


def channel(r: dict[str, Any]) -> dict[str, Any]:
    return r["InputDataConfig"][0]  # type: ignore[no-any-return]


def source(r: dict[str, Any]) -> dict[str, Any]:
    return channel(r)["DataSource"]["S3DataSource"]  # type: ignore[no-any-return]


def set_in(get: Callable[[dict[str, Any]], dict[str, Any]], **values: Any) -> Change:
    return lambda r: get(r).update(values)


def hyper(**values: str) -> Change:
    return lambda r: r["HyperParameters"].update(values)


def attrs(*names: str) -> Change:
    return set_in(source, AttributeNames=list(names))


def drop_channel_name(r: dict[str, Any]) -> None:
    del channel(r)["ChannelName"]


def drop_num_classes(r: dict[str, Any]) -> None:
    del r["HyperParameters"]["num_classes"]


def both(*changes: Change) -> Change:
    def run(r: dict[str, Any]) -> None:
        for change in changes:
            change(r)

    return run


# code: (change, needle in the request text where the finding is, manifest)
EXAMPLES: dict[str, tuple[Change, str, str]] = {
    "AM501": (drop_channel_name, '{\n      "DataSource"', BOXES),
    "AM502": (set_in(channel, Inputmode="Pipe"), '"Inputmode"', BOXES),
    "AM503": (set_in(lambda r: r["ResourceConfig"], InstanceCount="1"), '"InstanceCount"', BOXES),
    "AM504": (set_in(channel, InputMode="pipe"), '"InputMode"', BOXES),
    "AM505": (set_in(channel, ChannelName="t" * 70), '"ChannelName"', BOXES),
    "AM506": (
        set_in(lambda r: r["StoppingCondition"], MaxRuntimeInSeconds=0),
        '"MaxRuntimeInSeconds"',
        BOXES,
    ),
    "AM507": (set_in(channel, ChannelName="train data"), '"ChannelName"', BOXES),
    "AM510": (set_in(channel, InputMode="FastFile"), '"InputMode"', BOXES),
    "AM511": (set_in(channel, InputMode="File"), '"InputMode"', BOXES),
    "AM512": (
        both(
            set_in(source, S3DataDistributionType="ShardedByS3Key"),
            set_in(lambda r: r["ResourceConfig"], InstanceCount=2),
        ),
        '"S3DataDistributionType"',
        BOXES,
    ),
    "AM513": (set_in(channel, ShuffleConfig={"Seed": 7}), '"ShuffleConfig"', BOXES),
    "AM514": (set_in(channel, InputMode="File"), '"RecordWrapperType"', BOXES),
    "AM515": (set_in(channel, CompressionType="Gzip"), '"CompressionType"', BOXES),
    "AM516": (set_in(source, S3Uri=f"s3://{BUCKET}/manifests/"), '"S3Uri"', BOXES),
    "AM520": (set_in(channel, RecordWrapperType="None"), '"RecordWrapperType"', BOXES),
    "AM521": (set_in(channel, ContentType="image/jpeg"), '"ContentType"', BOXES),
    "AM522": (attrs("bounding-box", "source-ref"), '"bounding-box"', BOXES),
    "AM523": (attrs("source-ref", "class"), '"class"', CLASSES),
    "AM524": (attrs("source-ref", "tracks-ref"), '"tracks-ref"', VIDEO),
    "AM530": (hyper(num_classes="1"), '"num_classes"', BOXES),
    "AM531": (hyper(num_classes="5"), '"num_classes"', BOXES),
    "AM532": (hyper(num_training_samples="100"), '"num_training_samples"', BOXES),
    "AM533": (hyper(label_width="10"), '"label_width"', BOXES),
    "AM534": (hyper(num_classes="two"), '"num_classes"', BOXES),
    "AM535": (drop_num_classes, '"HyperParameters"', BOXES),
    "AM540": (attrs("source-ref", "bbox"), '"bbox"', BOXES),
}


def position(text: str, needle: str) -> list[int]:
    at = text.index(needle)
    line = text.count("\n", 0, at) + 1
    return [line, at - (text.rfind("\n", 0, at) + 1) + 1]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main() -> None:
    for code, (change, needle, manifest) in EXAMPLES.items():
        good = json.dumps(request(code), indent=2) + "\n"
        bad_request = request(code)
        change(bad_request)
        bad = json.dumps(bad_request, indent=2) + "\n"
        write(DATA / "jobs" / "valid" / f"{code}.json", good)
        write(DATA / "jobs" / "invalid" / f"{code}.json", bad)
        write(DATA / "valid" / f"{code}.manifest", BOXES)
        write(DATA / "invalid" / f"{code}.manifest", manifest)
        write(
            DATA / "valid" / f"{code}.json", json.dumps({"job": f"jobs/valid/{code}.json"}) + "\n"
        )
        sidecar = {"job": f"jobs/invalid/{code}.json", "expect": [position(bad, needle)]}
        write(DATA / "invalid" / f"{code}.json", json.dumps(sidecar) + "\n")


if __name__ == "__main__":
    main()
