"""Resolving -ref objects: mirror folders, S3 reads that break, and the ordered prefetch."""

from __future__ import annotations

import itertools
import os
import random
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augman.errors import UsageError
from augman.refs import Fetched, Mirror, RefError, prefetch
from augman.refs import S3Resolver as Resolver

# --- Mirror.parse -------------------------------------------------------------------------

MIRRORS = [
    ("s3://bkt={d}", "bkt", ""),
    ("s3://bkt/={d}", "bkt", ""),
    ("s3://bkt/images={d}", "bkt", "images/"),
    ("s3://bkt/images/={d}", "bkt", "images/"),
    ("s3://bkt/a/b/c/={d}", "bkt", "a/b/c/"),
    ("s3://bkt/year=2024/={d}", "bkt", "year=2024/"),
]


@pytest.mark.parametrize(("spec", "bucket", "prefix"), MIRRORS, ids=[m[0] for m in MIRRORS])
def test_mirror_specs_parse_to_a_bucket_and_a_folder_prefix(
    tmp_path: Path, spec: str, bucket: str, prefix: str
) -> None:
    mirror = Mirror.parse(spec.format(d=tmp_path))
    assert mirror == Mirror(bucket, prefix, tmp_path)


BAD_MIRRORS = [
    ("bkt={d}", "does not start with s3://"),
    ("https://bkt/x={d}", "does not start with s3://"),
    ("s3://bkt/images", "no '='"),
    ("s3://={d}", "needs a bucket and a folder"),
    ("s3://bkt=", "needs a bucket and a folder"),
    ("s3://Bad_Bucket={d}", "a-z"),
    ("s3://bkt={d}/missing", "is not a directory"),
    ("s3://bkt={d}/file.txt", "is not a directory"),
]


@pytest.mark.parametrize(("spec", "why"), BAD_MIRRORS, ids=[m[0] for m in BAD_MIRRORS])
def test_bad_mirror_specs_are_usage_errors(tmp_path: Path, spec: str, why: str) -> None:
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(UsageError, match=why) as caught:
        Mirror.parse(spec.format(d=tmp_path))
    assert caught.value.exit_code == 2


# --- fetching from mirrors ----------------------------------------------------------------


class NoS3:
    """An S3 client factory for tests in which S3 must not be asked."""

    def __call__(self) -> Any:
        raise AssertionError("S3 was asked for an object the mirror holds")


def mirror_resolver(tmp_path: Path, *specs: str) -> Resolver:
    mirrors = [Mirror.parse(spec.format(d=tmp_path)) for spec in specs]
    return Resolver(mirrors, s3_client=NoS3())


def content(fetched: Fetched) -> bytes:
    data = b"".join(fetched.chunks)
    assert len(data) == fetched.length
    return data


MAPPING = [
    ("s3://bkt={d}", "s3://bkt/a/b.jpg", "a/b.jpg"),
    ("s3://bkt/images={d}", "s3://bkt/images/x/1.jpg", "x/1.jpg"),
    ("s3://bkt={d}", "s3://bkt/with space.jpg", "with space.jpg"),
    ("s3://bkt={d}", "s3://bkt/a%20b.jpg", "a%20b.jpg"),
    ("s3://bkt={d}", "s3://bkt/a+b.jpg", "a+b.jpg"),
    ("s3://bkt={d}", "s3://bkt/caf\u00e9/\u732b.png", "caf\u00e9/\u732b.png"),
    ("s3://bkt={d}", "s3://bkt/q?x=1#f", "q?x=1#f"),
    ("s3://bkt={d}", "s3://bkt/a/../b.jpg", "b.jpg"),
]


@pytest.mark.parametrize(("spec", "uri", "file"), MAPPING, ids=[m[1] for m in MAPPING])
def test_mirror_maps_keys_literally_to_files(
    tmp_path: Path, spec: str, uri: str, file: str
) -> None:
    (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / file).write_bytes(file.encode())
    assert content(mirror_resolver(tmp_path, spec).fetch(uri)) == file.encode()


def test_longest_matching_prefix_wins(tmp_path: Path) -> None:
    (tmp_path / "all").mkdir()
    (tmp_path / "img").mkdir()
    (tmp_path / "all" / "k.txt").write_bytes(b"from all")
    (tmp_path / "all" / "images").mkdir()
    (tmp_path / "img" / "k.txt").write_bytes(b"from img")
    resolver = mirror_resolver(tmp_path, "s3://bkt={d}/all", "s3://bkt/images={d}/img")
    assert content(resolver.fetch("s3://bkt/images/k.txt")) == b"from img"
    assert content(resolver.fetch("s3://bkt/k.txt")) == b"from all"


class RecordingS3:
    """A fake S3 client that serves any key as its own name and records what was asked."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def get_object(self, Bucket: str, Key: str, **extra: str) -> dict[str, Any]:
        self.asked.append((Bucket, Key))
        return response(Key.encode())


def response(data: bytes, body: Any = None, etag: str = '"v1"') -> dict[str, Any]:
    return {"ContentLength": len(data), "ETag": etag, "Body": body or Body(data)}


class Body:
    """A streaming body that can break after ``fail_at`` bytes or end ``short`` bytes early."""

    def __init__(self, data: bytes, fail_at: int | None = None, short: int = 0) -> None:
        self.data, self.fail_at, self.position = data[: len(data) - short], fail_at, 0
        self.closed = False

    def read(self, amount: int) -> bytes:
        if self.fail_at is not None and self.position >= self.fail_at:
            raise ConnectionResetError("connection reset by peer")
        end = self.position + amount
        if self.fail_at is not None:
            end = min(end, self.fail_at)
        piece, self.position = self.data[self.position : end], min(end, len(self.data))
        return piece

    def close(self) -> None:
        self.closed = True


@pytest.mark.parametrize(
    "uri",
    ["s3://other-bkt/a.jpg", "s3://bkt/images2/a.jpg", "s3://bkt/imagesa.jpg"],
    ids=["other bucket", "sibling folder", "same letters"],
)
def test_keys_outside_every_mirror_come_from_s3(tmp_path: Path, uri: str) -> None:
    client = RecordingS3()
    resolver = Resolver([Mirror.parse(f"s3://bkt/images={tmp_path}")], s3_client=lambda: client)
    assert content(resolver.fetch(uri)) == uri.split("/", 3)[3].encode()
    assert len(client.asked) == 1


ESCAPES = ["s3://bkt/../secret", "s3://bkt/a/../../secret", "s3://bkt//etc/passwd"]


@pytest.mark.parametrize("uri", ESCAPES)
def test_keys_escaping_the_mirror_folder_are_refused(tmp_path: Path, uri: str) -> None:
    root = tmp_path / "mirror"
    root.mkdir()
    (tmp_path / "secret").write_bytes(b"not yours")
    with pytest.raises(RefError, match="outside the mirror folder") as caught:
        mirror_resolver(root, "s3://bkt={d}").fetch(uri)
    assert (caught.value.exit_code, caught.value.uri) == (2, uri)


def test_escape_through_a_prefix_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RefError, match="outside") as caught:
        mirror_resolver(tmp_path, "s3://bkt/images={d}").fetch("s3://bkt/images//etc/passwd")
    assert caught.value.exit_code == 2


MISSING = [
    ("s3://bkt/missing.jpg", "no such file"),
    ("s3://bkt/folder", "no such file"),
    ("s3://bkt/file.jpg/under-a-file", "no such file"),
    ("s3:/bkt/x", "not an S3 URI"),
    ("s3://bkt", "no object key"),
]


@pytest.mark.parametrize(("uri", "why"), MISSING, ids=[m[0] for m in MISSING])
def test_missing_objects_are_data_errors(tmp_path: Path, uri: str, why: str) -> None:
    (tmp_path / "folder").mkdir()
    (tmp_path / "file.jpg").write_bytes(b"x")
    with pytest.raises(RefError, match=why) as caught:
        mirror_resolver(tmp_path, "s3://bkt={d}").fetch(uri)
    assert (caught.value.exit_code, caught.value.uri) == (1, uri)
    assert caught.value.hint


def test_small_files_are_read_whole_and_large_ones_lazily(tmp_path: Path) -> None:
    (tmp_path / "small").write_bytes(b"s" * 10)
    (tmp_path / "large").write_bytes(bytes(range(25)))
    resolver = Resolver([Mirror.parse(f"s3://bkt={tmp_path}")], small_object=10, chunk_size=4)
    small = resolver.fetch("s3://bkt/small")
    assert small.chunks == (b"s" * 10,)
    large = resolver.fetch("s3://bkt/large")
    assert large.length == 25
    assert [len(c) for c in large.chunks] == [4, 4, 4, 4, 4, 4, 1]
    with pytest.raises(RuntimeError, match="only once"):
        list(large.chunks)  # a second pass would be a short record


def test_a_large_file_that_shrinks_before_it_is_read_raises(tmp_path: Path) -> None:
    (tmp_path / "large").write_bytes(b"x" * 25)
    resolver = Resolver([Mirror.parse(f"s3://bkt={tmp_path}")], small_object=10, chunk_size=4)
    fetched = resolver.fetch("s3://bkt/large")
    (tmp_path / "large").write_bytes(b"x" * 9)
    with pytest.raises(RefError, match="shrank"):
        b"".join(fetched.chunks)


# --- S3 reads that break --------------------------------------------------------------------


class FlakyS3:
    """Serves one object; request ``n`` gets a body that breaks ``breaks[n]`` bytes in."""

    def __init__(self, data: bytes, breaks: list[int], short: bool = False) -> None:
        self.data, self.breaks, self.short = data, breaks, short
        self.requests: list[dict[str, str]] = []

    def get_object(self, Bucket: str, Key: str, **extra: str) -> dict[str, Any]:
        self.requests.append(extra)
        start = int(extra["Range"][6:-1]) if "Range" in extra else 0
        rest = self.data[start:]
        at = self.breaks[len(self.requests) - 1] if len(self.requests) <= len(self.breaks) else None
        if at is not None and self.short:
            body = Body(rest, short=len(rest) - at)
        else:
            body = Body(rest, fail_at=at)
        return {"ContentLength": len(rest), "ETag": '"v1"', "Body": body}


@pytest.mark.parametrize("short", [False, True], ids=["reset", "early end"])
@pytest.mark.parametrize("small_object", [1 << 20, 10], ids=["small", "large"])
def test_a_broken_body_is_resumed_where_it_broke(short: bool, small_object: int) -> None:
    data = bytes(range(100))
    client = FlakyS3(data, breaks=[30, 0, 30, 0], short=short)
    resolver = Resolver(s3_client=lambda: client, small_object=small_object, chunk_size=16)
    assert content(resolver.fetch("s3://bkt/k")) == data
    ranges = [request["Range"] for request in client.requests[1:]]
    assert ranges == ["bytes=30-", "bytes=30-", "bytes=60-", "bytes=60-"]
    assert all(request["IfMatch"] == '"v1"' for request in client.requests[1:])


def test_a_body_that_keeps_breaking_raises_from_the_chunks_never_short() -> None:
    client = FlakyS3(bytes(100), breaks=[30, 0, 0, 0])
    resolver = Resolver(s3_client=lambda: client, small_object=10, chunk_size=16)
    fetched = resolver.fetch("s3://bkt/k")
    received = []
    with pytest.raises(RefError, match="failed 3 times in a row") as caught:
        for chunk in fetched.chunks:
            received.append(chunk)
    assert sum(map(len, received)) == 30
    assert caught.value.exit_code == 2


def client_error(code: str, status: int) -> Exception:
    from botocore.exceptions import ClientError

    meta = {
        "Error": {"Code": code, "Message": code},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(meta, "GetObject")  # type: ignore[arg-type]


def endpoint_error() -> Exception:
    from botocore.exceptions import EndpointConnectionError

    return EndpointConnectionError(endpoint_url="http://127.0.0.1:9")


S3_ERRORS = [
    ("NoSuchKey", lambda: client_error("NoSuchKey", 404), 1, "no such object", "case-sensitive"),
    ("404", lambda: client_error("404", 404), 1, "no such object", "case-sensitive"),
    ("NoSuchBucket", lambda: client_error("NoSuchBucket", 404), 1, "bucket does not exist", ""),
    ("AccessDenied", lambda: client_error("AccessDenied", 403), 2, "access denied", "ListBucket"),
    ("SlowDown", lambda: client_error("SlowDown", 503), 2, "S3 answered SlowDown", ""),
    ("no endpoint", endpoint_error, 2, "Could not connect", "--endpoint-url"),
    ("not botocore", lambda: OSError("boom"), 2, "OSError: boom", ""),
]


@pytest.mark.parametrize(
    ("error", "exit_code", "message", "hint"),
    [e[1:] for e in S3_ERRORS],
    ids=[e[0] for e in S3_ERRORS],
)
def test_s3_errors_become_ref_errors(error: Any, exit_code: int, message: str, hint: str) -> None:
    class Failing:
        def get_object(self, **_: str) -> Any:
            raise error()

    with pytest.raises(RefError, match=message) as caught:
        Resolver(s3_client=Failing).fetch("s3://bkt/k.jpg")
    assert (caught.value.exit_code, caught.value.uri) == (exit_code, "s3://bkt/k.jpg")
    assert hint in (caught.value.hint or "")


# --- prefetch -------------------------------------------------------------------------------


class FakeResolver:
    """Serves ``uri`` as its own bytes after a random short sleep; records concurrency."""

    def __init__(self, seed: int = 0, max_sleep: float = 0.002, fail: str = "") -> None:
        self.random = random.Random(seed)
        self.max_sleep, self.fail = max_sleep, fail
        self.lock = threading.Lock()
        self.running = self.most_running = self.started = 0

    def fetch(self, uri: str) -> Fetched:
        with self.lock:
            self.running += 1
            self.started += 1
            self.most_running = max(self.most_running, self.running)
            pause = self.random.uniform(0, self.max_sleep)
        time.sleep(pause)
        with self.lock:
            self.running -= 1
        if uri == self.fail:
            raise RefError(uri, f"{uri}: no such object", exit_code=1)
        return Fetched(len(uri), (uri.encode(),))


def uris(item: int) -> list[str]:
    return [f"s3://bkt/{item}/{n}" for n in range(item % 4)]  # 0 to 3 URIs per item


def received(pairs: Iterator[tuple[Any, list[Fetched]]]) -> list[tuple[Any, list[bytes]]]:
    return [(item, [b"".join(o.chunks) for o in objects]) for item, objects in pairs]


def expected(items: list[int]) -> list[tuple[Any, list[bytes]]]:
    return [(i, [u.encode() for u in uris(i)]) for i in items]


def test_order_is_kept_whatever_order_fetches_finish_in() -> None:
    resolver = FakeResolver()
    items = list(range(300))
    assert received(prefetch(items, uris, resolver, concurrency=8)) == expected(items)
    assert resolver.most_running <= 8  # test_fetches_overlap shows they do overlap


def test_fetches_overlap() -> None:
    """The first fetch waits for the second to start: a serial prefetch would never finish."""
    second_started = threading.Event()

    class Overlapping:
        def fetch(self, uri: str) -> Fetched:
            if uri.endswith("/0"):
                assert second_started.wait(10), "the second fetch never started"
            else:
                second_started.set()
            return Fetched(0, ())

    items = [["s3://b/0"], ["s3://b/1"]]
    assert len(list(prefetch(items, lambda u: u, Overlapping(), concurrency=2))) == 2


def test_items_without_uris_pass_through_in_order() -> None:
    items = [0, 4, 8, 1, 12, 2]  # 0, 0, 0, 1, 0, 2 URIs
    assert received(prefetch(items, uris, FakeResolver(), concurrency=3)) == expected(items)


def test_a_failed_fetch_raises_at_its_item_after_all_earlier_items() -> None:
    resolver = FakeResolver(fail="s3://bkt/21/0")
    got: list[int] = []
    with pytest.raises(RefError) as caught:
        for item, _ in prefetch(range(100), uris, resolver, concurrency=8):
            got.append(item)
    assert got == list(range(21))
    assert (caught.value.uri, caught.value.exit_code) == ("s3://bkt/21/0", 1)


def test_an_error_from_the_items_raises_after_all_earlier_items() -> None:
    def items() -> Iterator[int]:
        yield from range(10)
        raise UsageError("line 11 is bad")

    got: list[int] = []
    with pytest.raises(UsageError, match="line 11"):
        for item, _ in prefetch(items(), uris, FakeResolver(), concurrency=4):
            got.append(item)
    assert got == list(range(10))


class Counting:
    """An endless iterator of items that counts how many were read: a list() would never end."""

    def __init__(self) -> None:
        self.read = 0

    def __iter__(self) -> Iterator[int]:
        return self

    def __next__(self) -> int:
        self.read += 1
        return self.read - 1


@pytest.mark.parametrize(("concurrency", "lookahead"), [(1, None), (4, None), (4, 2), (16, 1)])
def test_items_are_read_at_most_lookahead_ahead(concurrency: int, lookahead: int | None) -> None:
    bound = lookahead or 4 * concurrency
    items = Counting()
    pairs = prefetch(items, uris, FakeResolver(), concurrency=concurrency, lookahead=lookahead)
    for consumed, (item, _) in enumerate(itertools.islice(pairs, 60), start=1):
        assert item == consumed - 1
        assert consumed <= items.read <= consumed - 1 + bound


class Sized:
    """Serves objects of ``size`` bytes and records the bytes fetched and not yet consumed."""

    def __init__(self, size: int) -> None:
        self.size, self.fetched, self.consumed, self.most_held = size, 0, 0, 0
        self.lock = threading.Lock()

    def fetch(self, uri: str) -> Fetched:
        with self.lock:
            self.most_held = max(self.most_held, self.fetched - self.consumed)
            self.fetched += self.size
        return Fetched(self.size, (bytes(self.size),))


def test_bytes_held_ahead_stay_within_the_window() -> None:
    resolver = Sized(100)
    pairs = prefetch(range(200), lambda i: ["s3://b/k"], resolver, concurrency=4, max_bytes=300)
    for _, objects in pairs:
        time.sleep(0.0005)  # a slow consumer: an unbounded prefetch would run far ahead
        with resolver.lock:
            resolver.consumed += sum(o.length for o in objects)
    assert resolver.most_held <= 300 + 4 * 100


def test_objects_larger_than_the_window_still_stream() -> None:
    items = range(20)
    got = list(prefetch(items, lambda i: ["a", "b"], Sized(1000), concurrency=4, max_bytes=10))
    assert [item for item, _ in got] == list(items)


class Lazy:
    """Lazy objects that record which were fetched and which were closed unread."""

    def __init__(self) -> None:
        self.fetched: list[int] = []
        self.closed: list[int] = []

    def fetch(self, uri: str) -> Fetched:
        time.sleep(0.001)
        self.fetched.append(int(uri.rsplit("/", 1)[1]))
        return Fetched(3, LazyChunks(self.fetched[-1], self.closed))


class LazyChunks:
    def __init__(self, item: int, closed: list[int]) -> None:
        self.item, self.closed = item, closed

    def __iter__(self) -> Iterator[bytes]:
        yield b"abc"

    def close(self) -> None:
        self.closed.append(self.item)


@pytest.mark.parametrize("max_bytes", [1 << 20, 1], ids=["window open", "workers waiting"])
def test_closing_early_stops_the_workers_and_closes_unread_objects(max_bytes: int) -> None:
    baseline = threading.active_count()
    resolver = Lazy()
    pairs = prefetch(itertools.count(), lambda i: [f"s3://b/{i}"], resolver, max_bytes=max_bytes)
    taken = [item for item, _ in itertools.islice(pairs, 5)]
    assert threading.active_count() > baseline
    pairs.close()
    assert taken == [0, 1, 2, 3, 4]
    assert threading.active_count() <= baseline
    # Read ahead into memory (then closed), or closed unread: every object is closed.
    assert sorted(resolver.closed) == sorted(resolver.fetched)
    assert len(resolver.fetched) < 5 + 4 * 16  # fetches stopped within the look-ahead


def test_ctrl_c_in_the_consumer_stops_the_workers() -> None:
    baseline = threading.active_count()
    with pytest.raises(KeyboardInterrupt):
        for item, _ in prefetch(itertools.count(), lambda i: [f"s3://b/{i}"], Lazy()):
            if item == 3:
                raise KeyboardInterrupt
    assert threading.active_count() <= baseline


ABANDONED = """
    import itertools
    from augman.refs import Fetched, prefetch

    class Resolver:
        def fetch(self, uri):
            return Fetched(100, (bytes(100),))

    PAIRS = prefetch(itertools.count(), lambda i: ["s3://b/k"], Resolver(), max_bytes=150)
    print(next(PAIRS)[0])  # workers now wait for room in the window; PAIRS is never closed
"""


def test_a_prefetch_never_closed_does_not_hang_the_interpreter_at_exit() -> None:
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(ABANDONED)],
        capture_output=True, timeout=30, env=env,
    )  # fmt: skip
    assert (result.returncode, result.stdout, result.stderr) == (0, b"0\n", b"")


@settings(max_examples=40, deadline=None)
@given(
    counts=st.lists(st.integers(0, 3), max_size=25),
    seed=st.integers(0, 1000),
    concurrency=st.integers(1, 5),
    lookahead=st.integers(1, 6),
    max_bytes=st.integers(1, 200),
)
def test_order_is_kept_for_any_items_latencies_and_bounds(
    counts: list[int], seed: int, concurrency: int, lookahead: int, max_bytes: int
) -> None:
    items = [(i, count) for i, count in enumerate(counts)]

    def uris_of(item: tuple[int, int]) -> list[str]:
        return [f"s3://b/{item[0]}/{n}" for n in range(item[1])]

    pairs = prefetch(
        items, uris_of, FakeResolver(seed, max_sleep=0.0005), concurrency=concurrency,
        lookahead=lookahead, max_bytes=max_bytes,
    )  # fmt: skip
    assert received(pairs) == [(item, [u.encode() for u in uris_of(item)]) for item in items]


def test_a_response_without_a_length_is_refused_not_guessed() -> None:
    body = Body(b"data")

    class NoLength:
        def get_object(self, **_: str) -> Any:
            return {"Body": body}

    with pytest.raises(RefError, match="no Content-Length") as caught:
        Resolver(s3_client=NoLength).fetch("s3://bkt/k")
    assert caught.value.exit_code == 2
    assert body.closed


class LazySized:
    """Lazy objects of ``size`` bytes (length known before the body is read, as from S3),
    counting the bytes read and not yet consumed."""

    def __init__(self, size: int) -> None:
        self.size, self.read, self.consumed, self.most_held = size, 0, 0, 0
        self.lock = threading.Lock()

    def fetch(self, uri: str) -> Fetched:
        return Fetched(self.size, self._body())

    def _body(self) -> Iterator[bytes]:
        with self.lock:
            self.read += self.size
            self.most_held = max(self.most_held, self.read - self.consumed)
        yield bytes(self.size)


@pytest.mark.parametrize("concurrency", [4, 64])
def test_bytes_read_ahead_stay_within_the_budget_whatever_the_concurrency(
    concurrency: int,
) -> None:
    resolver = LazySized(100)
    pairs = prefetch(
        range(300), lambda i: ["s3://b/k"], resolver, concurrency=concurrency, max_bytes=1000
    )
    for _, objects in pairs:
        time.sleep(0.0002)  # a slow consumer: without the budget, all 64 workers would read
        with resolver.lock:
            resolver.consumed += sum(o.length for o in objects)
    assert resolver.most_held <= 1000 + 100  # the budget, and the object being consumed


def test_objects_over_the_read_ahead_limit_are_left_to_the_consumer() -> None:
    from augman.refs.prefetch import READ_AHEAD_LIMIT

    class Large:
        def fetch(self, uri: str) -> Fetched:
            return Fetched(READ_AHEAD_LIMIT + 1, LazyChunks(0, []))

    ((_, (fetched,)),) = list(prefetch([0], lambda i: ["s3://b/k"], Large()))
    assert isinstance(fetched.chunks, LazyChunks)  # not read into memory ahead


def test_closing_does_not_wait_for_a_fetch_that_hangs() -> None:
    release = threading.Event()

    class Hangs:
        def fetch(self, uri: str) -> Fetched:
            if uri.endswith("/1"):
                release.wait(30)  # a network read that never returns
            return Fetched(1, (b"x",))

    pairs = prefetch(itertools.count(), lambda i: [f"s3://b/{i}"], Hangs(), concurrency=2)
    assert next(pairs)[0] == 0
    started = time.monotonic()
    pairs.close()
    assert time.monotonic() - started < 1
    release.set()
