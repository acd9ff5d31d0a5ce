"""`augman stream` as a real process: pipes, FIFOs, epochs, signals, memory."""

from __future__ import annotations

import json
import os
import select
import signal
import struct
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, augman_command, subprocess_env

MAGIC = 0xCED7230A
WAIT = 30.0  # seconds before a test gives up on a process: a hang, never a timing


def record(payload: bytes) -> bytes:
    return struct.pack("<II", MAGIC, len(payload)) + payload + b"\x00" * (-len(payload) % 4)


def numbered(path: Path, count: int, padding: int = 0) -> Path:
    """A manifest of ``count`` lines ``{"source": "line N", "class": N}``."""
    filler = "x" * padding
    with path.open("w") as handle:
        for n in range(count):
            handle.write(json.dumps({"source": f"line {n}", "class": n, "pad": filler}) + "\n")
    return path


def expected(count: int, order: list[int] | None = None) -> bytes:
    return b"".join(record(str(n).encode()) for n in order or range(count))


def start(*args: Any, **options: Any) -> subprocess.Popen[bytes]:
    """Start augman; SIGINT is restored to its default so Python turns it into Ctrl-C."""
    return subprocess.Popen(
        augman_command(*args), env=subprocess_env(), cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), **options,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def read_fifo(path: Path, limit: int | None = None) -> bytes:
    """Wait for the FIFO to appear, open it, read to EOF (or ``limit`` bytes), close it."""
    wait_for(path.exists, str(path))
    with path.open("rb") as fifo:
        return fifo.read(limit) if limit is not None else fifo.read()


class Reader(threading.Thread):
    """A training container's reader: ``<channel>_0``, ``_1``... in turn."""

    def __init__(self, data_dir: Path, channel: str, limits: list[int | None]) -> None:
        super().__init__(daemon=True)
        self.paths = [data_dir / f"{channel}_{n}" for n in range(len(limits))]
        self.limits = limits
        self.epochs: list[bytes] = []

    def run(self) -> None:
        for path, limit in zip(self.paths, self.limits, strict=True):
            self.epochs.append(read_fifo(path, limit))


# -- a closed stdout ---------------------------------------------------------------------


def test_head_closing_stdout_ends_quietly(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 200_000)  # ~4 MB: more than any pipe holds
    command = " ".join(augman_command("stream", str(manifest), "--attrs", "source"))
    result = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -c 10 > /dev/null"],
        env=subprocess_env(), cwd=ROOT, capture_output=True, timeout=WAIT,
    )  # fmt: skip
    assert result.stderr == b""
    assert result.returncode == 141


# -- FIFOs ----------------------------------------------------------------------------------


def test_fifo_option_serves_a_reader(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 100)
    fifo = tmp_path / "pipe"
    process = start("stream", manifest, "--attrs", "class", "--fifo", fifo, "--epochs", "2")
    data = read_fifo(fifo)
    assert process.wait(WAIT) == 0
    assert data == expected(100) * 2
    assert not fifo.exists()


def test_an_existing_fifo_is_used_and_kept(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 3)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    process = start("stream", manifest, "--attrs", "class", "--fifo", fifo)
    assert read_fifo(fifo) == expected(3)
    assert process.wait(WAIT) == 0
    assert fifo.is_fifo()


def test_sm_root_serves_one_fifo_per_epoch_and_removes_them(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 50)
    root = tmp_path / "opt_ml"
    reader = Reader(root / "input" / "data", "train", [None, None, None])
    reader.start()
    process = start(
        "stream", manifest, "--attrs", "class", "--sm-root", root, "--channel", "train",
        "--epochs", "3", "--shuffle-seed", "11",
    )  # fmt: skip
    assert process.wait(WAIT) == 0
    reader.join(WAIT)
    assert len(reader.epochs) == 3
    assert len(set(reader.epochs)) == 3  # a new order every epoch
    for epoch in reader.epochs:
        assert sorted(epoch[i : i + 12] for i in range(0, len(epoch), 12)) == sorted(
            record(str(n).encode()) for n in range(50)
        )
    assert list((root / "input" / "data").iterdir()) == []
    config = json.loads((root / "input" / "config" / "inputdataconfig.json").read_text())
    assert config["train"]["TrainingInputMode"] == "Pipe"


def test_same_seed_same_bytes_on_the_fifos(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 40)
    runs = []
    for run in range(2):
        root = tmp_path / f"opt_ml_{run}"
        reader = Reader(root / "input" / "data", "train", [None, None])
        reader.start()
        process = start(
            "stream", manifest, "--attrs", "class", "--sm-root", root, "--channel", "train",
            "--epochs", "2", "--shuffle-seed", "5",
        )  # fmt: skip
        assert process.wait(WAIT) == 0
        reader.join(WAIT)
        runs.append(reader.epochs)
    assert runs[0] == runs[1]


def test_a_reader_closing_an_epoch_early_ends_that_epoch_only(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 200_000)  # ~3 MB an epoch: 3x what a pipe holds
    root = tmp_path / "opt_ml"
    reader = Reader(root / "input" / "data", "train", [100, None])
    reader.start()
    process = start(
        "stream", manifest, "--attrs", "class", "--sm-root", root, "--channel", "train",
        "--epochs", "2", stderr=subprocess.PIPE,
    )  # fmt: skip
    _, stderr = process.communicate(timeout=WAIT)
    reader.join(WAIT)
    assert process.returncode == 0, stderr
    assert reader.epochs[0] == expected(200_000)[:100]
    assert reader.epochs[1] == expected(200_000)
    assert stderr == b""


def test_the_next_fifo_exists_before_the_current_one_ends(tmp_path: Path) -> None:
    manifest = numbered(tmp_path / "m.manifest", 3)
    data_dir = tmp_path / "opt_ml" / "input" / "data"
    process = start(
        "stream", manifest, "--attrs", "class", "--sm-root", tmp_path / "opt_ml",
        "--channel", "train", "--epochs", "2",
    )  # fmt: skip
    wait_for((data_dir / "train_0").exists, "train_0")
    with (data_dir / "train_0").open("rb") as fifo:
        first = fifo.read()  # EOF: augman closed train_0 ...
        assert (data_dir / "train_1").is_fifo()  # ... after making train_1
    assert first == expected(3)
    assert read_fifo(data_dir / "train_1") == expected(3)
    assert process.wait(WAIT) == 0


# -- signals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "code", "sink"),
    [
        (signal.SIGINT, 130, "fifo"),
        (signal.SIGTERM, 143, "fifo"),
        (signal.SIGINT, 130, "sm-root"),
        (signal.SIGTERM, 143, "sm-root"),
    ],
    ids=["sigint-fifo", "sigterm-fifo", "sigint-sm-root", "sigterm-sm-root"],
)
def test_a_signal_while_waiting_for_a_reader_cleans_up(
    tmp_path: Path, signum: int, code: int, sink: str
) -> None:
    manifest = numbered(tmp_path / "m.manifest", 3)
    if sink == "fifo":
        fifo = tmp_path / "pipe"
        options: tuple[Any, ...] = ("--fifo", fifo)
    else:
        fifo = tmp_path / "opt_ml" / "input" / "data" / "train_0"
        options = ("--sm-root", tmp_path / "opt_ml", "--channel", "train")
    process = start("stream", manifest, "--attrs", "class", *options, stderr=subprocess.PIPE)
    wait_for(fifo.exists, str(fifo))
    time.sleep(0.2)  # let it reach the blocking open; a signal earlier is handled the same way
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=WAIT)
    assert process.returncode == code
    assert not fifo.exists()
    assert b"Traceback" not in stderr


def test_ctrl_c_removes_a_partial_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.bin"
    process = start("stream", "-", "--attrs", "class", "-o", out, stdin=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write(b'{"class": 1}\n')
    process.stdin.flush()
    wait_for(lambda: any(p.name.startswith(".out.bin.") for p in tmp_path.iterdir()), "temp file")
    process.send_signal(signal.SIGINT)
    assert process.wait(WAIT) == 130
    assert list(tmp_path.iterdir()) == []


# -- streaming, not buffering -----------------------------------------------------------------


def test_the_first_record_leaves_before_the_last_line_is_read() -> None:
    process = start(
        "stream", "-", "--attrs", "class", stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(b'{"class": "first"}\n')
    process.stdin.flush()
    ready, _, _ = select.select([process.stdout], [], [], WAIT)
    assert ready, "no record came out while the manifest was still open"
    assert os.read(process.stdout.fileno(), 100) == record(b"first")
    process.stdin.write(b'{"class": "last"}\n')
    process.stdin.close()
    assert process.stdout.read() == record(b"last")
    assert process.wait(WAIT) == 0


def peak_rss_kib(manifest: Path) -> int:
    process = start("stream", manifest, "--attrs", "source,class,pad", stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    assert process.returncode == 0
    return int(usage.ru_maxrss)


def test_memory_does_not_grow_with_the_manifest(tmp_path: Path) -> None:
    small = numbered(tmp_path / "small.manifest", 10_000, padding=200)  # ~2.5 MB
    large = numbered(tmp_path / "large.manifest", 100_000, padding=200)  # ~25 MB
    growth = peak_rss_kib(large) - peak_rss_kib(small)
    assert growth < 6 * 1024, f"peak RSS grew by {growth} KiB for 10x the lines"
