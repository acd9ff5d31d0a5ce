"""`augman stream` with `-ref` attributes: objects from a --mirror folder and from S3."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parent.parent.parent
EXAMPLES = ROOT / "examples"
MIRROR = "s3://example-bucket/images=" + str(EXAMPLES / "images")
MAGIC = 0xCED7230A


def record(payload: bytes) -> bytes:
    return struct.pack("<II", MAGIC, len(payload)) + payload + b"\x00" * (-len(payload) % 4)


def example_records(manifest: Path, attrs: list[str], images: Path) -> bytes:
    """What the stream must hold, built from the manifest and the image files directly."""
    out = b""
    for text in manifest.read_text().splitlines():
        line = json.loads(text)
        for attr in attrs:
            if attr.endswith("-ref"):
                out += record((images / line[attr].rsplit("/", 1)[1]).read_bytes())
            else:
                out += record(json.dumps(line[attr], separators=(",", ":")).encode())
    return out


@pytest.mark.parametrize("concurrency", ["1", "16"])
def test_the_example_streams_offline_from_a_mirror(cli: Any, concurrency: str) -> None:
    manifest = EXAMPLES / "classification.manifest"
    result = cli(
        "stream", manifest, "--attrs", "source-ref,class", "--mirror", MIRROR,
        "--concurrency", concurrency,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == example_records(
        manifest, ["source-ref", "class"], EXAMPLES / "images"
    )


def test_the_example_pipeline_through_dump(run_augman: Any) -> None:
    streamed = run_augman(
        "stream", "examples/classification.manifest", "--attrs", "source-ref,class",
        "--mirror", "s3://example-bucket/images=examples/images",
    )  # fmt: skip
    assert streamed.returncode == 0, streamed.stderr
    dumped = run_augman("dump", "--attrs", "source-ref,class", input=streamed.stdout)
    assert dumped.returncode == 0, dumped.stderr
    rows = dumped.stdout.decode().splitlines()[1:]
    assert len(rows) == 12
    assert "source-ref" in rows[0] and "jpeg" in rows[0]
    assert "png" in rows[10]


def test_a_file_missing_from_the_mirror_stops_after_the_lines_before(
    cli: Any, write_manifest: Any, tmp_path: Path
) -> None:
    images = tmp_path / "images"
    images.mkdir()
    (images / "a.jpg").write_bytes(b"AAAA")
    path = write_manifest(
        '{"source-ref": "s3://bucket/images/a.jpg", "class": 1}',
        '{"source-ref": "s3://bucket/images/gone.jpg", "class": 2}',
    )
    result = cli(
        "stream", path, "--attrs", "source-ref,class", "--mirror", f"s3://bucket/images={images}"
    )
    assert result.exit_code == 1
    assert result.stdout_bytes == record(b"AAAA") + record(b"1")
    assert f"{path}:2: source-ref: s3://bucket/images/gone.jpg: no such file" in result.stderr


def test_a_bad_mirror_option_is_a_usage_error(cli: Any, write_manifest: Any) -> None:
    result = cli("stream", write_manifest('{"a": 1}'), "--attrs", "a", "--mirror", "nope")
    assert result.exit_code == 2
    assert "--mirror 'nope'" in result.stderr


def test_objects_come_from_s3(cli: Any, s3: Any, write_manifest: Any) -> None:
    s3.create_bucket(Bucket="pets")
    s3.put_object(Bucket="pets", Key="img/1.jpg", Body=b"\xff\xd8\xffone")
    s3.put_object(Bucket="pets", Key="img/2.jpg", Body=b"\xff\xd8\xfftwo!")
    path = write_manifest(
        '{"source-ref": "s3://pets/img/1.jpg", "class": 1}',
        '{"source-ref": "s3://pets/img/2.jpg", "class": 2}',
    )
    result = cli("stream", path, "--attrs", "class,source-ref")
    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes == (
        record(b"1") + record(b"\xff\xd8\xffone") + record(b"2") + record(b"\xff\xd8\xfftwo!")
    )


def test_a_missing_s3_object_exits_1_naming_line_and_attribute(
    cli: Any, s3: Any, write_manifest: Any
) -> None:
    s3.create_bucket(Bucket="pets")
    path = write_manifest('{"source-ref": "s3://pets/img/none.jpg", "class": 1}')
    result = cli("stream", path, "--attrs", "source-ref,class")
    assert result.exit_code == 1
    assert result.stdout_bytes == b""
    assert f"{path}:1: source-ref: s3://pets/img/none.jpg" in result.stderr


@pytest.mark.s3server
def test_manifest_and_objects_over_http(server_s3: Any, moto_server: str, run_augman: Any) -> None:
    server_s3.create_bucket(Bucket="pets")
    server_s3.put_object(Bucket="pets", Key="img/1.png", Body=b"\x89PNG\r\n\x1a\nabc")
    server_s3.put_object(
        Bucket="pets",
        Key="train.manifest",
        Body=b'{"source-ref": "s3://pets/img/1.png", "class": 7}\n',
    )
    result = run_augman(
        "stream", "s3://pets/train.manifest", "--attrs", "source-ref,class",
        "--endpoint-url", moto_server, "--shuffle-seed", "1", "--epochs", "2",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == (record(b"\x89PNG\r\n\x1a\nabc") + record(b"7")) * 2
