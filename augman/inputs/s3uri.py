"""S3 URIs as values: ``S3Uri.parse("s3://bucket/key")``.

Keys are opaque: spaces, ``%20``, ``+``, ``?``, ``#`` and non-ASCII characters are
legal and distinct, and nothing is decoded.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass

MAX_URI_LENGTH = 1024  # characters, as CreateTrainingJob's S3Uri
MAX_KEY_BYTES = 1024  # S3's own limit on an object key, in UTF-8 bytes

_BUCKET_CHARS = re.compile(r"[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")


class S3UriError(ValueError):
    """A string that is not a usable S3 object URI; ``code`` is the rule it breaks."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class S3Uri:
    """An S3 object address: ``s3://bucket/key``."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, text: str) -> S3Uri:
        """Parse an object URI or raise :class:`S3UriError` saying why it is not one."""
        bucket, key = split_uri(text)
        problem = bucket_problem(bucket)
        if problem:
            raise S3UriError("AM303", f"bucket name {bucket!r} {problem}")
        if not key:
            raise S3UriError("AM304", f"{text!r} names bucket {bucket!r} but no object key")
        if key.endswith("/"):
            raise S3UriError("AM305", f"{text!r} ends in '/': it names a folder, not an object")
        if len(text) > MAX_URI_LENGTH:
            raise S3UriError(
                "AM306", f"URI is {len(text)} characters long (at most {MAX_URI_LENGTH})"
            )
        key_bytes = len(key.encode("utf-8", "surrogatepass"))
        if key_bytes > MAX_KEY_BYTES:
            raise S3UriError(
                "AM306",
                f"the key is {key_bytes:,} bytes long in UTF-8 (S3 allows {MAX_KEY_BYTES:,})",
            )
        return cls(bucket, key)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def split_uri(text: str) -> tuple[str, str]:
    """Split ``s3://bucket/key`` into bucket and key (either may be empty)."""
    if not text.startswith("s3://"):
        raise S3UriError("AM302", f"{_shorten(text)!r} is not an S3 URI ({_why_not(text)})")
    bucket, _, key = text[5:].partition("/")
    if not bucket:
        raise S3UriError("AM302", f"{_shorten(text)!r} has no bucket (expected s3://bucket/key)")
    return bucket, key


@functools.lru_cache(maxsize=4096)
def bucket_problem(bucket: str) -> str | None:
    """Why ``bucket`` is not a valid S3 bucket name, or None when it is."""
    if not 3 <= len(bucket) <= 63:
        return f"is {len(bucket)} characters long (3 to 63 allowed)"
    if not _BUCKET_CHARS.fullmatch(bucket):
        return "may hold only a-z, 0-9, '.' and '-', and must start and end with a letter or digit"
    if ".." in bucket:
        return "has two adjacent periods"
    if bucket.startswith(_RESERVED_PREFIXES):
        return "starts with a prefix S3 reserved (xn--, sthree-, amzn-s3-demo-)"
    try:
        ipaddress.IPv4Address(bucket)
    except ValueError:
        return None
    return "is formatted as an IP address"


def _why_not(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith("s3://"):
        return "the scheme must be lower-case s3://"
    if lowered.startswith(("https://", "http://")):
        return "HTTP(S) URLs are not accepted; write s3://bucket/key"
    if lowered.startswith("s3:"):
        return "expected s3://bucket/key"
    return "expected s3://bucket/key"


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
