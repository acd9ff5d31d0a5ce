"""Streaming ``-ref`` attributes through a resolver and an ordered prefetch.

The resolver and prefetch here are test doubles with the interface of
``augman.refs.resolvers`` (``fetch(uri) -> Fetched``; ``prefetch(items, uris_of, resolver,
concurrency=...)`` yielding items in input order, failing at the failing item).
"""

from __future__ import annotations

import contextlib
import random
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import augman
from augman.errors import AugmanError, DataError, SourceError
from augman.refs import RefError
from augman.streaming import framing
from augman.streaming.verdicts import BadLine

MAGIC = 0xCED7230A


def record(payload: bytes) -> bytes:
    return struct.pack("<II", MAGIC, len(payload)) + payload + b"\x00" * (-len(payload) % 4)


@dataclass(frozen=True)
class Fetched:
    length: int
    chunks: Iterable[bytes]


def missing_object(uri: str) -> RefError:
    return RefError(uri, f"{uri}: no such object", "check the key", 1)


class FakeResolver:
    """Objects from a dict, in 3-byte chunks, after a random short delay."""

    def __init__(self, objects: dict[str, bytes], delay: float = 0.0) -> None:
        self.objects = objects
        self.delay = delay
        self.fetched: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, uri: str) -> Fetched:
        if self.delay:
            time.sleep(random.uniform(0, self.delay))
        with self._lock:
            self.fetched.append(uri)
        if uri not in self.objects:
            raise missing_object(uri)
        data = self.objects[uri]
        return Fetched(len(data), [data[i : i + 3] for i in range(0, len(data), 3)])


def prefetch(
    items: Iterable[Any],
    uris_of: Callable[[Any], Sequence[str]],
    resolver: FakeResolver,
    *,
    concurrency: int = 16,
    max_bytes: int = 256 << 20,
) -> Iterator[tuple[Any, list[Any]]]:
    """Fetch up to ``concurrency`` items ahead; yield them in order (refs.prefetch's contract)."""
    with ThreadPoolExecutor(concurrency) as pool:
        window: deque[tuple[Any, list[Future[Any]]]] = deque()
        for item in items:
            window.append((item, [pool.submit(resolver.fetch, uri) for uri in uris_of(item)]))
            if len(window) > concurrency:
                first, futures = window.popleft()
                yield first, [future.result() for future in futures]
        while window:
            first, futures = window.popleft()
            yield first, [future.result() for future in futures]


class MemorySink:
    def __init__(self) -> None:
        self.data = bytearray()

    @contextlib.contextmanager
    def epoch(self, index: int) -> Iterator[Any]:
        yield self

    def write(self, data: bytes) -> None:
        self.data += data


def line(n: int, **extra: Any) -> str:
    import json

    return json.dumps({"source-ref": f"s3://bucket/images/{n}.jpg", "class": n, **extra})


def objects(count: int) -> dict[str, bytes]:
    return {f"s3://bucket/images/{n}.jpg": bytes([n % 256]) * (n % 7) for n in range(count)}


def expected(count: int, attrs: Sequence[str] = ("source-ref", "class")) -> bytes:
    out = b""
    for n in range(count):
        for attr in attrs:
            out += record(bytes([n % 256]) * (n % 7) if attr == "source-ref" else str(n).encode())
    return out


def run(path: Path, resolver: FakeResolver, **options: Any) -> tuple[MemorySink, Any]:
    sink = MemorySink()
    attrs = options.pop("attrs", ["source-ref", "class"])
    result = augman.stream(
        str(path), sink, attrs=attrs, resolver=resolver, prefetch=prefetch, **options
    )
    return sink, result


def test_refs_are_streamed_in_manifest_order_whatever_the_fetch_order(
    write_manifest: Any,
) -> None:
    path = write_manifest(*(line(n) for n in range(60)))
    resolver = FakeResolver(objects(60), delay=0.002)
    sink, result = run(path, resolver, concurrency=8)
    assert bytes(sink.data) == expected(60)
    assert resolver.fetched != sorted(resolver.fetched, key=lambda u: int(u.split("/")[-1][:-4]))
    assert (result.lines, result.records) == (60, 120)


def test_attrs_order_puts_the_object_where_it_is_named(write_manifest: Any) -> None:
    path = write_manifest(*(line(n) for n in range(3)))
    sink, _ = run(path, FakeResolver(objects(3)), attrs=["class", "source-ref"])
    assert bytes(sink.data) == expected(3, ("class", "source-ref"))


def test_wrap_none_puts_objects_and_values_back_to_back(write_manifest: Any) -> None:
    path = write_manifest(line(5), line(6))
    sink, _ = run(path, FakeResolver(objects(7)), wrap="none")
    assert bytes(sink.data) == b"\x05" * 5 + b"5" + b"\x06" * 6 + b"6"


def test_a_missing_object_stops_on_a_line_boundary_naming_line_and_attribute(
    write_manifest: Any,
) -> None:
    path = write_manifest(*(line(n) for n in range(5)))
    store = objects(5)
    del store["s3://bucket/images/3.jpg"]
    with pytest.raises(AugmanError) as caught:
        run(path, FakeResolver(store), attrs=["class", "source-ref"])
    assert caught.value.exit_code == 1
    assert str(caught.value) == f"{path}:4: source-ref: s3://bucket/images/3.jpg: no such object"


def test_lines_before_a_failed_fetch_are_all_written(write_manifest: Any) -> None:
    path = write_manifest(*(line(n) for n in range(5)))
    store = objects(5)
    del store["s3://bucket/images/3.jpg"]
    sink = MemorySink()
    with pytest.raises(AugmanError):
        augman.stream(
            str(path), sink, attrs=["class", "source-ref"], resolver=FakeResolver(store),
            prefetch=prefetch,
        )  # fmt: skip
    assert bytes(sink.data) == expected(3, ("class", "source-ref"))


def test_a_bad_line_stops_after_the_lines_fetched_before_it(write_manifest: Any) -> None:
    path = write_manifest(line(0), line(1), '{"source-ref": "s3:/bad/uri", "class": 2}', line(3))
    sink = MemorySink()
    with pytest.raises(BadLine) as caught:
        augman.stream(
            str(path), sink, attrs=["source-ref", "class"], resolver=FakeResolver(objects(4)),
            prefetch=prefetch,
        )  # fmt: skip
    assert caught.value.line == 3
    assert [f.code for f in caught.value.findings] == ["AM302"]
    assert bytes(sink.data) == expected(2)


def test_skip_with_refs(write_manifest: Any) -> None:
    path = write_manifest(line(0), '{"source-ref": 7, "class": 1}', line(2))
    sink, result = run(path, FakeResolver(objects(3)), on_error="skip")
    assert bytes(sink.data) == expected(1) + record(b"\x02\x02") + record(b"2")
    assert result.skipped == 1
    assert [f.code for f in result.skipped_findings] == ["AM301"]


def test_an_object_of_2_29_bytes_is_refused_before_any_of_it_is_read(
    write_manifest: Any,
) -> None:
    path = write_manifest(line(1), line(2))

    class Huge(FakeResolver):
        def fetch(self, uri: str) -> Fetched:
            if uri.endswith("/2.jpg"):
                return Fetched(1 << 29, iter(()))  # its bytes are never asked for
            return super().fetch(uri)

    sink = MemorySink()
    with pytest.raises(DataError, match=r":2: source-ref: payload of 536,870,912 bytes exceeds"):
        augman.stream(
            str(path), sink, attrs=["class", "source-ref"], resolver=Huge(objects(3)),
            prefetch=prefetch,
        )  # fmt: skip
    assert bytes(sink.data) == record(b"1") + record(b"\x01")


def test_an_object_that_fails_while_read_leaves_no_half_line(write_manifest: Any) -> None:
    path = write_manifest(line(1), line(2))

    def broken() -> Iterator[bytes]:
        yield b"ab"
        raise SourceError("connection reset")

    class Flaky(FakeResolver):
        def fetch(self, uri: str) -> Fetched:
            return Fetched(4, broken()) if uri.endswith("/2.jpg") else super().fetch(uri)

    sink = MemorySink()
    with pytest.raises(SourceError, match="connection reset"):
        augman.stream(
            str(path), sink, attrs=["class", "source-ref"], resolver=Flaky(objects(3)),
            prefetch=prefetch,
        )  # fmt: skip
    assert bytes(sink.data) == record(b"1") + record(b"\x01")


def test_an_object_shorter_than_announced_is_an_error(write_manifest: Any) -> None:
    path = write_manifest(line(1))

    class Liar(FakeResolver):
        def fetch(self, uri: str) -> Fetched:
            return Fetched(10, [b"abc"])

    with pytest.raises(SourceError, match=r"changed size while read \(3 of 10 bytes\)"):
        run(path, Liar({}))


def test_large_objects_are_written_through_unchanged(
    write_manifest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(framing, "DIRECT", 4)  # objects of 4 bytes or more skip the buffer
    path = write_manifest(*(line(n) for n in range(10)))
    sink, _ = run(path, FakeResolver(objects(10)))
    assert bytes(sink.data) == expected(10)


def test_ref_metadata_is_not_a_ref(write_manifest: Any) -> None:
    path = write_manifest('{"label-ref": "s3://bucket/x.png", "label-ref-metadata": {"a": 1}}')
    sink, _ = run(
        path, FakeResolver({"s3://bucket/x.png": b"PNG"}), attrs=["label-ref-metadata", "label-ref"]
    )
    assert bytes(sink.data) == record(b'{"a":1}') + record(b"PNG")


def test_a_line_is_written_whole_or_not_at_all_even_with_a_spooled_object(
    write_manifest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first -ref of line 2 is spooled (large), its second fails part-way: no byte of line 2."""
    monkeypatch.setattr(framing, "DIRECT", 4)
    path = write_manifest(
        '{"a-ref": "s3://bkt/big1", "b-ref": "s3://bkt/ok"}',
        '{"a-ref": "s3://bkt/big2", "b-ref": "s3://bkt/bad"}',
    )

    def broken() -> Iterator[bytes]:
        yield b"ab"
        raise SourceError("connection reset")

    class Resolver(FakeResolver):
        def fetch(self, uri: str) -> Fetched:
            return Fetched(4, broken()) if uri.endswith("/bad") else super().fetch(uri)

    data = {"s3://bkt/big1": b"BIG1BIG1", "s3://bkt/ok": b"ok", "s3://bkt/big2": b"BIG2BIG2"}
    sink = MemorySink()
    with pytest.raises(SourceError, match=r"m.manifest:2: b-ref: s3://bkt/bad: connection reset"):
        augman.stream(
            str(path), sink, attrs=["a-ref", "b-ref"], resolver=Resolver(data), prefetch=prefetch
        )
    assert bytes(sink.data) == record(b"BIG1BIG1") + record(b"ok")


def test_a_repeated_uri_read_by_the_writer_is_named_at_the_line_that_failed(
    write_manifest: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The object of line 2 fails while written (a lazy read); line 3 has the same URI."""
    path = write_manifest(line(1), line(2), line(2), line(4))

    def broken() -> Iterator[bytes]:
        yield b"ab"
        raise RefError("s3://bucket/images/2.jpg", "s3://bucket/images/2.jpg: connection reset")

    class Resolver(FakeResolver):
        def fetch(self, uri: str) -> Fetched:
            return Fetched(4, broken()) if uri.endswith("/2.jpg") else super().fetch(uri)

    sink = MemorySink()
    with pytest.raises(RefError) as caught:
        augman.stream(
            str(path), sink, attrs=["source-ref", "class"], resolver=Resolver(objects(5)),
            prefetch=prefetch,
        )  # fmt: skip
    assert caught.value.message == (
        f"{path}:2: source-ref: s3://bucket/images/2.jpg: connection reset"
    )
    assert bytes(sink.data) == record(b"\x01") + record(b"1")
