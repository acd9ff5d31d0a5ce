"""`validate --jobs N` gives the same report as a serial run."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

import augman
from augman.checking import parallel

DATA = Path(__file__).parent.parent / "data"
EXAMPLES = sorted((DATA / "invalid").glob("*.manifest")) + sorted(
    (DATA / "valid").glob("*.manifest")
)


@pytest.fixture(autouse=True)
def _tiny_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)


@pytest.mark.parametrize("manifest", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
@pytest.mark.parametrize("attrs", [None, ["source-ref", "class"]], ids=["no-attrs", "attrs"])
def test_parallel_report_equals_serial(manifest: Path, attrs: Any) -> None:
    serial = augman.validate([str(manifest)], attrs=attrs, max_findings=2)
    assert augman.validate([str(manifest)], attrs=attrs, max_findings=2, jobs=3) == serial


def test_line_numbers_continue_across_ranges(write_manifest: Any) -> None:
    lines = [f'{{"source-ref":"s3://b-1/{i}"}}' if i % 7 else f"[{i}]" for i in range(200)]
    path = write_manifest(*lines)
    report = augman.validate([str(path)], jobs=4)
    assert [f.line for f in report.findings] == [i + 1 for i in range(0, 200, 7)]
    assert report.sources[0].lines == 200


def test_ranges_cover_the_file_on_line_boundaries(write_manifest: Any) -> None:
    path = write_manifest(*(f'{{"n":{"x" * (i % 13)!r}}}' for i in range(100)))
    data = path.read_bytes()
    ranges = parallel.split_ranges(str(path), 7)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
    assert all(data[start - 1 : start] == b"\n" for start, _ in ranges[1:])


def test_job_count_needs_enough_bytes_per_job(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 100)
    assert parallel.job_count(4, 250) == 2
    assert parallel.job_count(4, 50) == 1
    assert parallel.job_count(0, 10**9) >= 1


def test_cli_jobs_option(cli: Any, write_manifest: Any) -> None:
    path = write_manifest('{"source-ref":"s3://b-1/k"}', "[1]")
    result = cli("validate", path, "--jobs", "2", "-q")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:2:1: AM102 error: the line is a JSON array, not an object"
    ]
