"""Shared fixtures: manifests from lines, the CLI in-process and as a subprocess, and S3.

S3 comes two ways: ``s3`` is moto in-process (unit tests), ``moto_server`` is a real
HTTP endpoint on 127.0.0.1 started for the session (end-to-end tests).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"

os.environ.setdefault("COLUMNS", "100")
os.environ["AUGMAN_NO_PROGRESS"] = "1"


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never see the developer's AWS configuration or credentials."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[..., Path]:
    """Write lines (str or bytes, newline added) to a manifest file and return its path."""

    def write(*lines: str | bytes, name: str = "m.manifest", newline: bytes = b"\n") -> Path:
        path = tmp_path / name
        data = b"".join((ln.encode() if isinstance(ln, str) else ln) + newline for ln in lines)
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def cli() -> Callable[..., Any]:
    """Run augman in-process with Typer's CliRunner: ``cli("validate", path)``."""
    from augman.cli import app

    runner = CliRunner()

    def invoke(*args: str, input: bytes | str | None = None) -> Any:
        return runner.invoke(app, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def augman_command(*args: str) -> list[str]:
    """The argv that runs this checkout's augman in a subprocess."""
    return [sys.executable, "-m", "augman", *map(str, args)]


def subprocess_env(**extra: str) -> dict[str, str]:
    """An environment in which ``python -m augman`` imports this checkout."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


@pytest.fixture
def run_augman() -> Callable[..., subprocess.CompletedProcess[bytes]]:
    """Run augman as a real subprocess: ``run_augman("validate", path, input=b"...")``."""

    def run(*args: str, input: bytes | None = None, timeout: float = 60, **env: str) -> Any:
        return subprocess.run(
            augman_command(*args), input=input, capture_output=True, timeout=timeout,
            env=subprocess_env(**env), cwd=ROOT,
        )  # fmt: skip

    return run


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An in-process moto S3 (us-east-1) and a boto3 client for it."""
    import boto3
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    with mock_aws():
        yield boto3.client("s3", region_name="us-east-1")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto S3 server over HTTP on 127.0.0.1 for the session; yields its endpoint URL."""
    port = _free_port()
    log = open(os.devnull, "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def server_s3(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A boto3 client for the moto server, with credentials set for subprocesses too."""
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    urllib.request.urlopen(
        urllib.request.Request(moto_server + "/moto-api/reset", method="POST")
    ).close()
    return boto3.client("s3", endpoint_url=moto_server, region_name="us-east-1")
