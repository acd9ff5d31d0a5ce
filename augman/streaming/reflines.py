"""The stream loop for manifests with ``-ref`` attributes: fetch ahead, write in order.

Checked lines go to a prefetch (:func:`augman.refs.prefetch`), which fetches the
objects of several lines at a time and hands lines back in manifest order. A bad
line travels through it as an item without objects, so that the lines before it
are still written before the stream stops or skips it. A fetch that fails
surfaces when the writer reaches its line; its error then names that line and
attribute, and the output ends with the line before (never mid-record: see
:mod:`augman.streaming.framing`). A -ref object that cannot be had stops the
stream whatever ``on_error`` says: ``skip`` is for lines that fail the checks,
while SageMaker itself would fail the job on a missing object.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from augman import refs
from augman.checking.lines import Top
from augman.errors import AugmanError, DataError
from augman.recordio.codec import RecordTooLarge
from augman.refs.objects import Resolver
from augman.streaming.encoding import Encoder, ref_uri
from augman.streaming.epochs import Lines
from augman.streaming.framing import Framer, Payload
from augman.streaming.verdicts import EpochChecks

RecordPlan = tuple[tuple[str, Encoder | None], ...]  # (attribute, encoder; None for a -ref)


Prefetch = Callable[..., Iterator[tuple[Any, Sequence[Payload]]]]


def too_large(source: str, line_no: int, attr: str, detail: str) -> AugmanError:
    """A payload of 2**29 bytes or more cannot be one RecordIO record: stop, saying where."""
    return DataError(
        f"{source}:{line_no}: {attr}: {detail}",
        "SageMaker cannot frame a record this large; use --wrap none or make the value smaller",
    )


class _Item(NamedTuple):
    line_no: int
    top: Top | None
    uris: tuple[str, ...]


class RefLoop:
    """The loop for manifests with ``-ref`` attributes: fetches ahead, writes in order."""

    def __init__(
        self, resolver: Resolver, prefetch: Prefetch, concurrency: int, max_bytes: int | None = None
    ) -> None:
        self.resolver = resolver
        self.prefetch = prefetch
        self.concurrency = concurrency
        self.max_bytes = max_bytes

    def run(self, lines: Lines, checks: EpochChecks, plan: RecordPlan, framer: Framer) -> None:
        """Stream the epoch's ``lines`` into ``framer``, one whole line at a time."""
        ref_attrs = tuple(attr for attr, encoder in plan if encoder is None)
        pending: deque[_Item] = deque()  # fed to prefetch, not yet back: to name a failure
        budget = {} if self.max_bytes is None else {"max_bytes": self.max_bytes}
        items = self.prefetch(
            _feed(lines, checks, ref_attrs, pending), _uris, self.resolver,
            concurrency=self.concurrency, **budget,
        )  # fmt: skip
        writing = False  # errors raised while writing a line name it already
        try:
            for item, fetched in items:
                writing = True
                pending.popleft()
                if item.top is None:
                    checks.reject(item.line_no, first=framer.lines == 0)
                else:
                    _write_line(item, fetched, plan, framer, checks.source)
                    # Out with each line: the next may wait for S3; a write is cheap next to it.
                    framer.flush()
                writing = False
        except AugmanError as exc:
            framer.rollback()
            # Else the prefetch raised, for the oldest line it was given: the one waited for.
            waited = None if writing or not pending else pending[0]
            raise _located(exc, waited, ref_attrs, checks.source) from None
        except BaseException:
            framer.close()  # Ctrl-C, SIGTERM: the spools of a half-added line go now
            raise
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()


def _feed(
    lines: Lines, checks: EpochChecks, ref_attrs: tuple[str, ...], pending: deque[_Item]
) -> Iterator[_Item]:
    """Checked lines for prefetch; a bad line travels as an item without an object."""
    for line_no, line in lines:
        top = checks.check(line_no, line)
        if top is None:
            item = _Item(line_no, None, ())
        else:
            item = _Item(line_no, top, tuple(ref_uri(bytes(top[attr])) for attr in ref_attrs))
        pending.append(item)
        yield item
        if top is None and checks.stops:
            return


def _uris(item: _Item) -> tuple[str, ...]:
    return item.uris


def _write_line(
    item: _Item, fetched: Sequence[Payload], plan: RecordPlan, framer: Framer, source: str
) -> None:
    assert item.top is not None
    objects = iter(zip(fetched, item.uris, strict=True))
    attr = ""
    try:
        for attr, encode in plan:
            if encode is None:
                payload, uri = next(objects)
                try:
                    framer.add_payload(payload)
                except AugmanError as exc:  # a read that failed part-way; the line is dropped
                    raise _in_line(exc, uri, source, item.line_no, attr) from None
            else:
                framer.add(encode(bytes(item.top[attr])))
    except RecordTooLarge as exc:
        raise too_large(source, item.line_no, attr, str(exc)) from None
    framer.end_line()


def _in_line(exc: AugmanError, uri: str, source: str, line_no: int, attr: str) -> AugmanError:
    """A copy of ``exc`` (same class, exit code, hint) that says ``source:line: attr: uri:`` first."""
    message = exc.message if uri[:60] in exc.message else f"{uri}: {exc.message}"
    located = type(exc).__new__(type(exc))
    located.__dict__.update(vars(exc))
    located.message = f"{source}:{line_no}: {attr}: {message}"
    located.args = (located.message,)
    return located


def _located(
    exc: AugmanError, item: _Item | None, ref_attrs: Sequence[str], source: str
) -> AugmanError:
    """Name the line and attribute of a failed fetch of ``item`` in its message."""
    if not isinstance(exc, refs.RefError) or item is None or exc.uri not in item.uris:
        return exc
    attr = ref_attrs[item.uris.index(exc.uri)]
    return _in_line(exc, exc.uri, source, item.line_no, attr)


def make_fetcher(
    resolver: Resolver | None,
    s3_client: Callable[[], Any] | None,
    prefetch: Prefetch | None,
    concurrency: int,
    max_bytes: int | None = None,
) -> RefLoop:
    if resolver is None or prefetch is None:
        resolver = resolver or refs.S3Resolver(s3_client=s3_client)
        prefetch = prefetch or refs.prefetch
    return RefLoop(resolver, prefetch, concurrency, max_bytes)
