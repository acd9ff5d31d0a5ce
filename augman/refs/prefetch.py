"""Ordered concurrent prefetch of -ref objects with bounded memory (used through augman.refs.resolvers).

The consumer's thread reads items and queues one fetch per URI on a thread pool,
in input order; it then waits for the oldest item only. Workers start queued
fetches as soon as they are free, so the pool stays busy while the consumer works.
Two bounds keep memory flat whatever the manifest length:

- items: at most ``lookahead`` items are read ahead of the one being consumed;
- bytes: a fetch starts only while the bytes fetched and not yet consumed are under
  ``max_bytes``, except for the item the consumer waits for, which always may
  (so one object larger than the window cannot stall the stream). Fetches already
  running may land on top: the most held is ``max_bytes`` plus ``concurrency``
  objects.
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from augman.refs.objects import Fetched, Resolver

T = TypeVar("T")


def prefetch(
    items: Iterable[T],
    uris_of: Callable[[T], Sequence[str]],
    resolver: Resolver,
    *,
    concurrency: int = 16,
    max_bytes: int = 256 << 20,
    lookahead: int | None = None,
) -> Iterator[tuple[T, list[Fetched]]]:
    """Yield every item, in input order, with the objects of its URIs (in uris_of order).

    Up to ``concurrency`` objects are fetched at once, ahead of the consumer, with
    buffered bytes bounded by ``max_bytes`` and items read ahead bounded by
    ``lookahead`` (default ``4 * concurrency``). Items with no URIs pass through in
    order. A failed fetch raises its error when the consumer reaches that item, so
    every earlier item was yielded; an error raised by ``items`` or ``uris_of``
    surfaces the same way. Closing the iterator early (``close()``, an exception or
    Ctrl-C in the consumer) stops the workers and closes objects not yet consumed.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    ahead = lookahead if lookahead is not None else 4 * concurrency
    return _Prefetcher(iter(items), uris_of, resolver, concurrency, max_bytes, max(ahead, 1)).run()


class _Stopped(Exception):
    """The prefetcher was closed while this fetch waited to start."""


class _Window:
    """The byte budget shared by the workers, and the index of the item being waited for."""

    def __init__(self, max_bytes: int) -> None:
        self._condition = threading.Condition()
        self._max = max_bytes
        self._used = 0
        self._head = 0
        self._stopped = False
        _OPEN_WINDOWS.add(self)

    def admit(self, index: int) -> None:
        """Block until a fetch for item ``index`` may start; raise _Stopped when closed."""
        with self._condition:
            while not self._stopped and index > self._head and self._used >= self._max:
                self._condition.wait()
            if self._stopped:
                raise _Stopped

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
            self._stopped = True
            self._condition.notify_all()


_OPEN_WINDOWS: weakref.WeakSet[_Window] = weakref.WeakSet()


def _stop_open_windows() -> None:
    for window in list(_OPEN_WINDOWS):
        window.stop()


# A prefetch abandoned without close() (its generator still referenced at exit) must not
# hang the interpreter: the pool's exit handler joins the workers, so wake them first.
# Handlers run in reverse order of registration; concurrent.futures registered earlier.
getattr(threading, "_register_atexit", lambda _: None)(_stop_open_windows)


@dataclass
class _Ahead(Generic[T]):
    """An item read ahead, with its fetches, or the error that reading it raised."""

    index: int
    item: T | None = None
    fetches: list[Future[Fetched]] = field(default_factory=list)
    error: BaseException | None = None

    def objects(self) -> list[Fetched]:
        if self.error is not None:
            raise self.error
        return [fetch.result() for fetch in self.fetches]


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
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="augman-refs")

    def run(self) -> Iterator[tuple[T, list[Fetched]]]:
        try:
            while self._fill():
                entry = self._ahead[0]
                objects = entry.objects()  # if it raises, _close discards the entry's objects
                self._ahead.popleft()
                yield entry.item, objects  # type: ignore[misc]  # item is set when error is None
                self._window.advance(entry.index + 1, sum(o.length for o in objects))
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

    def _fetch(self, index: int, uri: str) -> Fetched:
        self._window.admit(index)
        fetched = self._resolver.fetch(uri)
        self._window.charge(fetched.length)
        return fetched

    def _close(self) -> None:
        """Stop the workers, wait for the running fetches, close what nobody will read."""
        self._items = None
        self._window.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)
        for entry in self._ahead:
            for fetch in entry.fetches:
                if fetch.done() and not fetch.cancelled() and fetch.exception() is None:
                    _discard(fetch.result())
        self._ahead.clear()


def _discard(fetched: Fetched) -> None:
    close = getattr(fetched.chunks, "close", None)
    if callable(close):
        close()
