"""S3 faults on demand, and a request count, with botocore's event hooks.

A ``before-send`` handler registered first answers instead of the endpoint (moto
in-process, moto_server, anything): a 403, a 503 SlowDown, an expired token.
``request-created`` fires once per HTTP attempt, retries included.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from botocore.awsrequest import AWSResponse


class Counter:
    """Counts the HTTP requests a client sends (retries included), per operation."""

    def __init__(self, client: Any) -> None:
        self.ops: list[str] = []
        client.meta.events.register("request-created.s3", self)

    def __call__(self, request: Any, operation_name: str, **_: Any) -> None:
        self.ops.append(operation_name)

    @property
    def total(self) -> int:
        return len(self.ops)


class _Raw(io.BytesIO):
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.getvalue()


def answer(status: int, code: str = "", headers: dict[str, str] | None = None) -> AWSResponse:
    body = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>".encode() if code else b""
    return AWSResponse("http://s3", status, headers or {}, _Raw(body))


def inject(client: Any, fault: Callable[[Any], AWSResponse | None]) -> None:
    """Answer some requests with ``fault(request)`` instead of S3 (None: let S3 answer)."""

    def before_send(request: Any, **_: Any) -> AWSResponse | None:
        return fault(request)

    client.meta.events.register_first("before-send.s3", before_send)
