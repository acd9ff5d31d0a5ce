"""A line longer than --max-line-bytes is AM115, read past in bounded memory; the run goes on.

Memory is measured as the peak RSS of a real subprocess (``RUSAGE_CHILDREN`` of a fresh
Python that runs only that pipeline), fed hundreds of MB with no newline.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import augman
import augman.api
from augman.inputs.lines import LongLine, arriving, line_chunks, range_lines, read_line
from tests.conftest import augman_command, subprocess_env

GOOD = b'{"source-ref":"s3://bucket-a/k.jpg","class":1}'
LONG = b'{"source-ref":"s3://bucket-a/' + b"x" * 300 + b'.jpg","class":1}'  # 345 bytes
LIMIT = 100


def _lines(data: bytes, limit: int, block: int = 7) -> list[bytes]:
    stream = io.BufferedReader(io.BytesIO(data), block)
    return [line for chunk in arriving(stream, max_line=limit) for line in chunk]


@pytest.mark.parametrize("block", [1, 7, 64, 4096])
@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"ab\n" + b"x" * 30 + b"\ncd\n", [b"ab\n", (31, True), b"cd\n"]),
        (b"x" * 30 + b"\nab", [(31, True), b"ab"]),
        (b"ab\n" + b"x" * 30, [b"ab\n", (30, False)]),
        (b"x" * 10 + b"\n" + b"y" * 11 + b"\n", [b"x" * 10 + b"\n", (12, True)]),
        (b"\n" * 3, [b"\n"] * 3),
    ],
    ids=["middle", "first", "last-without-newline", "at-and-over-the-limit", "blank"],
)
def test_lines_over_the_limit_become_long_lines(
    data: bytes, expected: list[Any], block: int
) -> None:
    got = _lines(data, 10, block)
    assert [
        (line.length, line.endswith(b"\n")) if type(line) is LongLine else line for line in got
    ] == expected


def test_every_way_of_cutting_lines_applies_the_limit(tmp_path: Path) -> None:
    data = GOOD + b"\n" + LONG + b"\n" + GOOD + b"\n"
    path = tmp_path / "m.manifest"
    path.write_bytes(data)
    with path.open("rb") as handle:
        cuts = {
            "chunks": [ln for c in line_chunks(handle, LIMIT) for ln in c],
            "range": list(range_lines(handle, 0, len(data), block=16, max_line=LIMIT)),
        }
        handle.seek(0)
        cuts["read_line"] = [read_line(handle, LIMIT) for _ in range(3)]
    for name, lines in cuts.items():
        assert [type(ln) is LongLine for ln in lines] == [False, True, False], name
        assert lines[1].length == len(LONG) + 1, name


def test_a_long_line_is_one_finding_and_the_lines_after_it_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_bytes(b"\n".join([GOOD, LONG, b"{not json", GOOD, LONG]) + b"\n")
    report = augman.validate([str(path)], attrs=["source-ref", "class"], max_line_bytes=LIMIT)
    found = [(f.line, f.code, f.message) for f in report.findings]
    message = f"the line is {len(LONG):,} bytes, over the limit of {LIMIT}"
    assert found == [(2, "AM115", message), (3, "AM101", found[1][2]), (5, "AM115", message)]
    assert report.sources[0].lines == 5
    assert augman.validate([str(path)], max_line_bytes=len(LONG)).counts.get("AM115", 0) == 0


def test_the_default_limit_is_64_mib() -> None:
    assert augman.api.MAX_LINE_BYTES == 64 * 1024 * 1024


def test_parallel_validation_finds_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from augman.checking import parallel

    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)
    path = tmp_path / "m.manifest"
    path.write_bytes((GOOD + b"\n") * 50 + LONG + b"\n" + (GOOD + b"\n") * 50)
    for jobs in (1, 2, 3, 7):
        report = augman.validate([str(path)], max_line_bytes=LIMIT, jobs=jobs)
        assert [(f.line, f.code) for f in report.findings] == [(51, "AM115")], jobs
        assert report.sources[0].lines == 101


@pytest.mark.parametrize("shuffle", [[], ["--shuffle"]], ids=["in-order", "shuffled"])
def test_select_skips_or_stops_at_a_long_line(
    write_manifest: Callable[..., Path], cli: Callable[..., Any], shuffle: list[str]
) -> None:
    path = write_manifest(GOOD, LONG, GOOD.replace(b"1}", b"2}"))
    limit = ["--max-line-bytes", str(LIMIT)]
    skipped = cli("select", path, *limit, "--on-error", "skip", *shuffle)
    assert skipped.exit_code == 1
    assert sorted(skipped.stdout_bytes.splitlines()) == sorted([GOOD, GOOD.replace(b"1}", b"2}")])
    assert f"{path}:2: AM115" in skipped.stderr
    if not shuffle:
        stopped = cli("select", path, *limit)
        assert (stopped.exit_code, stopped.stdout_bytes) == (1, GOOD + b"\n")
        assert "AM115" in stopped.stderr


@pytest.mark.parametrize("shuffle", [[], ["--shuffle-seed", "3"]], ids=["in-order", "shuffled"])
def test_stream_skips_or_stops_at_a_long_line(
    write_manifest: Callable[..., Path], cli: Callable[..., Any], shuffle: list[str]
) -> None:
    path = write_manifest(GOOD, LONG, GOOD)
    args = ["stream", path, "--attrs", "class", "--wrap", "none", "--max-line-bytes", str(LIMIT)]
    skipped = cli(*args, "--on-error", "skip", *shuffle)
    assert (skipped.exit_code, skipped.stdout_bytes) == (1, b"11")
    assert f"{path}:2: AM115" in skipped.stderr
    stopped = cli(*args)
    assert (stopped.exit_code, stopped.stdout_bytes) == (1, b"1")


def test_stats_counts_a_long_line_as_invalid_and_its_bytes(
    write_manifest: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    path = write_manifest(GOOD, LONG, GOOD)
    result = cli("stats", path, "--max-line-bytes", str(LIMIT), "--format", "json")
    doc = json.loads(result.stdout)
    assert (doc["lines"], doc["valid_lines"], doc["bytes"]) == (3, 2, path.stat().st_size)
    assert doc["findings"] == {"AM115": 1}


def test_the_limit_must_be_positive(
    write_manifest: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    result = cli("validate", write_manifest(GOOD), "--max-line-bytes", "0")
    assert result.exit_code == 2


def _peak_rss_mb(shell: str) -> tuple[int, bytes, int]:
    """Run ``shell`` from a fresh Python; its children's peak RSS in MB, their output, exit."""
    probe = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(['sh', '-c', sys.argv[1]], capture_output=True)\n"
        "sys.stdout.buffer.write(done.stdout + done.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
        "sys.exit(done.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, shell], capture_output=True, env=subprocess_env(), timeout=120
    )
    *output, peak = done.stdout.rstrip(b"\n").split(b"\n")
    return int(peak), b"\n".join(output), done.returncode


COMMANDS = {
    "validate": ["validate", "-"],
    "select": ["select", "-", "--on-error", "skip"],
    "stream": ["stream", "-", "--attrs", "a", "--on-error", "skip", "-o", "/dev/null"],
    "stats": ["stats", "-"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_200_mb_of_zeros_from_a_pipe_stay_in_bounded_memory(command: str) -> None:
    argv = " ".join(augman_command(*COMMANDS[command], "--max-line-bytes", "1000000"))
    shell = f"(head -c 200000000 /dev/zero; echo; echo '{{\"a\":1}}') | {argv}"
    peak, output, code = _peak_rss_mb(shell)
    assert peak < 120, f"{command} peaked at {peak} MB"  # 800 MB before the limit
    assert code == (0 if command == "stats" else 1)
    assert b"AM115" in output
    assert b"200,000,000 bytes" in output
    if command == "select":
        assert b'{"a":1}' in output  # the line after it is kept


def test_a_gzip_bomb_stays_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.manifest.gz"
    zeros, packer = bytes(1 << 20), zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip framing
    with bomb.open("wb") as out:
        for _ in range(256):
            out.write(packer.compress(zeros))
        out.write(packer.compress(b"\n" + GOOD + b"\n") + packer.flush())
    assert bomb.stat().st_size < 1_000_000
    with gzip.open(bomb) as unpacked:
        assert unpacked.read(10) == bytes(10)
    argv = augman_command("validate", str(bomb), "--max-line-bytes", "65536", "--format", "json")
    peak, output, code = _peak_rss_mb(" ".join(argv))
    assert peak < 120, f"validate peaked at {peak} MB"  # 2.2 GB before the limit
    assert code == 1
    report = json.loads(output)
    assert [(f["line"], f["code"]) for f in report["findings"]] == [(1, "AM115")]
    assert "268,435,456 bytes" in report["findings"][0]["message"]
    assert report["summary"]["sources"][0]["lines"] == 2
