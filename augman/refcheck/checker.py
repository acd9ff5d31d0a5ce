"""``--check-refs``: every distinct ``-ref`` object checked once, concurrently, by HEAD or LIST.

The URIs of a :class:`RefUses` are grouped by bucket and by folder (the key up to
its last ``/``). Each bucket is checked first, with one HEAD (does it exist, which
region); the objects of a missing bucket need no request at all. Then each folder is
checked by HEAD per object, or by ListObjectsV2 when many of its objects are named
(``auto``: from :data:`LIST_FROM` distinct keys, as long as each page settles at least
:data:`MIN_PER_PAGE` of them), and objects under a ``--mirror`` prefix as local files.
Content checks GET the first 64 KiB of each object instead of a HEAD.
"""

from __future__ import annotations

import dataclasses
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from augman.checking.findings import Finding
from augman.inputs.s3uri import S3Uri, S3UriError
from augman.options import RefStrategy
from augman.refcheck.findings import BUILTIN_FORMATS, findings_for
from augman.refcheck.local import MirrorChecker
from augman.refcheck.outcomes import NO_BUCKET, RECORD_LIMIT, Outcome
from augman.refcheck.remote import Bucket, Prober
from augman.refcheck.schedule import Task, run_all
from augman.refcheck.uses import RefUses
from augman.refs import Mirror

# A LIST request is priced 12.5 times a HEAD ($0.005 against $0.0004 per 1,000 in
# us-east-1), and parsing a page of 1,000 keys costs botocore more CPU than a HEAD: a
# page pays when it settles more keys than that.
LIST_FROM = 16  # distinct keys in one folder before auto lists it rather than HEADs each
MIN_PER_PAGE = 13  # auto goes back to HEAD when a LIST page settles fewer keys than this

Progress = Callable[[int, int], None]
Settled = list[tuple[int, Outcome]]


@dataclass(frozen=True)
class RefCheckSummary:
    """What a ref check did: uses and distinct URIs, requests sent, bytes read, time taken."""

    uses: int
    distinct: int
    in_s3: int
    in_mirrors: int
    requests: int
    bytes_read: int
    throttled: int
    seconds: float
    strategy: str
    content: bool
    listed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RefCheckResult:
    """The findings of a ref check, in use order, and its summary."""

    findings: list[Finding]
    summary: RefCheckSummary
    outcomes: dict[int, Outcome] = field(default_factory=dict, repr=False)


def check_refs(
    uses: RefUses,
    *,
    s3_client: Callable[[], Any] | None = None,
    mirrors: Sequence[Mirror] = (),
    concurrency: int = 16,
    strategy: RefStrategy = RefStrategy.auto,
    content: bool = False,
    region: str | None = None,
    streamed: Iterable[str] | None = None,
    formats: frozenset[str] = BUILTIN_FORMATS,
    progress: Progress | None = None,
) -> RefCheckResult:
    """Check every distinct URI of ``uses`` once; return findings at every line that names a bad one.

    ``s3_client`` is a zero-argument factory for a boto3 client (called only when an
    object is not under a ``mirrors`` prefix). ``region`` is the job's region: a
    bucket elsewhere is a finding. ``streamed`` names the attributes that will be
    streamed as RecordIO records (objects of 2^29 bytes or more are errors there;
    None: not known, a warning). ``content`` reads image headers (``formats``: what
    the algorithm reads). ``progress(done, total)`` is called as objects are settled.
    """
    started = time.monotonic()
    run = _Run(uses, mirrors, content, progress)
    run.settle_mirrored()
    prober = Prober(s3_client(), content=content) if run.buckets and s3_client else None
    buckets: dict[str, Bucket] = {}
    try:
        if prober is not None:
            buckets = run.settle_s3(prober, concurrency, strategy)
    finally:
        if prober is not None:
            prober.close()
    findings = findings_for(
        uses, run.outcomes, buckets, region=region, formats=formats,
        streamed=frozenset(streamed) if streamed is not None else None,
    )  # fmt: skip
    summary = RefCheckSummary(
        uses=len(uses), distinct=len(uses.uris), in_s3=run.in_s3, in_mirrors=run.in_mirrors,
        requests=prober.requests if prober else 0,
        bytes_read=(prober.bytes_read if prober else 0) + run.local.bytes_read,
        throttled=prober.throttle.events if prober else 0, seconds=time.monotonic() - started,
        strategy="content" if content else strategy.value, content=content, listed=run.listed,
    )  # fmt: skip
    return RefCheckResult(findings, summary, run.outcomes)


class _Run:
    """The state of one check: URIs grouped by bucket and folder, outcomes kept if notable."""

    def __init__(
        self, uses: RefUses, mirrors: Sequence[Mirror], content: bool, progress: Progress | None
    ) -> None:
        self.uses = uses
        self.local = MirrorChecker(mirrors, content=content)
        self.content = content
        self.progress = progress
        self.outcomes: dict[int, Outcome] = {}
        self.done = 0
        self.listed = 0
        self.in_mirrors = 0
        self.in_s3 = 0
        # bucket -> folder -> URI numbers; keys are cut from the URIs again when needed
        self.buckets: dict[str, dict[str, array[int]]] = {}
        self._mirrored: list[tuple[int, Mirror, S3Uri]] = []
        for uri_id, uri in enumerate(uses.uris):
            self._place(uri_id, uri)

    def _place(self, uri_id: int, uri: str) -> None:
        try:
            location = S3Uri.parse(uri)
            uri.encode()
        except (S3UriError, UnicodeEncodeError):  # the syntax rules report it (AM3xx, AM106)
            self._settle(uri_id, Outcome())
            return
        mirror = self.local.covering(location)
        if mirror is not None:
            self._mirrored.append((uri_id, mirror, location))
            self.in_mirrors += 1
            return
        self.in_s3 += 1
        folder = location.key[: location.key.rfind("/") + 1]
        folders = self.buckets.setdefault(location.bucket, {})
        folders.setdefault(folder, array("I")).append(uri_id)

    def _settle(self, uri_id: int, outcome: Outcome) -> None:
        if _notable(outcome, self.content):
            self.outcomes[uri_id] = outcome
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, len(self.uses.uris))

    def settle_mirrored(self) -> None:
        for uri_id, mirror, location in self._mirrored:
            self._settle(uri_id, self.local.check(mirror, location))
        self._mirrored.clear()

    def settle_s3(
        self, prober: Prober, concurrency: int, strategy: RefStrategy
    ) -> dict[str, Bucket]:
        tasks = [partial(_named, name, prober.bucket) for name in self.buckets]
        buckets = dict(run_all(tasks, concurrency, _nothing))
        for name, bucket in buckets.items():
            if bucket.exists is False:
                for ids in self.buckets.pop(name).values():
                    for uri_id in ids:
                        self._settle(uri_id, Outcome(code=NO_BUCKET))
        objects = self._object_tasks(prober, strategy)
        for settled in run_all(objects, concurrency, partial(self._more, prober)):
            for uri_id, outcome in settled:
                self._settle(uri_id, outcome)
        return buckets

    def _object_tasks(self, prober: Prober, strategy: RefStrategy) -> Iterator[Task[Settled]]:
        for bucket, folders in self.buckets.items():
            for folder, ids in folders.items():
                if self._lists(strategy, len(ids)):
                    self.listed += len(ids)
                    yield partial(self._list, prober, bucket, folder, ids, strategy)
                else:
                    yield from (partial(self._head, prober, bucket, i) for i in ids)

    def _lists(self, strategy: RefStrategy, keys: int) -> bool:
        if self.content or strategy is RefStrategy.head:
            return False
        return strategy is RefStrategy.list or keys >= LIST_FROM

    def _key(self, bucket: str, uri_id: int) -> str:
        return self.uses.uris[uri_id][len(bucket) + 6 :]

    def _head(self, prober: Prober, bucket: str, uri_id: int) -> Settled:
        return [(uri_id, prober.head(bucket, self._key(bucket, uri_id)))]

    def _list(
        self, prober: Prober, bucket: str, folder: str, ids: array[int], strategy: RefStrategy
    ) -> Settled:
        by_key = {self._key(bucket, uri_id): uri_id for uri_id in ids}
        keys = sorted(by_key)  # code point order is UTF-8 byte order: S3's
        adaptive = strategy is RefStrategy.auto
        settled, left = prober.list_prefix(bucket, folder, keys, adaptive, MIN_PER_PAGE)
        result: Settled = [(by_key[key], outcome) for key, outcome in settled.items()]
        # keys left over (sparse folder, or no s3:ListBucket) come back as HEADs: uri -1 marks them
        result.extend((-1 - by_key[key], Outcome()) for key in left)
        return result

    def _more(self, prober: Prober, settled: Settled) -> list[Task[Settled]]:
        left = [-1 - uri_id for uri_id, _ in settled if uri_id < 0]
        if not left:
            return []
        settled[:] = [(uri_id, outcome) for uri_id, outcome in settled if uri_id >= 0]
        self.listed -= len(left)
        return [partial(self._head, prober, S3Uri.parse(self.uses.uris[i]).bucket, i) for i in left]


def _notable(outcome: Outcome, content: bool) -> bool:
    """Kept for the findings: problems, and image headers when they are compared."""
    if outcome.code or outcome.size == 0 or (outcome.size or 0) >= RECORD_LIMIT:
        return True
    return content and (outcome.picture is not None or outcome.image_problem is not None)


def _named(name: str, check: Callable[[str], Bucket]) -> tuple[str, Bucket]:
    return name, check(name)


def _nothing(_: object) -> list[Task[Any]]:
    return []
