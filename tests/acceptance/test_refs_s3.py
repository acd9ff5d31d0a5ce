"""-ref objects from S3: moto in-process for the behaviour, moto over HTTP end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from augman.inputs import s3 as augman_s3
from augman.refs import Fetched, Mirror, RefError, prefetch
from augman.refs import S3Resolver as Resolver

KEYS = ["a/b.jpg", "with space.jpg", "a%20b.jpg", "a+b.jpg", "caf\u00e9/\u732b.png", "q?x=1#f"]


@pytest.fixture
def bucket(s3: Any) -> Any:
    """Bucket ``refs`` in the in-process moto, holding each of KEYS as its own name."""
    s3.create_bucket(Bucket="refs")
    for key in KEYS:
        s3.put_object(Bucket="refs", Key=key, Body=key.encode())
    return s3


def content(fetched: Fetched) -> bytes:
    data = b"".join(fetched.chunks)
    assert len(data) == fetched.length
    return data


@pytest.mark.parametrize("key", KEYS)
def test_objects_are_fetched_by_their_literal_key(bucket: Any, key: str) -> None:
    fetched = Resolver(s3_client=augman_s3.client_factory()).fetch(f"s3://refs/{key}")
    assert content(fetched) == key.encode()
    assert isinstance(fetched.chunks, tuple)  # small: read whole by fetch()


@pytest.mark.parametrize(
    ("uri", "message"),
    [("s3://refs/missing.jpg", "no such object"), ("s3://no-such-bucket/k", "does not exist")],
    ids=["no such key", "no such bucket"],
)
def test_missing_objects_exit_1(bucket: Any, uri: str, message: str) -> None:
    with pytest.raises(RefError, match=message) as caught:
        Resolver(s3_client=augman_s3.client_factory()).fetch(uri)
    assert (caught.value.exit_code, caught.value.uri) == (1, uri)


def test_missing_credentials_exit_2_with_a_hint() -> None:
    with pytest.raises(RefError, match="no AWS credentials") as caught:
        Resolver(s3_client=augman_s3.client_factory(region="us-east-1")).fetch("s3://refs/k")
    assert caught.value.exit_code == 2
    assert "AWS_PROFILE" in (caught.value.hint or "")


def test_a_large_object_is_read_lazily_in_chunks(bucket: Any) -> None:
    data = bytes(range(256)) * 10
    bucket.put_object(Bucket="refs", Key="large.bin", Body=data)
    resolver = Resolver(s3_client=augman_s3.client_factory(), small_object=1000, chunk_size=300)
    fetched = resolver.fetch("s3://refs/large.bin")
    assert fetched.length == len(data)
    assert not isinstance(fetched.chunks, tuple)
    chunks = list(fetched.chunks)
    assert [len(c) for c in chunks] == [300] * 8 + [160]
    assert b"".join(chunks) == data


def test_prefetch_keeps_manifest_order_and_mixes_mirror_and_s3(bucket: Any, tmp_path: Path) -> None:
    for n in range(40):
        bucket.put_object(Bucket="refs", Key=f"s3/{n}", Body=b"s3 %d" % n)
        (tmp_path / f"{n}").write_bytes(b"local %d" % n)
    lines = [[f"s3://refs/s3/{n}", f"s3://refs/local/{n}"] for n in range(40)]
    resolver = Resolver(
        [Mirror.parse(f"s3://refs/local={tmp_path}")],
        s3_client=augman_s3.client_factory(max_pool_connections=8),
    )
    got = [[content(o) for o in objects] for _, objects in prefetch(lines, list, resolver)]
    assert got == [[b"s3 %d" % n, b"local %d" % n] for n in range(40)]


def test_a_missing_object_stops_prefetch_at_its_line(bucket: Any) -> None:
    lines = [[f"s3://refs/{key}"] for key in KEYS[:3]] + [["s3://refs/gone"], [KEYS[3]]]
    resolver = Resolver(s3_client=augman_s3.client_factory())
    got = []
    with pytest.raises(RefError, match="no such object") as caught:
        for line, objects in prefetch(lines, list, resolver, concurrency=4):
            got.append((line, [content(o) for o in objects]))
    assert got == [([f"s3://refs/{k}"], [k.encode()]) for k in KEYS[:3]]
    assert caught.value.exit_code == 1


@pytest.mark.s3server
def test_objects_come_over_http_from_an_s3_endpoint(server_s3: Any, moto_server: str) -> None:
    server_s3.create_bucket(Bucket="refs")
    for n in range(20):
        server_s3.put_object(Bucket="refs", Key=f"img/{n}.jpg", Body=bytes([n]) * (n * 100))
    server_s3.put_object(Bucket="refs", Key="big.bin", Body=b"x" * 5000)
    resolver = Resolver(
        s3_client=augman_s3.client_factory(endpoint_url=moto_server),
        small_object=4096,
        chunk_size=1024,
    )
    lines = [[f"s3://refs/img/{n}.jpg"] for n in range(20)] + [["s3://refs/big.bin"]]
    got = [content(objects[0]) for _, objects in prefetch(lines, list, resolver, concurrency=4)]
    assert got == [bytes([n]) * (n * 100) for n in range(20)] + [b"x" * 5000]
    with pytest.raises(RefError, match="no such object") as caught:
        resolver.fetch("s3://refs/img/missing.jpg")
    assert caught.value.exit_code == 1
