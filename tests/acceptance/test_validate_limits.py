"""Big inputs: 5 MB lines are fine, and memory does not grow with the manifest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import augman
from tests.conftest import subprocess_env

LINE = b'{"source-ref":"s3://my-bucket/images/%07d.jpg","class":%d,"class-metadata":{"confidence":0.9}}\n'


def test_a_five_megabyte_line_is_valid(write_manifest: Any) -> None:
    big = '{"source-ref":"s3://my-bucket/k.jpg","blob":"' + "x" * (5 << 20) + '"}'
    report = augman.validate([str(write_manifest(big, big))], attrs=["source-ref", "blob"])
    assert report.findings == ()


def _peak_rss_kib(path: Path) -> int:
    script = (
        "import resource, augman;"
        f"r = augman.validate([{str(path)!r}], attrs=['source-ref', 'class']);"
        "assert r.total == 0, r.counts;"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env=subprocess_env(), check=True
    )
    return int(result.stdout)


def test_memory_does_not_grow_with_the_manifest(tmp_path: Path) -> None:
    small, large = tmp_path / "small.manifest", tmp_path / "large.manifest"
    small.write_bytes(b"".join(LINE % (i, i % 5) for i in range(10_000)))
    large.write_bytes(b"".join(LINE % (i, i % 5) for i in range(300_000)))  # ~30 MB
    growth = _peak_rss_kib(large) - _peak_rss_kib(small)
    assert growth < 8 * 1024, f"peak RSS grew by {growth} KiB for 30x the lines"
