"""Fixtures of the fault-injection suite: the misbehaving S3 endpoint, short client timeouts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.faults.s3server import FakeS3, serve

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_MAX_ATTEMPTS": "2",  # one retry: throttling and resets are retried, quickly
}


@pytest.fixture
def fake_s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeS3]:
    """A :class:`FakeS3` endpoint, credentials in the environment, half-second client timeouts."""
    from augman.inputs import s3

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(s3, "CONNECT_TIMEOUT", 0.5)
    monkeypatch.setattr(s3, "READ_TIMEOUT", 0.5)
    with serve() as server:
        yield server
