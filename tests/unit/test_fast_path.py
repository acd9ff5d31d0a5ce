"""Clean manifests of every common shape never reach the per-line checker, in any command.

The per-line checker (``LineChecker.check``) is exact but slow; the scan engine only
sends it lines it cannot prove clean. Here it is made to fail, so these tests fail if a
clean line of these shapes ever falls off the fast path.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

import augman
from augman.checking.lines import LineChecker
from augman.outputs import sinks


def _records(n: int) -> list[dict[str, Any]]:
    records = []
    for i in range(n):
        record: dict[str, Any] = {
            "source-ref": f"s3://bucket-{i % 40}.example/{i}.jpg",
            "class": i % 4,
            "class-metadata": {"class-name": "traffic light", "confidence": 0.5},
        }
        if i % 3 == 0:  # key sets vary from line to line
            record["mask-ref"] = f"s3://masks/{i}.png"
        records.append(record)
    return records


SHAPES = {
    "compact": lambda r: json.dumps(r, separators=(",", ":")),
    "json.dumps spacing": json.dumps,
    "indent-free odd spacing": lambda r: json.dumps(r, separators=(" , ", " : ")),
}


@pytest.fixture(params=SHAPES, ids=list(SHAPES))
def manifest(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    path = tmp_path / "m.manifest"
    dump = SHAPES[request.param]
    path.write_text("".join(dump(r) + "\n" for r in _records(3000)))

    def refuse(*args: Any) -> None:
        raise AssertionError("a clean line went through the per-line checker")

    monkeypatch.setattr(LineChecker, "check", refuse)
    return str(path)


def test_validate(manifest: str) -> None:
    report = augman.validate([manifest], attrs=["source-ref", "class"])
    assert report.total == 0


def test_stats(manifest: str) -> None:
    assert augman.stats(manifest, attrs=["source-ref", "class"]).samples == 3000


def test_select(manifest: str) -> None:
    out = io.BytesIO()
    assert augman.select(manifest, out, head=2000).lines_written == 2000


def test_stream(manifest: str, tmp_path: Path) -> None:
    with sinks.to_file(tmp_path / "out.rio") as sink:
        result = augman.stream(manifest, sink, attrs=["class", "class-metadata"])
    assert result.records == 6000
