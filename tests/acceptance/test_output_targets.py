"""Where ``-o`` lands: a FIFO or a device is written into (never replaced), a symbolic link is
written through (the file it points to replaced atomically; the link stays a link).

Devices are only ever /dev/null, and only once the code is known to write it in place;
everything else is made in tmp_path.
"""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from augman.outputs.atomicfile import atomic_output, writes_in_place

LINES = b'{"source-ref": "s3://bucket-a/a.jpg", "class": 1}\n{"source-ref": "s3://bucket-a/b.jpg", "class": 2}\n'


class FifoReader:
    """Reads a FIFO to its end on a thread (the writer's open waits for a reader)."""

    def __init__(self, path: Path) -> None:
        os.mkfifo(path)
        self.data = b""
        self._thread = threading.Thread(target=self._read, args=(path,), daemon=True)
        self._thread.start()

    def _read(self, path: Path) -> None:
        with path.open("rb") as fifo:
            self.data = fifo.read()

    def join(self) -> bytes:
        self._thread.join(30)
        return self.data


def _select(cli: Callable[..., Any], manifest: Path, out: Path) -> Any:
    return cli("select", manifest, "-o", out)


def _stream(cli: Callable[..., Any], manifest: Path, out: Path) -> Any:
    return cli("stream", manifest, "--attrs", "class", "--wrap", "none", "-o", out)


WRITERS = {"select": (_select, LINES), "stream": (_stream, b"12")}


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "in.manifest"
    path.write_bytes(LINES)
    return path


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_fifo_is_written_into_not_replaced(
    tmp_path: Path, manifest: Path, cli: Callable[..., Any], command: str
) -> None:
    write, expected = WRITERS[command]
    fifo = tmp_path / "out.fifo"
    reader = FifoReader(fifo)
    result = write(cli, manifest, fifo)
    assert result.exit_code == 0, result.stderr
    assert reader.join() == expected
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.manifest", "out.fifo"]


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_symlink_is_written_through_and_stays_a_symlink(
    tmp_path: Path, manifest: Path, cli: Callable[..., Any], command: str
) -> None:
    write, expected = WRITERS[command]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = elsewhere / "real.out"
    target.write_bytes(b"old\n")
    link = tmp_path / "link.out"
    link.symlink_to(target)
    result = write(cli, manifest, link)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == expected
    assert sorted(p.name for p in elsewhere.iterdir()) == ["real.out"]  # no temp file left


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_dangling_symlink_makes_the_file_it_names(
    tmp_path: Path, manifest: Path, cli: Callable[..., Any], command: str
) -> None:
    write, expected = WRITERS[command]
    link = tmp_path / "link.out"
    link.symlink_to(tmp_path / "made.out")
    assert write(cli, manifest, link).exit_code == 0
    assert link.is_symlink() and (tmp_path / "made.out").read_bytes() == expected


def test_a_symlink_to_a_fifo_is_written_into_the_fifo(
    tmp_path: Path, manifest: Path, cli: Callable[..., Any]
) -> None:
    reader = FifoReader(tmp_path / "out.fifo")
    link = tmp_path / "link.out"
    link.symlink_to(tmp_path / "out.fifo")
    assert _select(cli, manifest, link).exit_code == 0
    assert reader.join() == LINES
    assert link.is_symlink() and stat.S_ISFIFO((tmp_path / "out.fifo").stat().st_mode)


def test_a_gzip_name_on_a_fifo_is_compressed_into_it(tmp_path: Path) -> None:
    import gzip

    reader = FifoReader(tmp_path / "out.manifest.gz")
    with atomic_output(tmp_path / "out.manifest.gz") as out:
        out.write(LINES)
    assert gzip.decompress(reader.join()) == LINES


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_dev_null_is_written_into(manifest: Path, cli: Callable[..., Any], command: str) -> None:
    devnull = Path(os.devnull)
    if not writes_in_place(devnull):  # never let code that would replace it run as root
        pytest.fail("/dev/null would be replaced, not written")
    before = os.stat(devnull)
    write, _ = WRITERS[command]
    assert write(cli, manifest, devnull).exit_code == 0
    after = os.stat(devnull)
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_rdev) == (
        before.st_ino,
        before.st_rdev,
    )
