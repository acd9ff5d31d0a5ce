"""Every rule has a failing and a passing example manifest in tests/data.

``tests/data/invalid/CODE.manifest`` must produce CODE at the lines (and columns)
listed in ``CODE.json``'s ``expect``; ``tests/data/valid/CODE.manifest`` must
produce no finding at all. A sidecar's ``attrs`` is passed as AttributeNames, its
``schema`` and ``attr_schemas`` (paths relative to the sidecar) as the user schemas;
its ``refs`` runs ``--check-refs`` (``check``: the mode) on objects in a copy of
``tests/data/refs`` (``mirror``: prefix → folder in it; ``sparse``: large files made
there), or in moto (``s3``: ``buckets`` → region, ``objects``, and key parts whose
requests are ``deny``-ed with a 403), with ``region`` as the job's region.

A request rule (AM5xx) is checked with ``augman.validate_job``: the sidecar's ``job``
names the request (under tests/data, written by ``tests/data/jobs/make_examples.py``),
whose channel reads the example manifest through a mirror, and ``expect`` holds
lines and columns in the request file.
A sidecar's ``max_line_bytes`` is the line limit.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import augman
from augman import api
from augman.checking.rules import RULES

DATA = Path(__file__).parent.parent / "data"


def _options(manifest: Path) -> dict[str, Any]:
    sidecar = manifest.with_suffix(".json")
    return json.loads(sidecar.read_text()) if sidecar.exists() else {}


def _limits(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("max_line_bytes",) if k in options}


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_both_examples(code: str) -> None:
    assert (DATA / "invalid" / f"{code}.manifest").exists()
    assert (DATA / "valid" / f"{code}.manifest").exists()


@pytest.mark.parametrize(
    "manifest", sorted((DATA / "invalid").glob("*.manifest")), ids=lambda p: p.stem
)
def test_invalid_example_fails_with_its_rule_where_expected(
    manifest: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    options = _options(manifest)
    report = _validate(manifest, options, tmp_path, request)
    found = [[f.line, f.column] for f in report.findings if f.code == manifest.stem]
    expected = [[line, col] for line, col in options["expect"]]
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (_, col), (_, want) in zip(found, expected, strict=True):
        if want is not None:
            assert col == want


@pytest.mark.parametrize(
    "manifest", sorted((DATA / "valid").glob("*.manifest")), ids=lambda p: p.stem
)
def test_valid_example_passes(
    manifest: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    report = _validate(manifest, _options(manifest), tmp_path, request)
    assert report.findings == ()


def _validate(
    manifest: Path, options: dict[str, Any], tmp_path: Path, request: pytest.FixtureRequest
) -> augman.Report:
    here = manifest.parent
    schema = options.get("schema")
    schemas: dict[str, Any] = {
        "schema": here / schema if schema else None,
        "attr_schemas": {
            name: here / path for name, path in options.get("attr_schemas", {}).items()
        },
    }
    schemas.update(_limits(options))
    if "job" in options:
        mirror = f"s3://augman-examples={manifest.parent}"
        return augman.validate_job(str(DATA / options["job"]), mirrors=[mirror])
    refs = options.get("refs")
    if refs is None:
        return augman.validate([str(manifest)], attrs=options.get("attrs"), **schemas)
    root = tmp_path / "refs"
    shutil.copytree(DATA / "refs", root)
    for name, size in refs.get("sparse", {}).items():
        with open(root / name, "wb") as file:
            file.truncate(size)
    mirrors = [f"{prefix}={root / folder}" for prefix, folder in refs.get("mirror", {}).items()]
    client = _moto(refs["s3"], request) if "s3" in refs else None
    return augman.validate(
        [str(manifest)], attrs=options.get("attrs"), check_refs=refs.get("check", "all"),
        s3_client=lambda: client,
        refs=api.RefCheckOptions(mirrors=mirrors, region=refs.get("region")), **schemas,
    )  # fmt: skip


def _moto(setup: dict[str, Any], request: pytest.FixtureRequest) -> Any:
    from tests.s3faults import answer, inject

    client = request.getfixturevalue("s3")
    for bucket, region in setup["buckets"].items():
        where = {} if region == "us-east-1" else {"LocationConstraint": region}
        client.create_bucket(
            Bucket=bucket, **({"CreateBucketConfiguration": where} if where else {})
        )
    for uri in setup.get("objects", ()):
        bucket, _, key = uri[5:].partition("/")
        client.put_object(
            Bucket=bucket, Key=key, Body=(DATA / "refs" / "images" / "1.jpg").read_bytes()
        )

    denied = setup.get("deny", ())
    inject(client, lambda req: answer(403) if any(p in req.url for p in denied) else None)
    return client
