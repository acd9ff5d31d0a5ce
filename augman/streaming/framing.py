"""Payloads -> framed records in a buffer -> an output, flushed at line boundaries.

``--wrap recordio`` frames each payload as one RecordIO record; ``--wrap none``
puts payloads back to back, as SageMaker does with ``RecordWrapperType=None``.
The buffer only ever holds whole lines' records and is written out in writes of
about 1 MiB, so the output always ends on a line boundary, even when a run stops
at a bad line or a fetch fails part-way. A payload of ``DIRECT`` bytes or more is
not held in memory: it is read whole into an unnamed temporary file (a *spool*,
gone when closed or when the process dies, see :mod:`augman.streaming.spooling`),
and written out with its line only once every byte of the line has arrived.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Protocol

from augman.errors import SourceError
from augman.outputs.sinks import Output
from augman.recordio import codec
from augman.streaming import spooling

FLUSH_AT = 1 << 20
DIRECT = 32 << 20


class Payload(Protocol):
    """A payload known by its length, whose bytes may arrive in chunks (a fetched object)."""

    @property
    def length(self) -> int: ...

    @property
    def chunks(self) -> Iterable[bytes]: ...


class Framer:
    """Frames the records of one epoch into ``output``.

    Call :meth:`add` / :meth:`add_payload` for each record of a line, then
    :meth:`end_line`; :meth:`rollback` drops a line whose records are half added.
    """

    def __init__(self, output: Output, recordio: bool = True) -> None:
        self.output = output
        self.recordio = recordio
        self.buffer = bytearray()
        self.mark = 0
        self.lines = 0
        self.records = 0
        self._records_at_mark = 0
        self.written = 0
        self._spools: list[tuple[int, IO[bytes]]] = []  # (where in the buffer, the payload)

    def add(self, payload: bytes) -> None:
        """Append one record (raises :class:`codec.RecordTooLarge` before appending)."""
        if self.recordio:
            codec.encode_into(self.buffer, payload)
        else:
            self.buffer += payload
        self.records += 1

    def add_payload(self, payload: Payload) -> None:
        """Append one record whose bytes come in chunks, e.g. a fetched object."""
        length = payload.length
        header = codec.header(length) if self.recordio else b""
        if length >= DIRECT:
            spool, received = spooling.spool(payload.chunks, length)
            self.buffer += header
            self._spools.append((len(self.buffer), spool))
        else:
            start = len(self.buffer)
            self.buffer += header
            for chunk in payload.chunks:
                self.buffer += chunk
            received = len(self.buffer) - start - len(header)
        if received != length:
            raise SourceError(
                f"an object changed size while read ({received:,} of {length:,} bytes)"
            )
        if self.recordio:
            self.buffer += codec.padding(length)
        self.records += 1

    def add_lines(self, records: bytes, lines: int, per_line: int) -> None:
        """Append the framed records of ``lines`` whole lines, ``per_line`` records each."""
        self.buffer += records
        self.records += lines * per_line
        self.lines += lines - 1
        self.end_line()

    def end_line(self) -> None:
        """Close the current line; write the buffer out once it holds about 1 MiB."""
        self.lines += 1
        if len(self.buffer) >= FLUSH_AT or self._spools:
            self.flush()
        self.mark = len(self.buffer)
        self._records_at_mark = self.records

    def rollback(self) -> None:
        """Drop the records added since the last :meth:`end_line`."""
        del self.buffer[self.mark :]
        self.records = self._records_at_mark
        self._close_spools()

    def flush(self) -> None:
        """Write out everything added, spools included (callers flush between lines)."""
        if self._spools:
            self._flush_spooled()
        if self.buffer:
            self.output.write(self.buffer)
            self.written += len(self.buffer)
            self.buffer.clear()
            self.mark = 0

    def _flush_spooled(self) -> None:
        start = 0
        try:
            for at, spool in self._spools:
                self.output.write(self.buffer[start:at])
                self.written += at - start
                self.written += spooling.copy_out(spool, self.output.write)
                start = at
        finally:
            self._close_spools()
        del self.buffer[:start]

    def close(self) -> None:
        """Drop what is half added and close its spools (the stream ended early)."""
        self.rollback()

    def _close_spools(self) -> None:
        spools, self._spools = self._spools, []
        for _, spool in spools:
            spool.close()
