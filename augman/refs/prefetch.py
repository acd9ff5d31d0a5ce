"""Ordered concurrent prefetch of -ref objects with memory bounded in bytes.

The consumer's thread reads items and queues one fetch per URI on a pool of
worker threads, in input order; it then waits for the oldest item only. Workers
start queued fetches as soon as they are free, so the pool stays busy while the
consumer works. Two bounds keep memory flat whatever the manifest length:

- items: at most ``lookahead`` items are read ahead of the one being consumed;
- bytes: an object is read into memory only once its length (known from the
  response headers) fits in ``max_bytes`` with the bytes fetched and not yet
  consumed; the item the consumer waits for always may (so an object larger than
  the budget cannot stall the stream). Objects up to ``small_object`` bytes, which a
  resolver reads whole at once, are counted after the read; objects over
  ``READ_AHEAD_LIMIT`` are not read ahead at all: the consumer reads them itself.

So the bytes held are at most ``max_bytes``, plus the objects of the item being
consumed, plus ``concurrency`` small objects in flight.

The workers are daemon threads and closing never waits for one stuck in a
network read: Ctrl-C or SIGTERM ends a run at once even when an endpoint hangs.
An object that arrives after the close is closed by its worker.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from augman.refs.objects import Fetched, Resolver

T = TypeVar("T")

MAX_BUFFER = 64 << 20  # the default byte budget (``augman stream --max-buffer``)
READ_AHEAD_LIMIT = 8 << 20  # larger objects are read by the consumer, as it writes them
_CLOSE_WAIT = 0.25  # seconds a close waits for idle workers to leave; stuck ones are left


def prefetch(
    items: Iterable[T],
    uris_of: Callable[[T], Sequence[str]],
    resolver: Resolver,
    *,
    concurrency: int = 16,
    max_bytes: int | None = None,
    lookahead: int | None = None,
) -> Iterator[tuple[T, list[Fetched]]]:
    """Yield every item, in input order, with the objects of its URIs (in uris_of order).

    Up to ``concurrency`` objects are fetched at once, ahead of the consumer, with
    the bytes held bounded by ``max_bytes`` (see the module docstring; default
    ``MAX_BUFFER``, 64 MiB) and items read
    ahead bounded by ``lookahead`` (default ``4 * concurrency``). Items with no URIs
    pass through in order. A failed fetch raises its error when the consumer
    reaches that item, so every earlier item was yielded; an error raised by
    ``items`` or ``uris_of`` surfaces the same way. Closing the iterator early
    (``close()``, an exception or Ctrl-C in the consumer) stops the workers without
    waiting for a hung fetch and closes objects not yet consumed.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    budget = MAX_BUFFER if max_bytes is None else max_bytes
    if budget < 0:
        raise ValueError("max_bytes must be at least 0")
    ahead = lookahead if lookahead is not None else 4 * concurrency
    return _Prefetcher(iter(items), uris_of, resolver, concurrency, budget, max(ahead, 1)).run()


class _Stopped(Exception):
    """The prefetcher was closed while this fetch waited to start."""


class _Window:
    """The byte budget shared by the workers, and the index of the item being waited for."""

    def __init__(self, max_bytes: int) -> None:
        self._condition = threading.Condition()
        self._max = max_bytes
        self._used = 0
        self._head = 0
        self.stopped = False

    def admit(self, index: int) -> None:
        """Block until a fetch for item ``index`` may start; raise _Stopped when closed."""
        with self._condition:
            while not self.stopped and index > self._head and self._used >= self._max:
                self._condition.wait()
            if self.stopped:
                raise _Stopped

    def reserve(self, index: int, size: int) -> None:
        """Block until ``size`` more bytes fit (or ``index`` is the head); then count them."""
        with self._condition:
            while not self.stopped and index > self._head and self._used + size > self._max:
                self._condition.wait()
            if self.stopped:
                raise _Stopped
            self._used += size

    def charge(self, size: int) -> None:
        with self._condition:
            self._used += size

    def advance(self, head: int, released: int) -> None:
        """The consumer is done with ``released`` bytes and now waits for item ``head``."""
        with self._condition:
            self._used -= released
            self._head = head
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self.stopped = True
            self._condition.notify_all()


class _Workers:
    """A pool of daemon threads: unlike ThreadPoolExecutor's, the interpreter never joins them."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._tasks: queue.SimpleQueue[
            tuple[Future[Any], Callable[..., Any], tuple[Any, ...]] | None
        ]
        self._tasks = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        self._tasks.put((future, function, args))
        if len(self._threads) < self._count:
            thread = threading.Thread(target=self._work, name="augman-refs", daemon=True)
            thread.start()
            self._threads.append(thread)
        return future

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, function, args = task
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = function(*args)
            except BaseException as exc:  # handed to the consumer, who raises it
                future.set_exception(exc)
            else:
                future.set_result(result)

    def stop(self) -> None:
        """Cancel queued tasks, let idle workers leave, wait briefly, never for a stuck one."""
        while True:
            try:
                task = self._tasks.get_nowait()
            except queue.Empty:
                break
            if task is not None:
                task[0].cancel()
        for _ in self._threads:
            self._tasks.put(None)
        deadline = time.monotonic() + _CLOSE_WAIT
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))


@dataclass
class _Ahead(Generic[T]):
    """An item read ahead, with its fetches, or the error that reading it raised."""

    index: int
    item: T | None = None
    fetches: list[Future[tuple[Fetched, int]]] = field(default_factory=list)
    error: BaseException | None = None

    def objects(self) -> tuple[list[Fetched], int]:
        """The item's objects, and the bytes of the budget they hold."""
        if self.error is not None:
            raise self.error
        results = [fetch.result() for fetch in self.fetches]
        return [fetched for fetched, _ in results], sum(held for _, held in results)


class _Prefetcher(Generic[T]):
    def __init__(
        self,
        items: Iterator[T],
        uris_of: Callable[[T], Sequence[str]],
        resolver: Resolver,
        concurrency: int,
        max_bytes: int,
        lookahead: int,
    ) -> None:
        self._items: Iterator[T] | None = items
        self._uris_of = uris_of
        self._resolver = resolver
        self._window = _Window(max_bytes)
        self._lookahead = lookahead
        self._ahead: deque[_Ahead[T]] = deque()
        self._read = 0
        self._pool = _Workers(concurrency)

    def run(self) -> Iterator[tuple[T, list[Fetched]]]:
        try:
            while self._fill():
                entry = self._ahead[0]
                objects, held = entry.objects()  # if it raises, _close discards the entry's objects
                self._ahead.popleft()
                yield entry.item, objects  # type: ignore[misc]  # item is set when error is None
                self._window.advance(entry.index + 1, held)
        finally:
            self._close()

    def _fill(self) -> bool:
        """Read items until ``lookahead`` are ahead or the input ends; say if any is left."""
        while self._items is not None and len(self._ahead) < self._lookahead:
            entry = _Ahead[T](self._read)
            try:
                entry.item = next(self._items)
                uris = self._uris_of(entry.item)
            except StopIteration:
                self._items = None
                break
            except Exception as exc:  # the consumer meets it in order, like a failed fetch
                entry.error = exc
                self._items = None
            else:
                entry.fetches = [self._pool.submit(self._fetch, entry.index, u) for u in uris]
            self._read += 1
            self._ahead.append(entry)
        return bool(self._ahead)

    def _fetch(self, index: int, uri: str) -> tuple[Fetched, int]:
        """Fetch one object; read it into memory when the budget has room. Worker threads."""
        self._window.admit(index)
        fetched = self._resolver.fetch(uri)
        try:
            if isinstance(fetched.chunks, tuple | list):  # read whole by the resolver
                self._window.charge(fetched.length)
                return fetched, fetched.length
            if fetched.length > READ_AHEAD_LIMIT:
                return fetched, 0  # the consumer reads it as it writes it
            self._window.reserve(index, fetched.length)
            try:
                data = b"".join(fetched.chunks)
            except BaseException:
                self._window.charge(-fetched.length)
                raise
            _discard(fetched)  # read to the end: its connection or file can go
            return Fetched(fetched.length, (data,)), fetched.length
        except BaseException:
            _discard(fetched)
            raise

    def _close(self) -> None:
        """Stop the workers, close what nobody will read: now, or when a running fetch ends."""
        self._items = None
        self._window.stop()
        for entry in self._ahead:
            for fetch in entry.fetches:
                fetch.cancel()
                fetch.add_done_callback(_discard_result)
        self._ahead.clear()
        self._pool.stop()


def _discard_result(fetch: Future[tuple[Fetched, int]]) -> None:
    if not fetch.cancelled() and fetch.exception() is None:
        _discard(fetch.result()[0])


def _discard(fetched: Fetched) -> None:
    close = getattr(fetched.chunks, "close", None)
    if callable(close):
        close()
