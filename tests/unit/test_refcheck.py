"""``validate --check-refs`` against moto in-process: findings at every line, requests counted.

Faults S3 does not make on demand (403, 503 SlowDown, expired credentials) are injected
with botocore's event hooks: a ``before-send`` handler registered first answers instead
of moto.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.config import Config

import augman
from augman import api
from augman.errors import S3Error
from tests.s3faults import Counter, answer, inject

BUCKET = "refs-bucket"


def jpeg(width: int, height: int, fmt: str = "JPEG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.fixture
def bucket(s3: Any) -> Any:
    s3.create_bucket(Bucket=BUCKET)
    return s3


def check(path: Path, client: Any, mode: str = "all", **options: Any) -> augman.Report:
    attrs = options.pop("attrs", None)
    return augman.validate(
        [str(path)], attrs=attrs, check_refs=mode, s3_client=lambda: client,
        refs=api.RefCheckOptions(**options),
    )  # fmt: skip


def ref_lines(*keys: str, bucket: str = BUCKET, attr: str = "source-ref") -> list[str]:
    return [f'{{"{attr}": "s3://{bucket}/{key}"}}' for key in keys]


def codes(report: augman.Report) -> list[tuple[int | None, str]]:
    return [(f.line, f.code) for f in report.findings]


def test_missing_empty_and_repeated_objects_are_reported_at_every_line(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    bucket.put_object(Bucket=BUCKET, Key="a/1.jpg", Body=b"x")
    bucket.put_object(Bucket=BUCKET, Key="a/empty.jpg", Body=b"")
    path = write_manifest(*ref_lines("a/1.jpg", "a/2.jpg", "a/empty.jpg", "a/2.jpg", "a/1.jpg"))
    counter = Counter(bucket)
    report = check(path, bucket, strategy="head")
    assert codes(report) == [(2, "AM307"), (3, "AM311"), (4, "AM307")]
    assert report.findings[0].message == f"source-ref: s3://{BUCKET}/a/2.jpg does not exist"
    # one HEAD for the bucket and one per distinct object, repeats included only once
    assert counter.ops == ["HeadBucket"] + ["HeadObject"] * 3
    assert report.extra["refs"]["requests"] == 4
    assert report.extra["refs"]["distinct"] == 3 and report.extra["refs"]["uses"] == 5


def test_a_missing_bucket_costs_one_request_whatever_its_refs(
    s3: Any, write_manifest: Callable[..., Path]
) -> None:
    path = write_manifest(*ref_lines("1.jpg", "2.jpg", "3.jpg", bucket="no-such-bucket-here"))
    counter = Counter(s3)
    report = check(path, s3)
    assert codes(report) == [(1, "AM309"), (2, "AM309"), (3, "AM309")]
    assert counter.ops == ["HeadBucket"]


@pytest.mark.parametrize(
    ("strategy", "expected"),
    [("head", ["HeadBucket"] + ["HeadObject"] * 40), ("list", ["HeadBucket", "ListObjectsV2"]),
     ("auto", ["HeadBucket", "ListObjectsV2"])],
    ids=["head", "list", "auto"],
)  # fmt: skip
def test_a_dense_folder_is_listed_once(
    bucket: Any, write_manifest: Callable[..., Path], strategy: str, expected: list[str]
) -> None:
    for i in range(38):
        bucket.put_object(Bucket=BUCKET, Key=f"img/{i:03}.jpg", Body=b"x")
    bucket.put_object(Bucket=BUCKET, Key="img/big-but-empty.jpg", Body=b"")
    path = write_manifest(
        *ref_lines(*(f"img/{i:03}.jpg" for i in range(39)), "img/big-but-empty.jpg")
    )
    counter = Counter(bucket)
    report = check(path, bucket, strategy=strategy)
    assert codes(report) == [(39, "AM307"), (40, "AM311")]
    assert counter.ops == expected
    assert report.extra["refs"]["requests"] == len(expected)


def test_list_pages_start_at_the_next_wanted_key(
    bucket: Any, write_manifest: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from augman.refcheck import remote

    monkeypatch.setattr(remote, "PAGE", 10)  # pages of 10 keys instead of 1,000
    for i in range(30):
        bucket.put_object(Bucket=BUCKET, Key=f"p/{i:03}", Body=b"x")
    path = write_manifest(*ref_lines("p/001", "p/002", "p/025", "p/029", "p/030"))
    counter = Counter(bucket)
    report = check(path, bucket, strategy="list")
    assert codes(report) == [(5, "AM307")]
    # 000..009, then a jump to 025..029: the keys between are never listed
    assert counter.ops == ["HeadBucket", "ListObjectsV2", "ListObjectsV2"]


def test_auto_goes_back_to_head_in_a_sparse_folder(
    bucket: Any, write_manifest: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from augman.refcheck import checker, remote

    monkeypatch.setattr(remote, "PAGE", 10)
    monkeypatch.setattr(checker, "LIST_FROM", 3)
    for i in range(60):
        bucket.put_object(Bucket=BUCKET, Key=f"s/{i:03}", Body=b"x")
    path = write_manifest(*ref_lines("s/000", "s/020", "s/040", "s/059"))
    counter = Counter(bucket)
    report = check(path, bucket, strategy="auto")
    assert codes(report) == []
    # the first page settles one key only: the three others are HEADs
    assert counter.ops == ["HeadBucket", "ListObjectsV2"] + ["HeadObject"] * 3


def test_access_denied_is_a_finding_with_the_list_bucket_hint(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    bucket.put_object(Bucket=BUCKET, Key="ok.jpg", Body=b"x")
    bucket.put_object(Bucket=BUCKET, Key="secret.jpg", Body=b"x")
    inject(bucket, lambda request: answer(403) if "secret" in request.url else None)
    report = check(write_manifest(*ref_lines("ok.jpg", "secret.jpg", "secret.jpg")), bucket)
    assert codes(report) == [(2, "AM308"), (3, "AM308")]
    assert "s3:ListBucket" in (report.findings[0].hint or "")


def test_listing_denied_falls_back_to_head(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    bucket.put_object(Bucket=BUCKET, Key="d/1", Body=b"x")
    inject(
        bucket, lambda request: answer(403, "AccessDenied") if "list-type" in request.url else None
    )
    counter = Counter(bucket)
    report = check(write_manifest(*ref_lines("d/1", "d/2")), bucket, strategy="list")
    assert codes(report) == [(2, "AM307")]
    assert counter.ops == ["HeadBucket", "ListObjectsV2", "HeadObject", "HeadObject"]


def slow_down(client: Any, key: str, times: int) -> None:
    """The first ``times`` requests for ``key`` are answered 503 SlowDown."""
    left = iter(range(times))
    hit = lambda request: key in request.url and next(left, None) is not None  # noqa: E731
    inject(client, lambda request: answer(503, "SlowDown") if hit(request) else None)


def test_throttling_slows_down_and_then_succeeds(
    s3: Any, write_manifest: Callable[..., Path]
) -> None:
    import boto3

    # no botocore retries: every 503 reaches augman's own pause-and-retry
    client = boto3.client(
        "s3", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )
    client.create_bucket(Bucket=BUCKET)
    client.put_object(Bucket=BUCKET, Key="k.jpg", Body=b"x")
    slow_down(client, "k.jpg", 3)
    counter = Counter(client)
    report = check(write_manifest(*ref_lines("k.jpg")), client, strategy="head")
    assert codes(report) == []
    assert counter.ops == ["HeadBucket"] + ["HeadObject"] * 4
    assert report.extra["refs"]["throttled"] == 3


def test_botocore_retries_a_slow_down_first(s3: Any, write_manifest: Callable[..., Path]) -> None:
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="k.jpg", Body=b"x")
    slow_down(s3, "k.jpg", 1)
    counter = Counter(s3)
    report = check(write_manifest(*ref_lines("k.jpg")), s3, strategy="head")
    assert codes(report) == [] and counter.ops == ["HeadBucket", "HeadObject", "HeadObject"]


@pytest.mark.parametrize("code", ["ExpiredToken", "InvalidAccessKeyId"])
def test_refused_credentials_are_one_run_error(
    bucket: Any, write_manifest: Callable[..., Path], code: str
) -> None:
    inject(bucket, lambda request: answer(403 if request.method == "HEAD" else 400, code))
    with pytest.raises(S3Error, match=f"refused the AWS credentials \\({code}\\)"):
        check(write_manifest(*ref_lines("1.jpg", "2.jpg")), bucket)


def test_missing_credentials_are_one_run_error(
    write_manifest: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from augman.inputs import s3

    factory = s3.client_factory(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(S3Error, match="no AWS credentials"):
        augman.validate(
            [str(write_manifest(*ref_lines("1.jpg")))], check_refs="all", s3_client=factory
        )


def test_bucket_in_another_region(s3: Any, write_manifest: Callable[..., Path]) -> None:
    s3.create_bucket(
        Bucket="eu-bucket-x", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_object(Bucket="eu-bucket-x", Key="1.jpg", Body=b"x")
    path = write_manifest(*ref_lines("1.jpg", bucket="eu-bucket-x"))
    report = check(path, s3, region="us-east-1")
    assert codes(report) == [(1, "AM310")]
    assert "is in eu-west-1, not in us-east-1" in report.findings[0].message
    assert codes(check(path, s3, region="eu-west-1")) == []


def test_only_selected_attributes_with_selected(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    line = f'{{"source-ref": "s3://{BUCKET}/a.jpg", "other-ref": "s3://{BUCKET}/b.jpg"}}'
    path = write_manifest(line)
    assert [f.attribute for f in check(path, bucket).findings] == ["source-ref", "other-ref"]
    report = check(path, bucket, "selected", attrs=["source-ref"])
    assert [f.attribute for f in report.findings] == ["source-ref"]
    with pytest.raises(augman.UsageError, match="needs --attrs"):
        check(path, bucket, "selected")


def test_bad_ref_syntax_is_not_requested(bucket: Any, write_manifest: Callable[..., Path]) -> None:
    path = write_manifest(
        '{"source-ref": "s3://refs-bucket/dir/"}', '{"source-ref": 3}',
        '{"source-ref": "s3://refs-bucket/\\ud800.jpg"}', b'{"source-ref": "s3://refs-bucket/\xff.jpg"}',
    )  # fmt: skip
    counter = Counter(bucket)
    report = check(path, bucket)
    assert codes(report)[:3] == [(1, "AM305"), (2, "AM301"), (3, "AM106")]
    assert codes(report)[3][1] == "AM104", codes(report)
    assert len(codes(report)) == 4 and counter.ops == []


# -- content -------------------------------------------------------------------------------


def test_content_checks_read_image_headers(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    objects = {
        "ok.jpg": jpeg(64, 48), "text.jpg": b"hello, not an image", "cut.jpg": jpeg(64, 48)[:300],
        "anim.gif": jpeg(8, 8, "GIF"), "boxed.jpg": jpeg(64, 48), "mask.png": jpeg(32, 24, "PNG"),
    }  # fmt: skip
    for key, body in objects.items():
        bucket.put_object(Bucket=BUCKET, Key=key, Body=body)
    size = '"boxes": {"image_size": [{"width": 80, "height": 48, "depth": 3}], "annotations": []}'
    seg = '"mask-ref-metadata": {"type": "groundtruth/semantic-segmentation"}'
    path = write_manifest(
        *ref_lines("ok.jpg", "text.jpg", "cut.jpg", "anim.gif"),
        f'{{"source-ref": "s3://{BUCKET}/boxed.jpg", {size}}}',
        f'{{"source-ref": "s3://{BUCKET}/ok.jpg", "mask-ref": "s3://{BUCKET}/mask.png", {seg}}}',
    )
    counter = Counter(bucket)
    report = check(path, bucket, "content")
    assert codes(report) == [(2, "AM314"), (3, "AM314"), (4, "AM315"), (5, "AM316"), (6, "AM317")]
    messages = [f.message for f in report.findings]
    assert "not an image" in messages[0] and "truncated" in messages[1]
    assert (
        messages[3] == f"boxes: source-ref s3://{BUCKET}/boxed.jpg is 64x48; image_size says 80x48"
    )
    assert messages[4] == f"mask-ref: s3://{BUCKET}/mask.png is 32x24; its image is 64x48"
    assert counter.ops == ["HeadBucket"] + ["GetObject"] * 6  # one ranged GET per object
    assert report.extra["refs"]["bytes_read"] == sum(map(len, objects.values()))


def test_content_reads_only_the_first_64_kib(
    bucket: Any, write_manifest: Callable[..., Path]
) -> None:
    big = jpeg(64, 48) + os.urandom(200_000)  # a JPEG header followed by much more
    bucket.put_object(Bucket=BUCKET, Key="big.jpg", Body=big)
    bucket.put_object(Bucket=BUCKET, Key="empty.jpg", Body=b"")
    report = check(write_manifest(*ref_lines("big.jpg", "empty.jpg")), bucket, "content")
    assert codes(report) == [(2, "AM311")]
    assert report.extra["refs"]["bytes_read"] == 64 * 1024


# -- mirrors ---------------------------------------------------------------------------------


def test_mirrors_are_checked_on_disk_with_the_same_findings(
    tmp_path: Path, write_manifest: Callable[..., Path]
) -> None:
    images = tmp_path / "images"
    (images / "sub").mkdir(parents=True)
    (images / "1.jpg").write_bytes(jpeg(10, 10))
    (images / "empty.jpg").write_bytes(b"")
    with open(images / "huge.bin", "wb") as file:
        file.truncate(1 << 29)  # sparse: 512 MiB that take no space
    path = write_manifest(
        *ref_lines("images/1.jpg", "images/2.jpg", "images/empty.jpg", "images/sub",
                   "images/huge.bin", "images/../../x"),
    )  # fmt: skip
    mirrors = [f"s3://{BUCKET}/images={images}"]
    report = check(path, None, mirrors=mirrors, attrs=["source-ref"])
    assert codes(report) == [(2, "AM307"), (3, "AM311"), (4, "AM307"), (5, "AM312"), (6, "AM313")]
    assert report.findings[3].severity is augman.Severity.error
    assert "no such file" in report.findings[0].message
    assert report.extra["refs"]["requests"] == 0 and report.extra["refs"]["in_mirrors"] == 6
    # without --attrs, whether the object is streamed as a record is not known: a warning
    unknown = check(path, None, mirrors=mirrors)
    assert [f.severity.value for f in unknown.findings if f.code == "AM312"] == ["warning"]


def test_mirror_keys_are_mapped_as_stream_maps_them(
    tmp_path: Path, write_manifest: Callable[..., Path]
) -> None:
    """'..' is taken by name, as stream takes it: inside the folder it is fine; past it, or
    a key that starts with '/' after the prefix, is AM313."""
    images = tmp_path / "images"
    (images / "sub").mkdir(parents=True)
    (images / "1.jpg").write_bytes(jpeg(10, 10))
    path = write_manifest(
        *ref_lines("images/sub/../1.jpg", "images/./sub//../1.jpg", "images/sub/../../1.jpg",
                   "images//1.jpg", "images/1.jpg/"),
    )  # fmt: skip
    report = check(path, None, mirrors=[f"s3://{BUCKET}/images={images}"], attrs=["source-ref"])
    assert codes(report) == [(3, "AM313"), (4, "AM313"), (5, "AM305")]
    assert f"leads outside the mirror folder {images}" in report.findings[0].message


def test_the_api_takes_a_list_of_uses(bucket: Any) -> None:
    bucket.put_object(Bucket=BUCKET, Key="1.jpg", Body=b"x")
    uses = [("job.json", 3, "source-ref", f"s3://{BUCKET}/1.jpg"),
            ("job.json", 7, "source-ref", f"s3://{BUCKET}/2.jpg")]  # fmt: skip
    result = api.check_refs(uses, s3_client=lambda: bucket)
    assert [(f.location, f.code) for f in result.findings] == [("job.json:7", "AM307")]
    assert result.summary.requests == 3
