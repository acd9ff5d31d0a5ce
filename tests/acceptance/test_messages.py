"""Messages that say what happened: no table before an error, no "line before it" at line 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "augman", *args], capture_output=True, text=True, cwd=ROOT,
        timeout=60,
    )  # fmt: skip


def test_dump_of_a_missing_file_prints_no_table(tmp_path: Path) -> None:
    result = run("dump", str(tmp_path / "missing.rio"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "no such file" in result.stderr


def test_dump_of_an_empty_stream_prints_the_header(tmp_path: Path) -> None:
    empty = tmp_path / "empty.rio"
    empty.write_bytes(b"")
    result = run("dump", str(empty))
    assert result.returncode == 0
    assert result.stdout.split() == ["record", "offset", "bytes", "type", "preview"]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (['{"a":1}'], "stopped at line 1 of {m}: no record was written"),
        (['{"b":1}', '{"a":1}'], "stopped at line 2 of {m}: the stream ends with the records"),
    ],
    ids=["first-line", "second-line"],
)
def test_a_stopped_stream_says_what_was_written(
    tmp_path: Path, lines: list[str], message: str
) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_text("".join(line + "\n" for line in lines))
    result = run("stream", str(manifest), "--attrs", "b", "-o", str(tmp_path / "out.rio"))
    assert result.returncode == 1
    assert message.format(m=manifest) in " ".join(result.stderr.split())
