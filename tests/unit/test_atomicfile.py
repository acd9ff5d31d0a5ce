"""Output files appear whole or not at all; .gz is gzip with reproducible bytes."""

from __future__ import annotations

import gzip
import os
import stat
from pathlib import Path

import pytest

from augman.errors import SinkError
from augman.outputs.atomicfile import atomic_output, atomic_outputs, ensure_directory


def test_the_file_takes_its_name_only_at_the_end(tmp_path: Path) -> None:
    target = tmp_path / "out.manifest"
    with atomic_output(target) as out:
        out.write(b'{"a": 1}\n')
        assert not target.exists()
        assert next(p.name for p in tmp_path.iterdir()).startswith(".out.manifest.")
    assert target.read_bytes() == b'{"a": 1}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["out.manifest"]


@pytest.mark.parametrize(
    "error", [RuntimeError("boom"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_a_failed_run_leaves_no_file_and_keeps_the_old_one(
    tmp_path: Path, error: BaseException
) -> None:
    target = tmp_path / "out.manifest"
    target.write_bytes(b"old\n")
    with pytest.raises(type(error)), atomic_output(target) as out:
        out.write(b"new\n")
        raise error
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.manifest"]


def test_gz_names_are_gzip_with_equal_bytes_for_equal_content(tmp_path: Path) -> None:
    written = []
    for directory in ("first", "second"):
        (tmp_path / directory).mkdir()
        with atomic_output(tmp_path / directory / "out.manifest.gz") as out:
            for n in range(1000):
                out.write(b'{"n": %d}\n' % n)
        written.append((tmp_path / directory / "out.manifest.gz").read_bytes())
    assert gzip.decompress(written[0]) == b"".join(b'{"n": %d}\n' % n for n in range(1000))
    assert written[0] == written[1]  # no timestamp in the header


def test_permissions_follow_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        with atomic_output(tmp_path / "out.manifest") as out:
            out.write(b"{}\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.manifest").stat().st_mode) == 0o640


def test_several_outputs_succeed_or_fail_together(tmp_path: Path) -> None:
    paths = [tmp_path / "train.manifest", tmp_path / "validation.manifest"]
    with pytest.raises(RuntimeError), atomic_outputs(paths) as outs:
        outs[0].write(b"{}\n")
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []
    with atomic_outputs(paths) as outs:
        outs[1].write(b"{}\n")
    assert [p.read_bytes() for p in paths] == [b"", b"{}\n"]


@pytest.mark.parametrize("where", ["missing-dir/out.manifest", "a-dir"], ids=["no-dir", "is-dir"])
def test_unwritable_targets_are_sink_errors(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-dir").mkdir()
    with pytest.raises(SinkError, match="cannot write"), atomic_output(tmp_path / where) as out:
        out.write(b"{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-dir"]


def test_ensure_directory_creates_parents_or_says_why_not(tmp_path: Path) -> None:
    assert ensure_directory(tmp_path / "a" / "b").is_dir()
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(SinkError, match="cannot create the directory"):
        ensure_directory(tmp_path / "file" / "sub")
