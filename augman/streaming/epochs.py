"""The lines of each epoch of a stream: which lines, in which order, read how.

Without a shuffle the manifest is read front to back, lazily, once per epoch (a
path or ``s3://`` object is opened again; stdin, which cannot be read twice, is
copied to an anonymous temporary file first when there is more than one epoch).
With a shuffle seed, the lines are indexed once (8 bytes per line) and each epoch
reads them in its own ``(seed, epoch)`` order; a manifest that cannot be seeked
(stdin, gzip, S3) is first copied to an anonymous temporary file, which the
operating system removes when augman exits, however it exits.

A shard is taken *after* the shuffle: shard K/N gets positions K, K+N, K+2N... of
the epoch's order. All N shards together then cover every line exactly once per
epoch, and with a shuffle the lines a shard gets change from epoch to epoch, as
SageMaker describes ``ShardedByS3Key`` with ``ShuffleConfig``.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any

from augman.inputs.lines import MAX_LINE_BYTES, chunks, line_chunks, lines_of, read_line
from augman.inputs.ordering import Shard, line_offsets, permutation, read_in_order
from augman.inputs.sources import CHUNK, Source, open_source

Lines = Iterator[tuple[int, bytes]]


class EpochLines:
    """Yields ``(line number, line)`` for each epoch; a context manager (temp files).

    After the first full pass, ``total`` is the manifest's number of lines and
    ``last`` its last line (for the whole-file checks).
    """

    def __init__(
        self,
        spec: str,
        *,
        s3_client: Callable[[], Any] | None = None,
        epochs: int = 1,
        seed: int | None = None,
        shard: Shard | None = None,
        max_line: int = MAX_LINE_BYTES,
    ) -> None:
        self.spec = spec
        self.max_line = max_line
        self.s3_client = s3_client
        self.epochs = epochs
        self.seed = seed
        self.shard = shard
        self.name = spec
        self.total = 0
        self.last = b""
        self.live = False  # stdin or a FIFO (known once open): lines arrive over time
        self._stack = contextlib.ExitStack()
        self._first: Source | None = None
        self._file: IO[bytes] | None = None  # seekable copy or original, when one is needed
        self._offsets: array[int] | None = None

    def __enter__(self) -> EpochLines:
        with self._stack.pop_all() as stack:
            source = stack.enter_context(self._open())
            self.name, self.live = source.name, source.live
            if self.seed is not None:
                self._file = self._seekable(source, stack)
                self._index()
            elif self.epochs > 1 and self.spec == "-":
                self._file = self._spooled(source, stack)
            else:
                self._first = source
            self._stack = stack.pop_all()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def epoch(self, index: int, before_read: Callable[[], None] | None = None) -> Lines:
        """The lines of epoch ``index``; ``before_read`` runs before each (blocking) read."""
        if self._offsets is not None:
            return self._shuffled(index)
        if self._file is not None:
            self._file.seek(0)
            return self._sequential(self._file, before_read)
        if self._first is not None:
            first, self._first = self._first, None
            return self._sequential(first.stream, before_read)
        return self._reopened(before_read)

    def chunks(
        self, index: int, before_read: Callable[[], None] | None = None
    ) -> Iterator[tuple[Sequence[int], list[bytes]]]:
        """The lines of epoch ``index`` as (line numbers, lines) chunks.

        In plain file order the chunks are cut straight from the stream, with no
        per-line step; from a pipe, each chunk holds the lines that have arrived
        (``before_read`` runs before each read that may wait). Shuffled or sharded
        epochs are chunked from :meth:`epoch`; a pipe read with a shard, line by line.
        """
        if self._offsets is None and self.shard is None and self._file is None:
            return self._sequential_chunks(index, before_read)
        lines = self.epoch(index, before_read)
        if self.live and self._file is None:
            return (([number], [line]) for number, line in lines)
        return (
            (numbers, list(texts))
            for numbers, texts in (zip(*chunk, strict=True) for chunk in chunks(lines))
        )

    def _sequential_chunks(
        self, index: int, before_read: Callable[[], None] | None
    ) -> Iterator[tuple[Sequence[int], list[bytes]]]:
        with contextlib.ExitStack() as stack:
            if self._first is not None:
                stream, self._first = self._first.stream, None
            else:
                stream = stack.enter_context(self._open()).stream
            if self.live and before_read is not None:
                stream = io.BufferedReader(_Hooked(stream, before_read), CHUNK)
            cut = line_chunks(stream, self.max_line, live=self.live)
            total, last = 0, b""
            for chunk in cut:
                yield range(total + 1, total + 1 + len(chunk)), chunk
                total, last = total + len(chunk), chunk[-1]
            self.total, self.last = total, last

    # -- in file order ---------------------------------------------------------------------

    def _reopened(self, before_read: Callable[[], None] | None) -> Lines:
        with self._open() as source:
            yield from self._sequential(source.stream, before_read)

    def _sequential(self, stream: IO[bytes], before_read: Callable[[], None] | None) -> Lines:
        if before_read is not None:
            stream = io.BufferedReader(_Hooked(stream, before_read), CHUNK)
        line_no, line = 0, b""
        if self.shard is None:
            for line_no, line in enumerate(lines_of(stream, self.max_line), 1):
                yield line_no, line
        else:
            count, index = self.shard.count, self.shard.index
            for line_no, line in enumerate(lines_of(stream, self.max_line), 1):
                if (line_no - 1) % count == index:
                    yield line_no, line
        self.total, self.last = line_no, line

    # -- shuffled --------------------------------------------------------------------------

    def _index(self) -> None:
        assert self._file is not None
        self._offsets = line_offsets(self._file, self.max_line)
        self.total = len(self._offsets)
        if self.total:
            self._file.seek(self._offsets[-1])
            self.last = read_line(self._file, self.max_line)

    def _shuffled(self, epoch: int) -> Lines:
        assert self._file is not None and self._offsets is not None and self.seed is not None
        order = permutation(len(self._offsets), self.seed, epoch)
        if self.shard is not None:
            order = order[self.shard.index :: self.shard.count]
        return read_in_order(self._file, self._offsets, order, self.max_line)

    def _open(self) -> contextlib.AbstractContextManager[Source]:
        return open_source(self.spec, self.s3_client, self.max_line)

    @staticmethod
    def _seekable(source: Source, stack: contextlib.ExitStack) -> IO[bytes]:
        if source.path is not None:
            return stack.enter_context(open(source.path, "rb"))
        return EpochLines._spooled(source, stack)

    @staticmethod
    def _spooled(source: Source, stack: contextlib.ExitStack) -> IO[bytes]:
        spool = stack.enter_context(tempfile.TemporaryFile(prefix="augman-"))  # noqa: SIM115
        shutil.copyfileobj(source.stream, spool, CHUNK)
        spool.seek(0)
        return spool


class _Hooked(io.RawIOBase):
    """A raw reader that calls ``before_read`` before each read of ``stream``.

    The stream flushes its output there: records of the lines already read go
    out before augman waits for more input (a slow producer on stdin).
    """

    def __init__(self, stream: IO[bytes], before_read: Callable[[], None]) -> None:
        self._stream = stream
        self._before_read = before_read

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        self._before_read()
        data = self._stream.read1(len(buffer))  # type: ignore[attr-defined]
        buffer[: len(data)] = data
        return len(data)
