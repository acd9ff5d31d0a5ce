"""A CreateTrainingJob request read from a file, with the position of each of its nodes.

The file holds the request as boto3 and ``aws sagemaker create-training-job
--cli-input-json`` take it, or what DescribeTrainingJob returned (whose extra
members, such as ``TrainingJobArn``, are then left alone).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from augman.checking.findings import Finding, Severity
from augman.checking.rules import RULES
from augman.errors import SourceError
from augman.inputs.sources import open_source
from augman.jobs.locate import Locator

DESCRIBE_MEMBERS = ("TrainingJobArn", "TrainingJobStatus", "SecondaryStatus", "CreationTime")


@dataclass(frozen=True)
class JobRequest:
    """The request (``data``) from the file ``source``, and where its nodes are in it."""

    source: str
    data: dict[str, Any]
    locator: Locator

    @property
    def described(self) -> bool:
        """Whether this is DescribeTrainingJob output rather than a request."""
        return any(name in self.data for name in DESCRIBE_MEMBERS)


def load_request(spec: str, s3_client: Callable[[], Any] | None = None) -> JobRequest:
    """Read a request file (``-``: stdin, or ``s3://``); raise :class:`SourceError` if not one."""
    text = _read(spec, s3_client)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{spec}:{exc.lineno}:{exc.colno}: the request is not valid JSON: {exc.msg}",
            "the file must hold one CreateTrainingJob request as JSON "
            "(`aws sagemaker create-training-job --generate-cli-skeleton` writes one)",
        ) from None
    if not isinstance(data, dict):
        raise SourceError(
            f"{spec}: the request is a JSON {type(data).__name__}, not an object",
            'the file must hold one CreateTrainingJob request: {"TrainingJobName": ...}',
        )
    return JobRequest(spec, data, Locator(text))


def _read(spec: str, s3_client: Callable[[], Any] | None) -> str:
    try:
        with open_source(spec, s3_client) as source:  # a path, - or s3://; gzip is undone
            raw = source.stream.read()
    except SourceError as exc:
        message = exc.message.replace("not a manifest file", "not a request file")
        raise SourceError(f"--job {message}", exc.hint) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{spec}: the request is not UTF-8 ({exc.reason})") from None


Emit = Callable[[Finding], None]


class RequestFindings:
    """Makes findings about nodes of a request, located in its file: ``report(code, path, ...)``."""

    def __init__(self, request: JobRequest, emit: Emit) -> None:
        self.request = request
        self.emit = emit

    def report(
        self,
        code: str,
        path: str,
        message: str,
        *,
        severity: Severity | None = None,
        hint: str | None = None,
        attribute: str | None = None,
    ) -> None:
        rule = RULES[code]
        where = self.request.locator.position(path)
        line, column = where if where else (None, None)
        self.emit(
            Finding(
                self.request.source,
                line,
                column,
                code,
                severity or rule.severity,
                f"{path}: {message}",
                hint or rule.hint,
                attribute,
                json_path=path,
            )
        )
