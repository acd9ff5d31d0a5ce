"""The only module that imports boto3: S3 clients and S3 errors turned into augman errors.

Clients honour the usual AWS configuration (environment, profile, region,
``AWS_ENDPOINT_URL``) and use botocore's standard retry mode.
"""

from __future__ import annotations

import functools
import os
import re
import urllib.parse
from typing import Any

from augman.errors import AugmanError, S3Error, SourceError, UsageError
from augman.inputs.s3uri import S3Uri

_DENIED_HINT = (
    "the credentials in use may not read this object; s3:GetObject is needed, and "
    "s3:ListBucket too for S3 to answer 404 instead of 403 on a missing key"
)


# botocore's defaults, named so that tests can shorten them; AWS_MAX_ATTEMPTS overrides the 5.
CONNECT_TIMEOUT = 60.0
READ_TIMEOUT = 60.0
MAX_ATTEMPTS = 5
# A broken body is resumed with a ranged GET; this many failures in a row give up.
READ_ATTEMPTS = 3

_USERINFO = re.compile(r"(?<=://)[^/?#@\s]*@")


def redact(text: str) -> str:
    """``text`` with any ``user:password@`` of the URLs in it replaced by ``***@``."""
    return _USERINFO.sub("***@", text)


def check_endpoint_url(url: str) -> str:
    """``url`` if it is an http(s) endpoint with a host; else :class:`UsageError`.

    A URL that carries ``user:password@`` is refused too (S3 requests are signed
    with AWS credentials, never sent in the URL), and never repeated in the message.
    """
    shown = redact(url)
    hint = "give a URL such as http://127.0.0.1:9000 or https://s3.example.com"
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number 0-65535)
    except ValueError as exc:
        raise UsageError(f"--endpoint-url {shown!r} is not a valid URL ({exc})", hint) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--endpoint-url {shown!r} is not an http:// or https:// URL", hint)
    if "@" in parts.netloc:
        raise UsageError(
            f"--endpoint-url {shown!r} holds a user name or password",
            "S3 requests are signed with AWS credentials: set AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY (or --profile) and give the URL without user:password@",
        )
    return url


def make_client(
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    max_pool_connections: int = 32,
) -> Any:
    """A boto3 S3 client with standard retries; ``endpoint_url`` for S3-compatible stores."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    if endpoint_url is not None:
        check_endpoint_url(endpoint_url)
    attempts = int(os.environ.get("AWS_MAX_ATTEMPTS") or MAX_ATTEMPTS)
    config = Config(
        retries={"mode": "standard", "max_attempts": attempts},
        max_pool_connections=max_pool_connections,
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        return session.client("s3", endpoint_url=endpoint_url, config=config)
    except BotoCoreError as exc:
        raise S3Error(
            f"cannot create an S3 client: {redact(str(exc))}", _config_hint(exc)
        ) from None
    except ValueError as exc:  # botocore's check of AWS_ENDPOINT_URL and the like
        raise UsageError(f"cannot create an S3 client: {redact(str(exc))}") from None


def client_factory(
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    max_pool_connections: int = 32,
) -> Any:
    """A zero-argument callable that makes (once) and returns an S3 client.

    Give ``max_pool_connections`` at least the number of threads that share the client
    (``augman stream --concurrency``), or urllib3 drops and reopens connections.
    A malformed ``endpoint_url`` raises :class:`UsageError` here, before any request.
    """
    if endpoint_url is not None:
        check_endpoint_url(endpoint_url)
    return functools.lru_cache(maxsize=1)(
        functools.partial(make_client, endpoint_url, region, profile, max_pool_connections)
    )


def open_object(client: Any, location: S3Uri) -> tuple[ResumableBody, int]:
    """GET an object; return its body (resumed where it breaks) and its length."""
    body = ResumableBody(client, location)
    return body, body.length


class ResumableBody:
    """The body of one GetObject, read with ``read(n)``; a broken body is resumed.

    When the connection breaks or ends early, the rest is asked for with a ranged
    GET (``bytes=N-``) conditioned on the first response's ETag, so two versions of
    an object are never spliced. ``READ_ATTEMPTS`` failures in a row raise
    :class:`S3Error`; a missing object or bucket raises :class:`SourceError`.
    """

    def __init__(self, client: Any, location: S3Uri) -> None:
        self._client = client
        self._location = location
        self.uri = str(location)
        response = self._get()
        self.etag: str | None = response.get("ETag")
        self._body = response["Body"]
        if response.get("ContentLength") is None:  # S3 always sends it; a proxy might not
            self.close()
            raise S3Error(f"{self.uri}: the endpoint sent no Content-Length")
        self.length = int(response["ContentLength"])
        self.position = 0
        self._failures = 0

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all that is left when ``n`` < 0); ``b""`` only at the end."""
        left = self.length - self.position
        n = left if n < 0 else min(n, left)
        while n > 0:
            try:
                piece = self._body.read(n)
                if not piece:
                    raise EOFError("the connection closed before the end of the object")
            except Exception as exc:
                self._resume(exc)
                continue
            self.position += len(piece)
            self._failures = 0
            return bytes(piece)
        return b""

    def close(self) -> None:
        self._body.close()

    def _resume(self, exc: Exception) -> None:
        self.close()
        self._failures += 1
        if self._failures >= READ_ATTEMPTS:
            error = as_augman_error(exc, self.uri)
            message = error.message if error else f"{self.uri}: {exc or type(exc).__name__}"
            raise S3Error(
                f"{message} (reading the object failed {self._failures} times in a row, "
                f"at byte {self.position:,} of {self.length:,})",
                "check the network and --endpoint-url",
            ) from None
        extra = {"Range": f"bytes={self.position}-"}
        if self.etag:
            extra["IfMatch"] = self.etag  # never splice two versions of the object
        self._body = self._get(**extra)["Body"]

    def _get(self, **extra: str) -> Any:
        location = self._location
        try:
            return self._client.get_object(Bucket=location.bucket, Key=location.key, **extra)
        except Exception as exc:
            error = as_augman_error(exc, self.uri)
            if error is None:
                raise S3Error(f"{self.uri}: {type(exc).__name__}: {redact(str(exc))}") from None
            raise error from None


def as_augman_error(exc: BaseException, uri: str) -> AugmanError | None:
    """Translate a botocore exception about ``uri`` into an augman error (None: not S3's)."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    if isinstance(exc, NoCredentialsError):
        return S3Error(
            f"{uri}: no AWS credentials found",
            "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure`",
        )
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if code in ("NoSuchKey", "404", "NotFound"):
            return SourceError(f"{uri}: no such object", "check the key; keys are case-sensitive")
        if code == "NoSuchBucket":
            return SourceError(f"{uri}: the bucket does not exist")
        if code in ("AccessDenied", "403", "Forbidden") or status == 403:
            return S3Error(f"{uri}: access denied", _DENIED_HINT)
        if code in ("PreconditionFailed", "412") or status == 412:
            return S3Error(
                f"{uri}: the object changed while it was read",
                "run again once the object is no longer being replaced",
            )
        message = error.get("Message") or code
        return S3Error(f"{uri}: S3 answered {code or status}: {redact(str(message))}")
    if isinstance(exc, BotoCoreError):
        return S3Error(f"{uri}: {redact(str(exc))}", _config_hint(exc))
    return None


def _config_hint(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "ProfileNotFound":
        return "check --profile / AWS_PROFILE against ~/.aws/config"
    if name in (
        "EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError",
        "ResponseStreamingError", "ProxyConnectionError",
    ):  # fmt: skip
        return "check --endpoint-url / AWS_ENDPOINT_URL and the network"
    if name == "NoRegionError":
        return "set --region or AWS_DEFAULT_REGION"
    return "check the AWS configuration (profile, region, endpoint)"
