"""The shape matrix's manifests are deterministic and what they claim; matrix.py runs."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from benchmarks.matrix import Row, table
from benchmarks.shapes import SHAPES, Shape, bucket_names, ensure, uncompressed_size

ROOT = Path(__file__).resolve().parents[2]
LINES = 300


def records(path: Path) -> list[dict[str, object]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        return [orjson.loads(line) for line in f]


def bucket(uri: object) -> str:
    assert isinstance(uri, str) and uri.startswith("s3://")
    return uri[len("s3://") :].split("/", 1)[0]


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_a_seed_gives_the_same_bytes_and_another_seed_others(tmp_path: Path, shape: Shape) -> None:
    first = ensure(shape, LINES, seed=5, data=tmp_path / "a")
    again = ensure(shape, LINES, seed=5, data=tmp_path / "b")
    other = ensure(shape, LINES, seed=6, data=tmp_path / "c")
    assert first.read_bytes() == again.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    assert first.name == shape.filename(LINES, 5)
    assert not list(tmp_path.glob("*/*.partial")) and not list(tmp_path.glob("*/*.base"))


@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_every_shape_has_its_lines_and_attributes(tmp_path: Path, shape: Shape) -> None:
    path = ensure(shape, LINES, seed=2, data=tmp_path)
    if shape.defects:
        return  # see test_about_one_line_in_a_hundred_is_defective
    lines = records(path)
    assert len(lines) == LINES
    for record in lines:
        assert set(shape.validate_attrs) | set(shape.stream_attrs) <= set(record)
    assert not any(name.endswith("-ref") for name in shape.stream_attrs)


def test_dumps_spacing_and_the_same_records_as_compact(tmp_path: Path) -> None:
    dumps = ensure(SHAPES["bbox-dumps"], LINES, seed=3, data=tmp_path)
    compact = ensure(SHAPES["bbox-compact"], LINES, seed=3, data=tmp_path)
    first = dumps.read_bytes().split(b"\n", 1)[0]
    assert b'{"source-ref": "s3://' in first and b'", "bounding-box": {' in first
    assert b'":"' not in dumps.read_bytes()
    assert records(dumps) == records(compact)


def test_classification_lines_are_short(tmp_path: Path) -> None:
    path = ensure(SHAPES["classification-short"], LINES, seed=3, data=tmp_path)
    assert 200 <= path.stat().st_size / LINES <= 300


def test_segmentation_has_two_refs_per_line(tmp_path: Path) -> None:
    path = ensure(SHAPES["segmentation-2refs"], LINES, seed=3, data=tmp_path)
    for record in records(path):
        refs = [key for key in record if key.endswith("-ref")]
        assert refs == ["source-ref", "city-streets-ref"]
        assert bucket(record["city-streets-ref"]) == bucket(record["source-ref"])


def test_mixed_key_sets_vary_and_a_ref_label_is_on_some_lines_only(tmp_path: Path) -> None:
    path = ensure(SHAPES["mixed-keysets"], LINES, seed=3, data=tmp_path)
    lines = records(path)
    key_sets = {frozenset(record) for record in lines}
    assert len(key_sets) == 4
    with_mask = sum("city-streets-ref" in record for record in lines)
    with_boxes = sum("bounding-box" in record for record in lines)
    assert 0.15 * LINES < with_mask < 0.45 * LINES
    assert 0.25 * LINES < with_boxes < 0.55 * LINES
    assert all(list(record)[:3] == ["source-ref", "class", "class-metadata"] for record in lines)


def test_many_buckets_spread_over_two_hundred_names_some_dotted(tmp_path: Path) -> None:
    path = ensure(SHAPES["many-buckets"], 3000, seed=3, data=tmp_path)
    buckets = {bucket(record["source-ref"]) for record in records(path)}
    assert 190 <= len(buckets) <= 200
    assert buckets <= set(bucket_names(3))
    assert 20 <= sum("." in name for name in buckets) <= 45
    assert all(3 <= len(name) <= 63 and name == name.lower() for name in buckets)


def defective(line: bytes) -> bool:
    """Does ``line`` carry one of generate.py's defects (found without augman)?"""
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError:  # invalid JSON, NaN, a byte order mark
        return True
    label_twice = line.count(b'"bounding-box":') > 1
    good_uri = str(record.get("source-ref")).startswith("s3://my-gt-bucket/")
    return label_twice or "bounding-box" not in record or not good_uri


def test_about_one_line_in_a_hundred_is_defective(tmp_path: Path) -> None:
    shape = SHAPES["bbox-defects-1pct"]
    path = tmp_path / "defects.manifest"
    injected = shape.write(path, 4000, 3)
    with open(path, "rb") as f:
        found = {number for number, line in enumerate(f, 1) if defective(line)}
    assert found == set(injected)
    assert 0.005 < len(found) / 4000 < 0.015


def test_gzip_shape_is_gzip_of_the_compact_lines(tmp_path: Path) -> None:
    packed = ensure(SHAPES["bbox-gzip"], LINES, seed=4, data=tmp_path)
    plain = ensure(SHAPES["bbox-compact"], LINES, seed=4, data=tmp_path)
    assert packed.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes()
    assert uncompressed_size(packed) == uncompressed_size(plain) == plain.stat().st_size


def test_stdin_shape_shares_the_compact_file(tmp_path: Path) -> None:
    stdin = SHAPES["bbox-stdin"]
    assert stdin.stdin and ensure(stdin, LINES, 4, tmp_path) == ensure(
        SHAPES["bbox-compact"], LINES, 4, tmp_path
    )


def test_tables_put_errors_then_the_worst_ratio_first() -> None:
    rows = [
        Row("good", 10, 1.0, bare=1.0, augman=1.0, target=0.8, peak_mib=40),
        Row("bad", 10, 1.0, bare=1.0, augman=4.0, target=0.8, peak_mib=40),
        Row("broken", 10, 1.0, 0.0, 0.0, target=0.8, peak_mib=40, error="error (exit 2)"),
    ]
    lines = table("validate", rows).splitlines()
    body = [line for line in lines if line.startswith("| ") and "---" not in line][1:]
    assert [line.split(" | ")[0] for line in body] == ["| broken", "| bad", "| good"]
    assert "**0.25**" in body[1] and "**NO**" in body[1]
    assert "| 1.00 | >= 0.8 | yes |" in body[2]


def test_matrix_runs_end_to_end(tmp_path: Path) -> None:
    markdown = tmp_path / "matrix.md"
    argv = [sys.executable, str(ROOT / "benchmarks" / "matrix.py"), "--lines", "300"]
    argv += ["--repeat", "1", "--shapes", "bbox-compact", "--commands", "validate"]
    argv += ["--data-dir", str(tmp_path / "data"), "--markdown", str(markdown)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert "### `validate` (target: ratio >= 0.8)" in done.stdout
    assert (
        "| shape | lines | MB | bare s | augman s | ratio | target | met? | peak MB |"
        in done.stdout
    )
    row = next(line for line in done.stdout.splitlines() if line.startswith("| bbox-compact |"))
    assert "| 300 |" in row and "error" not in row
    assert markdown.read_text().count("| bbox-compact |") == 1
    assert (tmp_path / "data" / "bbox-compact-300-seed1.manifest").exists()


def test_matrix_refuses_an_unknown_shape() -> None:
    argv = [sys.executable, str(ROOT / "benchmarks" / "matrix.py"), "--shapes", "nope"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 2 and "unknown nope" in done.stderr
