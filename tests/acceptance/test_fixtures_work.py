"""The shared fixtures themselves: the subprocess CLI and both kinds of S3."""

from __future__ import annotations

from typing import Any


def test_subprocess_cli_runs_this_checkout(run_augman: Any) -> None:
    result = run_augman("--help")
    assert result.returncode == 0
    assert b"validate" in result.stdout


def test_s3_manifest_is_read_in_process(s3: Any, cli: Any) -> None:
    s3.create_bucket(Bucket="manifests")
    s3.put_object(Bucket="manifests", Key="m.manifest", Body=b'{"source-ref": 1}\n')
    result = cli("validate", "s3://manifests/m.manifest")
    assert result.exit_code == 1
    assert "s3://manifests/m.manifest:1:2: AM301" in result.stdout


def test_s3_manifest_is_read_over_http(server_s3: Any, moto_server: str, run_augman: Any) -> None:
    server_s3.create_bucket(Bucket="manifests")
    server_s3.put_object(
        Bucket="manifests", Key="ok.manifest", Body=b'{"source-ref": "s3://b-1/k"}\n'
    )
    result = run_augman("validate", "s3://manifests/ok.manifest", "--endpoint-url", moto_server)
    assert result.returncode == 0, result.stderr
    assert b"no problems found in 1 line of 1 file" in result.stdout
