"""The only module that imports boto3: S3 clients and S3 errors turned into augman errors.

Clients honour the usual AWS configuration (environment, profile, region,
``AWS_ENDPOINT_URL``) and use botocore's standard retry mode.
"""

from __future__ import annotations

import functools
from typing import Any

from augman.errors import AugmanError, S3Error, SourceError
from augman.inputs.s3uri import S3Uri

_DENIED_HINT = (
    "the credentials in use may not read this object; s3:GetObject is needed, and "
    "s3:ListBucket too for S3 to answer 404 instead of 403 on a missing key"
)


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

    config = Config(
        retries={"mode": "standard", "max_attempts": 5},
        max_pool_connections=max_pool_connections,
        s3={"addressing_style": "path"} if endpoint_url else None,
    )
    try:
        session = boto3.session.Session(profile_name=profile, region_name=region)
        return session.client("s3", endpoint_url=endpoint_url, config=config)
    except BotoCoreError as exc:
        raise S3Error(f"cannot create an S3 client: {exc}", _config_hint(exc)) from None


def client_factory(
    endpoint_url: str | None = None,
    region: str | None = None,
    profile: str | None = None,
    max_pool_connections: int = 32,
) -> Any:
    """A zero-argument callable that makes (once) and returns an S3 client.

    Give ``max_pool_connections`` at least the number of threads that share the client
    (``augman stream --concurrency``), or urllib3 drops and reopens connections.
    """
    return functools.lru_cache(maxsize=1)(
        functools.partial(make_client, endpoint_url, region, profile, max_pool_connections)
    )


def open_object(client: Any, location: S3Uri) -> tuple[Any, int | None]:
    """GET an object; return its streaming body and its length."""
    try:
        response = client.get_object(Bucket=location.bucket, Key=location.key)
    except Exception as exc:
        raise as_augman_error(exc, str(location)) or exc from None
    return response["Body"], response.get("ContentLength")


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
        message = error.get("Message") or code
        return S3Error(f"{uri}: S3 answered {code or status}: {message}")
    if isinstance(exc, BotoCoreError):
        return S3Error(f"{uri}: {exc}", _config_hint(exc))
    return None


def _config_hint(exc: BaseException) -> str:
    name = type(exc).__name__
    if name == "ProfileNotFound":
        return "check --profile / AWS_PROFILE against ~/.aws/config"
    if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
        return "check --endpoint-url / AWS_ENDPOINT_URL and the network"
    if name == "NoRegionError":
        return "set --region or AWS_DEFAULT_REGION"
    return "check the AWS configuration (profile, region, endpoint)"
