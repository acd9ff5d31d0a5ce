"""``--sm-root``: a SageMaker ``/opt/ml`` tree for one Pipe-mode channel (spec section 4).

``input/config/inputdataconfig.json`` describes the channel as SageMaker does
(``TrainingInputMode``, ``S3DistributionType``, ``RecordWrapperType`` and, when
given, ``ContentType``), keeping the other channels of an existing file, and each
epoch is served on its own FIFO, ``input/data/<channel>_<epoch>``. The FIFO of the
next epoch exists before the current one is closed (the reader's end-of-file); a
reader that closes an epoch's FIFO early ends that epoch, not the stream. FIFOs
augman made are removed when it exits, however it exits.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from augman.errors import SinkError, UsageError
from augman.outputs.atomicfile import discard, rename_into_place, temporary_beside
from augman.outputs.sinks import (
    EpochOutput,
    Output,
    Sink,
    Waiting,
    grow_pipe,
    make_dirs,
    make_fifo,
    open_for_writing,
    remove,
)

_CHANNEL = re.compile(r"[A-Za-z0-9.\-_]{1,64}")


class SageMakerSink:
    """``<root>/input/data/<channel>_<epoch>`` FIFOs, one per epoch, as in Pipe mode."""

    def __init__(
        self, data_dir: Path, channel: str, epochs: int, on_wait: Waiting | None = None
    ) -> None:
        self.data_dir = data_dir
        self.channel = channel
        self.epochs = epochs
        self.on_wait = on_wait
        self.created: list[Path] = []

    def fifo(self, index: int) -> Path:
        return self.data_dir / f"{self.channel}_{index}"

    def prepare(self, index: int) -> None:
        """Make epoch ``index``'s FIFO, so that a reader waiting for it finds it."""
        path = self.fifo(index)
        if make_fifo(path):
            self.created.append(path)

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[Output]:
        path = self.fifo(index)
        fd = open_for_writing(path, self.on_wait)
        try:
            grow_pipe(fd)
            yield EpochOutput(fd, str(path))
            if index + 1 < self.epochs:
                self.prepare(index + 1)  # before the close that is this epoch's EOF
        finally:
            os.close(fd)


@contextlib.contextmanager
def to_sagemaker(
    root: Path,
    channel: str,
    *,
    epochs: int = 1,
    content_type: str | None = None,
    sharded: bool = False,
    wrapper: str = "RecordIO",
    on_wait: Waiting | None = None,
) -> Iterator[Sink]:
    """Lay out ``root`` as SageMaker's ``/opt/ml`` for one Pipe-mode channel.

    Writes ``input/config/inputdataconfig.json`` (other channels in an existing
    file are kept) and serves ``input/data/<channel>_0``, ``_1``, ... as FIFOs.
    ``on_wait(path)`` is called before waiting for a reader to open one.
    """
    if not _CHANNEL.fullmatch(channel):
        raise UsageError(
            f"--channel {channel!r} is not a valid ChannelName",
            "1 to 64 characters of A-Z, a-z, 0-9, '.', '-' and '_', e.g. train",
        )
    entry = {"TrainingInputMode": "Pipe"}
    if content_type is not None:
        entry = {"ContentType": content_type, **entry}
    entry["S3DistributionType"] = "ShardedByS3Key" if sharded else "FullyReplicated"
    entry["RecordWrapperType"] = wrapper
    write_input_config(root / "input" / "config" / "inputdataconfig.json", channel, entry)
    sink = SageMakerSink(make_dirs(root / "input" / "data"), channel, epochs, on_wait)
    try:
        sink.prepare(0)
        yield sink
    finally:
        for path in sink.created:
            remove(path)


def write_input_config(path: Path, channel: str, entry: dict[str, str]) -> None:
    """Set ``channel``'s entry in an ``inputdataconfig.json``, keeping the other channels."""
    make_dirs(path.parent)
    config: dict[str, Any] = {}
    if path.exists():
        try:
            config = json.loads(path.read_bytes())
        except (OSError, ValueError) as exc:
            raise SinkError(f"{path}: cannot read the existing config: {exc}") from None
        if not isinstance(config, dict):
            raise SinkError(f"{path}: the existing config is not a JSON object")
    config[channel] = entry
    fd, temp = temporary_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(config, handle, indent=2)
            handle.write("\n")
    except OSError as exc:
        discard(temp)
        raise SinkError(f"{path}: cannot write: {exc.strerror or exc}") from None
    rename_into_place(temp, path)
