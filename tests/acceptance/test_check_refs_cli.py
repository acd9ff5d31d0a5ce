"""``augman validate --check-refs`` from the command line: in-process, and over HTTP to moto_server."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from augman.cli._refs import with_bare_flag

LINES = [
    '{"source-ref": "s3://cli-bucket/img/1.jpg", "class": 1}',
    '{"source-ref": "s3://cli-bucket/img/2.jpg", "class": 1}',
    '{"source-ref": "s3://cli-bucket/img/empty.jpg", "class": 0}',
    '{"source-ref": "s3://cli-bucket/img/2.jpg", "class": 0}',
    '{"source-ref": "s3://gone-bucket-x/1.jpg", "class": 0}',
]


def _objects(client: Any) -> None:
    client.create_bucket(Bucket="cli-bucket")
    client.put_object(Bucket="cli-bucket", Key="img/1.jpg", Body=b"\xff\xd8jpeg")
    client.put_object(Bucket="cli-bucket", Key="img/empty.jpg", Body=b"")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--check-refs", "m"], ["--check-refs=all", "m"]),
        (["m", "--check-refs"], ["m", "--check-refs=all"]),
        (["--check-refs", "content", "m"], ["--check-refs", "content", "m"]),
        (["--check-refs=selected", "m"], ["--check-refs=selected", "m"]),
        (["--", "--check-refs"], ["--", "--check-refs"]),
    ],
    ids=["before", "last", "spaced-value", "equals-value", "after-dashes"],
)
def test_a_bare_check_refs_means_all(args: list[str], expected: list[str]) -> None:
    assert with_bare_flag(args) == expected


@pytest.mark.s3server
def test_end_to_end_over_http(
    server_s3: Any, moto_server: str, run_augman: Any, write_manifest: Callable[..., Path]
) -> None:
    _objects(server_s3)
    path = write_manifest(*LINES)
    result = run_augman(
        "validate", path, "--attrs", "source-ref,class", "--check-refs", "--format", "json",
        "--endpoint-url", moto_server, "--concurrency", "4",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = [(f["line"], f["code"]) for f in report["findings"]]
    assert found == [(2, "AM307"), (3, "AM311"), (4, "AM307"), (5, "AM309")]
    # two bucket HEADs, then one HEAD per distinct object of the bucket that exists
    assert report["summary"]["refs"]["requests"] == 2 + 3
    assert report["summary"]["refs"]["distinct"] == 4 and report["summary"]["refs"]["uses"] == 5


@pytest.mark.s3server
def test_text_report_and_summary_over_http(
    server_s3: Any, moto_server: str, run_augman: Any, write_manifest: Callable[..., Path]
) -> None:
    _objects(server_s3)
    path = write_manifest(*LINES[:3])
    result = run_augman(
        "validate", path, "--check-refs", "--refs-strategy", "list", "--endpoint-url", moto_server
    )
    assert result.returncode == 1
    out = result.stdout.decode()
    assert f"{path}:2: AM307 error: source-ref: s3://cli-bucket/img/2.jpg does not exist" in out
    assert f"{path}:3: AM311 warning" in out
    assert "refs: 3 distinct of 3 uses, 2 requests (list)" in result.stderr.decode()


@pytest.mark.s3server
def test_no_credentials_is_one_run_error(
    moto_server: str, run_augman: Any, write_manifest: Callable[..., Path]
) -> None:
    path = write_manifest(*LINES)
    result = run_augman(
        "validate", path, "--check-refs", "--endpoint-url", moto_server, "--region", "us-east-1"
    )
    assert result.returncode == 2
    err = result.stderr.decode()
    assert err.startswith("augman: error: ") and "no AWS credentials" in err
    assert result.stdout == b"" and "Traceback" not in err


def test_mirrors_from_the_cli(
    cli: Any, tmp_path: Path, write_manifest: Callable[..., Path]
) -> None:
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "1.jpg").write_bytes(b"\xff\xd8")
    path = write_manifest(*LINES[:2])
    result = cli("validate", path, "--check-refs", "--mirror", f"s3://cli-bucket={tmp_path}")
    assert result.exit_code == 1
    assert f"{path}:2: AM307 error: source-ref: s3://cli-bucket/img/2.jpg does not exist" in (
        result.stdout
    )
    assert "0 requests (auto), 2 in mirrors" in result.stderr


def test_selected_without_attrs_is_a_usage_error(
    cli: Any, write_manifest: Callable[..., Path]
) -> None:
    result = cli("validate", write_manifest(*LINES), "--check-refs=selected")
    assert result.exit_code == 2
    assert "augman: error: --check-refs=selected needs --attrs" in result.stderr


def test_progress_bar_counts_refs_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from augman.cli import _refs

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("AUGMAN_NO_PROGRESS")
    monkeypatch.setattr(_refs.sys, "stderr", Terminal())
    monkeypatch.setattr(_refs, "PROGRESS_AFTER", 0)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with _refs.progress_bar(console) as update:
        assert update is not None
        update(1, 3)
        update(3, 3)
    assert "checking refs" in out.getvalue() and "3/3" in out.getvalue()


@pytest.mark.s3server
def test_denied_and_throttled_over_http(
    server_s3: Any, write_manifest: Callable[..., Path]
) -> None:
    import augman
    from augman import api
    from tests.s3faults import Counter, answer, inject

    _objects(server_s3)
    server_s3.put_object(Bucket="cli-bucket", Key="img/secret.jpg", Body=b"x")
    slow = iter(range(2))

    def fault(request: Any) -> Any:
        if "secret" in request.url:
            return answer(403)
        if "1.jpg" in request.url and next(slow, None) is not None:
            return answer(503, "SlowDown")
        return None

    inject(server_s3, fault)
    counter = Counter(server_s3)
    path = write_manifest(*LINES[:2], '{"source-ref": "s3://cli-bucket/img/secret.jpg"}')
    report = augman.validate(
        [str(path)], check_refs="all", s3_client=lambda: server_s3,
        refs=api.RefCheckOptions(strategy="head"),
    )  # fmt: skip
    assert [(f.line, f.code) for f in report.findings] == [(2, "AM307"), (3, "AM308")]
    # 1.jpg answered 503 twice, retried by botocore: 1 + 3 + 1 + 1 requests
    assert counter.ops == ["HeadBucket"] + ["HeadObject"] * 5
    assert report.extra["refs"]["requests"] == 6


@pytest.mark.parametrize(
    "option", [["--mirror", "s3://b=."], ["--refs-strategy", "list"], ["--concurrency", "4"]]
)
def test_refs_options_need_check_refs(
    cli: Any, write_manifest: Callable[..., Path], option: list[str]
) -> None:
    result = cli("validate", write_manifest(*LINES), *option)
    assert result.exit_code == 2
    assert f"augman: error: {option[0]} needs --check-refs" in result.stderr


@pytest.mark.s3server
def test_content_over_http(
    server_s3: Any, moto_server: str, run_augman: Any, write_manifest: Callable[..., Path]
) -> None:
    from PIL import Image

    image = io.BytesIO()
    Image.new("RGB", (40, 30)).save(image, "JPEG")
    server_s3.create_bucket(Bucket="cli-bucket")
    server_s3.put_object(Bucket="cli-bucket", Key="img/1.jpg", Body=image.getvalue())
    box = '"boxes": {"image_size": [{"width": 40, "height": 20, "depth": 3}], "annotations": []}'
    path = write_manifest(f'{{"source-ref": "s3://cli-bucket/img/1.jpg", {box}}}')
    result = run_augman(
        "validate", path, "--check-refs=content", "--format", "json", "--endpoint-url", moto_server
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["line"], f["code"], f["attribute"]) for f in report["findings"]] == [
        (1, "AM316", "boxes")
    ]
    refs = report["summary"]["refs"]
    assert refs["bytes_read"] == len(image.getvalue()) and refs["requests"] == 2


def test_formats_the_algorithm_reads(tmp_path: Path, write_manifest: Callable[..., Path]) -> None:
    from PIL import Image

    import augman

    Image.new("RGB", (4, 4)).save(tmp_path / "1.png", "PNG")
    path = write_manifest('{"source-ref": "s3://cli-bucket/1.png"}')
    options: dict[str, Any] = {"mirrors": [f"s3://cli-bucket={tmp_path}"]}
    report = augman.validate(
        [str(path)], check_refs="content", refs=augman.RefCheckOptions(**options)
    )
    assert report.findings == ()
    only_jpeg = augman.RefCheckOptions(**options, formats=frozenset({"JPEG"}))
    report = augman.validate([str(path)], check_refs="content", refs=only_jpeg)
    assert [f.message for f in report.findings] == [
        "source-ref: s3://cli-bucket/1.png is a PNG image, not JPEG"
    ]
