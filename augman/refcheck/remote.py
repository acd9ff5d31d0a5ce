"""S3 requests for ``--check-refs``: HEAD a bucket, HEAD an object, LIST a prefix, GET a header.

Every request goes through :meth:`Prober.call`, which waits while S3 asks to slow
down: botocore's own retries come first (standard mode), and an answer that is
still a throttle (503 SlowDown) makes every thread pause, longer each time, instead
of failing the check. Problems of the run (no credentials, expired ones, an
endpoint that does not answer) raise :class:`augman.errors.AugmanError`; problems of
one object come back as an :class:`Outcome`.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from augman.errors import S3Error
from augman.inputs import s3
from augman.refcheck.outcomes import (
    DENIED,
    HEADER_BYTES,
    MISSING,
    NO_BUCKET,
    UNREADABLE,
    Outcome,
    found,
)  # fmt: skip

PAGE = 1000  # keys per ListObjectsV2 page (S3's maximum)
THROTTLED_ROUNDS = 10  # rounds of botocore retries still throttled before the run gives up
_THROTTLE_CODES = frozenset(
    {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests",
     "TooManyRequestsException", "503", "ServiceUnavailable", "RequestThrottled"}
)  # fmt: skip
_CREDENTIAL_CODES = frozenset(
    {"ExpiredToken", "ExpiredTokenException", "InvalidAccessKeyId", "InvalidToken",
     "SignatureDoesNotMatch", "TokenRefreshRequired", "InvalidClientTokenId"}
)  # fmt: skip
_CREDENTIAL_HINT = "refresh the credentials (aws sso login, new session token) or pick --profile"


@dataclass(frozen=True)
class Bucket:
    """A bucket checked once: whether it exists (None: cannot tell) and its region."""

    exists: bool | None
    region: str | None


class Throttle:
    """Shared by all threads: after a throttle, nobody sends until the pause is over."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._until = 0.0
        self.events = 0

    def wait(self) -> None:
        delay = self._until - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def slow_down(self, round_: int) -> None:
        pause = min(0.1 * 2**round_, 10.0) * random.uniform(0.5, 1.0)
        with self._lock:
            self.events += 1
            self._until = max(self._until, time.monotonic() + pause)


class Prober:
    """Checks objects in S3 with one shared client; counts the HTTP requests it sends."""

    def __init__(self, client: Any, *, content: bool = False) -> None:
        self.client = client
        self.content = content
        self.throttle = Throttle()
        self.requests = 0
        self.bytes_read = 0
        self._lock = threading.Lock()
        self._event = "request-created.s3"
        client.meta.events.register(self._event, self._count)

    def close(self) -> None:
        """Stop counting requests (the client may be shared with other work)."""
        self.client.meta.events.unregister(self._event, self._count)

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.requests += 1

    def call(self, operation: Callable[..., Any], what: str, **params: Any) -> Any:
        """``operation(**params)``, waiting out throttles; the exception of any other failure."""
        for round_ in range(THROTTLED_ROUNDS + 1):
            self.throttle.wait()
            try:
                return operation(**params)
            except Exception as exc:
                if _error_code(exc) not in _THROTTLE_CODES:
                    raise
                self.throttle.slow_down(round_)
        raise S3Error(
            f"{what}: S3 kept asking to slow down (503 SlowDown) after {THROTTLED_ROUNDS} pauses",
            "lower --concurrency, or check again later",
        )

    # -- requests ------------------------------------------------------------------------

    def bucket(self, name: str) -> Bucket:
        """HEAD the bucket: does it exist, and in which region (the x-amz-bucket-region header)."""
        try:
            response = self.call(self.client.head_bucket, f"s3://{name}", Bucket=name)
        except Exception as exc:
            outcome = classify(exc, f"s3://{name}")
            region = _headers(exc).get("x-amz-bucket-region")
            if outcome.code in (MISSING, NO_BUCKET):
                return Bucket(False, region)
            if outcome.code == DENIED:
                self._probe_denied(name)
                return Bucket(None, region)
            raise S3Error(f"s3://{name}: {outcome.detail}") from None
        return Bucket(True, response.get("ResponseMetadata", {}).get("HTTPHeaders", {}).get(
            "x-amz-bucket-region"))  # fmt: skip

    def _probe_denied(self, name: str) -> None:
        """A HEAD 403 has no body: one LIST tells expired credentials from a mere denial."""
        try:
            self.call(self.client.list_objects_v2, f"s3://{name}", Bucket=name, MaxKeys=1)
        except Exception as exc:
            classify(exc, f"s3://{name}")  # raises for credentials; a denial is fine

    def head(self, bucket: str, key: str) -> Outcome:
        """HEAD one object (or GET its first bytes, for content checks)."""
        if self.content:
            return self._get_header(bucket, key)
        try:
            response = self.call(self.client.head_object, _uri(bucket, key), Bucket=bucket, Key=key)
        except Exception as exc:
            return classify(exc, _uri(bucket, key))
        return found(int(response.get("ContentLength", 0)))

    def _get_header(self, bucket: str, key: str) -> Outcome:
        uri = _uri(bucket, key)
        try:
            response = self.call(
                self.client.get_object, uri, Bucket=bucket, Key=key,
                Range=f"bytes=0-{HEADER_BYTES - 1}",
            )  # fmt: skip
            data = response["Body"].read()
        except Exception as exc:
            if _error_code(exc) in ("InvalidRange", "416"):  # a range of an empty object
                return Outcome(0)
            return classify(exc, uri)
        with self._lock:
            self.bytes_read += len(data)
        size = _total_size(response.get("ContentRange"), len(data))
        return found(size, data, complete=len(data) >= size)

    def list_prefix(
        self, bucket: str, prefix: str, keys: Sequence[str], adaptive: bool, min_per_page: int
    ) -> tuple[dict[str, Outcome], list[str]]:
        """LIST the keys under ``prefix`` from each wanted key on; ``keys`` sorted.

        Each page starts just before the next wanted key (``StartAfter``), so every
        request settles at least one key. With ``adaptive``, a page that settles fewer
        than ``min_per_page`` keys ends the listing: the keys left are returned for HEAD.
        None come back when listing is denied (no s3:ListBucket): all are left for HEAD.
        """
        settled: dict[str, Outcome] = {}
        at = 0
        while at < len(keys):
            start = keys[at][:-1]  # sorts before the key, and after all keys of the prefix
            try:
                page = self.call(
                    self.client.list_objects_v2, f"s3://{bucket}/{prefix}", Bucket=bucket,
                    Prefix=prefix, StartAfter=start, MaxKeys=PAGE,
                )  # fmt: skip
            except Exception as exc:
                where = f"s3://{bucket}/{prefix}"
                outcome = classify(exc, where)
                if outcome.code == DENIED:
                    return settled, list(keys[at:])
                raise S3Error(f"{where}: {outcome.detail or outcome.code}") from None
            sizes = {item["Key"]: int(item.get("Size", 0)) for item in page.get("Contents", ())}
            last = max(sizes) if page.get("IsTruncated") and sizes else None
            before = at
            while at < len(keys) and (last is None or keys[at] <= last):
                size = sizes.get(keys[at])
                settled[keys[at]] = found(size) if size is not None else Outcome(code=MISSING)
                at += 1
            if adaptive and at - before < min_per_page:
                break
        return settled, list(keys[at:])


def classify(exc: BaseException, uri: str) -> Outcome:
    """An object's failed request as an :class:`Outcome`; raise for a problem of the run."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):  # not an answer from S3: credentials, network
        error = s3.as_augman_error(exc, uri)
        if error is not None:
            raise error from None
        raise exc
    code = _error_code(exc)
    if code in _CREDENTIAL_CODES:
        raise S3Error(f"{uri}: S3 refused the AWS credentials ({code})", _CREDENTIAL_HINT)
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code == "NoSuchBucket":
        return Outcome(code=NO_BUCKET)
    if code in ("NoSuchKey", "404", "NotFound") or status == 404:
        return Outcome(code=MISSING)
    if code in ("AccessDenied", "403", "Forbidden") or status == 403:
        return Outcome(code=DENIED)
    message = response.get("Error", {}).get("Message") or code
    return Outcome(code=UNREADABLE, detail=f"S3 answered {code or status}: {message}")


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return ""
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code or str(status or "")


def _headers(exc: BaseException) -> dict[str, str]:
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return {}
    headers = response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
    return headers if isinstance(headers, dict) else {}


def _total_size(content_range: str | None, length: int) -> int:
    """``bytes 0-65535/123456`` → 123456; without the header the body is all of it."""
    if content_range and "/" in content_range:
        total = content_range.rsplit("/", 1)[1]
        if total.isdigit():
            return int(total)
    return length


def _uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"
