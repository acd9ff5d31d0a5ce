"""The benchmark generator writes realistic manifests whose defects `augman validate` finds."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

import augman
from augman.checking.findings import Severity
from benchmarks.generate import DEFECTS, KINDS, attribute_names, generate


@pytest.mark.parametrize("kind", KINDS)
def test_a_defect_free_manifest_validates_clean(tmp_path: Path, kind: str) -> None:
    result = generate(tmp_path / "m.manifest", 200, kind, seed=7)
    report = augman.validate([str(result.path)], attrs=attribute_names(kind))
    # images with no boxes (Ground Truth writes them too) are worth a warning, no more
    assert {f.code for f in report.findings} <= {"AM410"}
    assert not report.failed()
    assert result.defects == {}


@pytest.mark.parametrize("kind", KINDS)
def test_every_injected_defect_is_found_on_its_line(tmp_path: Path, kind: str) -> None:
    result = generate(tmp_path / "m.manifest", 200, kind, seed=11, defect_rate=0.2)
    report = augman.validate([str(result.path)], attrs=attribute_names(kind))
    errors = {(f.line, f.code) for f in report.findings if f.severity is Severity.error}
    expected = {(line, DEFECTS[defect]) for line, defect in result.defects.items()}
    assert len(expected) > 20
    assert expected <= errors
    assert {line for line, _ in errors} <= set(result.defects)


def test_the_same_seed_writes_the_same_bytes(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", 50, "mixed", seed=3, defect_rate=0.1)
    second = generate(tmp_path / "b", 50, "mixed", seed=3, defect_rate=0.1)
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.defects == second.defects


def test_bounding_boxes_have_the_object_detection_shape(tmp_path: Path) -> None:
    result = generate(tmp_path / "m.manifest", 20, "bounding-box", seed=1)
    for line in result.path.read_bytes().splitlines():
        record = orjson.loads(line)
        label, meta = record["bounding-box"], record["bounding-box-metadata"]
        assert set(label["image_size"][0]) == {"width", "height", "depth"}
        for box in label["annotations"]:
            assert set(box) == {"class_id", "left", "top", "width", "height"}
        assert len(meta["objects"]) == len(label["annotations"])
        assert meta["type"] == "groundtruth/object-detection"
        assert b": " not in line and b", " not in line  # compact, as Ground Truth writes
