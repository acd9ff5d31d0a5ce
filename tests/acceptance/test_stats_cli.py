"""`augman stats` from the command line: the JSON document field by field, inputs, exit codes."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest

STATS = Path(__file__).parent.parent / "data" / "stats"
CLASSIFICATION = STATS / "classification.manifest"


def document(cli: Any, *args: Any, input: bytes | None = None) -> dict[str, Any]:
    result = cli("stats", *args, "--format", "json", input=input)
    assert result.exit_code == 0, result.stderr
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def test_json_document_field_by_field(cli: Any) -> None:
    doc = document(cli, CLASSIFICATION)
    assert doc["tool"] == "augman" and doc["source"] == str(CLASSIFICATION)
    assert (doc["lines"], doc["valid_lines"], doc["invalid_lines"]) == (10, 10, 0)
    assert doc["bytes"] == CLASSIFICATION.stat().st_size
    assert doc["invalid_examples"] == [] and doc["findings"] == {}
    assert doc["samples"] == {
        "num_training_samples": 10,
        "records": None,
        "attrs": None,
        "counted": "every JSON-object line (no --attrs given, so no line lacks an attribute)",
    }
    assert doc["attributes"] == {
        "source-ref": {"present": 10, "missing": 0, "coverage": 1.0, "types": {"string": 10}, "ref": True},
        "class": {"present": 10, "missing": 0, "coverage": 1.0, "types": {"string": 5, "number": 5}, "ref": False},
        "class-metadata": {"present": 10, "missing": 0, "coverage": 1.0, "types": {"object": 10}, "ref": False},
    }  # fmt: skip
    assert doc["untracked_values"] == 0


def test_json_label_section_field_by_field(cli: Any) -> None:
    label = document(cli, CLASSIFICATION)["labels"]["class"]
    assert label["type"] == "groundtruth/image-classification"
    assert label["types"] == {"groundtruth/image-classification": 10}
    assert (label["kind"], label["lines"], label["class_unit"]) == ("classification", 10, "lines")
    assert label["classes"] == {"cat": 6, "dog": 3, "bird": 1}
    confidence = label["confidence"]
    assert confidence["count"] == 10 and confidence["outside"] == 0
    assert confidence["min"] == 0.42 and confidence["max"] == 1.0
    assert confidence["mean"] == pytest.approx(0.791)
    assert confidence["bins"]["0.9-1.0"] == 4 and confidence["bins"]["0.0-0.1"] == 0
    assert len(confidence["bins"]) == 10
    assert label["human_annotated"] == {"yes": 9, "no": 1}
    assert label["jobs"] == {"labeling-job/animals": 10}
    assert label["creation_dates"] == {
        "first": "2024-05-01T12:00:00.000000",
        "last": "2024-05-10T12:00:00.000000",
    }
    assert label["counts"] == {} and label["malformed"] == 0 and label["malformed_lines"] == []
    assert label["untracked"] == {"classes": 0, "jobs": 0, "types": 0, "human": 0}


def test_json_refs_section_field_by_field(cli: Any) -> None:
    ref = document(cli, CLASSIFICATION)["refs"]["source-ref"]
    assert ref == {
        "values": 10,
        "distinct": 9,
        "not_strings": 0,
        "not_s3": 0,
        "buckets": {"pets-bucket": 10},
        "prefixes": {"s3://pets-bucket/images/": 10},
        "extensions": {"jpg": 10},
        "duplicates": {
            "uris": 1,
            "repeat_lines": 1,
            "examples": [{"uri": "s3://pets-bucket/images/0002.jpg", "count": 2, "lines": [3, 8]}],
        },
        "untracked": {"buckets": 0, "prefixes": 0, "extensions": 0},
    }


def test_json_bounding_box_histograms(cli: Any) -> None:
    label = document(cli, STATS / "bounding-box.manifest")["labels"]["bounding-box"]
    assert label["kind"] == "bounding-box" and label["classes"] == {"dog": 9, "cat": 7}
    assert label["boxes_per_image"]["bins"]["2"] == 6
    assert label["boxes_per_image"]["max"] == 2
    assert sum(label["box_area"]["bins"].values()) == 16
    assert label["counts"] == {"boxes": 16}


def test_attrs_report_coverage_and_samples_as_attribute_names_would(cli: Any) -> None:
    doc = document(cli, STATS / "invalid.manifest", "--attrs", "source-ref,class")
    assert list(doc["attributes"]) == ["source-ref", "class"]
    assert doc["attributes"]["class"] == {
        "present": 4, "missing": 1, "coverage": 0.8, "types": {"number": 4}, "ref": False,
    }  # fmt: skip
    assert doc["samples"]["num_training_samples"] == 3 and doc["samples"]["records"] == 6
    assert doc["samples"]["attrs"] == ["source-ref", "class"]


def test_invalid_lines_exit_0_and_are_listed(cli: Any) -> None:
    result = cli("stats", STATS / "invalid.manifest", "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["invalid_lines"] == 3
    assert doc["invalid_examples"][0] == {
        "line": 2, "code": "AM101", "message": "invalid JSON: unexpected end of data",
    }  # fmt: skip
    text = cli("stats", STATS / "invalid.manifest")
    assert text.exit_code == 0 and "line 3: AM103 blank line" in text.stdout


def test_gzip_is_read_by_its_magic_bytes(cli: Any, tmp_path: Path) -> None:
    disguised = tmp_path / "train.manifest"
    disguised.write_bytes(gzip.compress(CLASSIFICATION.read_bytes()))
    plain, packed = document(cli, CLASSIFICATION), document(cli, disguised)
    for doc in (plain, packed):
        del doc["source"]
    assert packed == plain  # bytes counts the uncompressed manifest


def test_stdin_in_a_real_process(run_augman: Any) -> None:
    result = run_augman("stats", "-", "--format", "json", input=CLASSIFICATION.read_bytes())
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["source"] == "-" and doc["lines"] == 10
    assert doc["labels"]["class"]["classes"] == {"cat": 6, "dog": 3, "bird": 1}
    assert result.stderr == b""


def test_s3_manifest(s3: Any, cli: Any) -> None:
    s3.create_bucket(Bucket="manifests")
    s3.put_object(Bucket="manifests", Key="train.manifest", Body=CLASSIFICATION.read_bytes())
    doc = document(cli, "s3://manifests/train.manifest")
    assert doc["lines"] == 10 and doc["refs"]["source-ref"]["duplicates"]["uris"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.manifest"], "no such file"),
        (["{m}", "--attrs", "a,,b"], "has an empty name"),
        (["{m}", "--attrs", ",".join(f"a{i}" for i in range(17))], "at most 16"),
        (["{m}", "--format", "sarif"], "sarif"),
    ],
    ids=["missing-file", "empty-attr", "17-attrs", "unknown-format"],
)
def test_run_problems_exit_2_without_a_traceback(
    run_augman: Any, args: list[str], message: str
) -> None:
    result = run_augman("stats", *[a.format(m=CLASSIFICATION) for a in args])
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert b"Traceback" not in result.stderr and result.stdout == b""


def test_library_and_cli_agree(cli: Any) -> None:
    import augman
    from augman.reporting.stats_json import stats_document

    assert stats_document(augman.stats(str(CLASSIFICATION))) == document(cli, CLASSIFICATION)


def test_empty_manifest_is_described_not_refused(cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.manifest"
    empty.write_bytes(b"")
    doc = document(cli, empty)
    assert (doc["lines"], doc["bytes"], doc["findings"]) == (0, 0, {"AM114": 1})
    assert doc["attributes"] == {} and doc["samples"]["num_training_samples"] == 0
    assert "no attributes (no valid lines)" in cli("stats", empty).stdout


def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import augman_command, subprocess_env

    manifest = tmp_path / "many-classes.manifest"
    meta = b'"c-metadata":{"type":"groundtruth/image-classification","class-name":"n%d"}'
    manifest.write_bytes(b"".join(b'{"c":1,' + meta % i + b"}\n" for i in range(5000)))
    # the JSON lists all 5,000 classes: far more than a pipe buffer holds
    command = " ".join(augman_command("stats", str(manifest), "-f", "json")) + " | head -n 1"
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, env=subprocess_env(), timeout=60
    )
    assert result.stdout.count(b"\n") == 1
    assert result.stderr == b""


def test_stats_json_has_a_hyperparameters_section(cli: Any) -> None:
    manifest = Path(__file__).parent.parent / "data" / "stats" / "bounding-box.manifest"
    result = cli("stats", manifest, "--format", "json")
    hyper = json.loads(result.stdout)["hyperparameters"]
    assert hyper["num_training_samples"] == 12
    assert hyper["labels"]["bounding-box"] == {
        "kind": "bounding-box", "num_classes": 2, "class_ids": 2, "max_boxes": 2, "label_width": 12,
    }  # fmt: skip


def test_class_ids_count_from_the_label_values_and_keys(cli: Any, write_manifest: Any) -> None:
    meta = '"class-metadata": {"class-name": "x", "type": "groundtruth/image-classification"}'
    path = write_manifest(
        *(
            f'{{"source-ref": "s3://b/{i}.jpg", "class": {c!r}, {meta}}}'.replace("'", '"')
            for i, c in enumerate([0, "7", 3])
        )
    )
    hyper = json.loads(cli("stats", path, "--format", "json").stdout)["hyperparameters"]
    assert hyper["labels"]["class"]["num_classes"] == 8
    assert hyper["labels"]["class"]["class_ids"] == 3
