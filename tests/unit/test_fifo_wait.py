"""The FIFO sinks tell a caller before they wait for a reader, and only then."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from augman.outputs import sinks, smroot


def _write_one_epoch(sink_cm: object, data: bytes) -> threading.Thread:
    def run() -> None:
        with sink_cm as sink, sink.epoch(0) as out:  # type: ignore[attr-defined]
            out.write(data)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _wait_until(condition: object) -> None:
    deadline = time.monotonic() + 30
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.01)


def test_to_fifo_calls_on_wait_before_it_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    waited: list[Path] = []
    thread = _write_one_epoch(sinks.to_fifo(fifo, on_wait=waited.append), b"data")
    _wait_until(lambda: waited)
    assert waited == [fifo]
    with fifo.open("rb") as reader:
        assert reader.read() == b"data"
    thread.join(30)


def test_to_fifo_does_not_call_on_wait_when_a_reader_is_there(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader before the writer
    waited: list[Path] = []
    try:
        thread = _write_one_epoch(sinks.to_fifo(fifo, on_wait=waited.append), b"data")
        thread.join(30)
        os.set_blocking(reader, True)
        assert os.read(reader, 100) == b"data"
    finally:
        os.close(reader)
    assert waited == []


def test_sm_root_calls_on_wait_with_the_epoch_fifo(tmp_path: Path) -> None:
    waited: list[Path] = []
    sink = smroot.to_sagemaker(tmp_path, "train", on_wait=waited.append)
    thread = _write_one_epoch(sink, b"data")
    fifo = tmp_path / "input" / "data" / "train_0"
    _wait_until(lambda: waited)
    assert waited == [fifo]
    with fifo.open("rb") as reader:
        assert reader.read() == b"data"
    thread.join(30)
