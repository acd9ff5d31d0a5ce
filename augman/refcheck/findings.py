"""Outcomes of objects → findings at every line that names them (rules AM307-AM317)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from augman.checking.findings import Finding, Severity
from augman.checking.rules import RULES
from augman.refcheck.content import Picture
from augman.refcheck.outcomes import (
    EMPTY,
    IMAGE_FORMAT,
    IMAGE_SIZE,
    LABEL_SIZE,
    NOT_IMAGE,
    RECORD_LIMIT,
    REGION,
    TOO_LARGE,
    Outcome,
)  # fmt: skip
from augman.refcheck.remote import Bucket
from augman.refcheck.uses import RefUses, Use

BUILTIN_FORMATS = frozenset({"JPEG", "PNG"})  # what the built-in image algorithms read
LABEL_FORMAT = "PNG"  # semantic segmentation labels

_SAYS = {
    "AM307": "does not exist",
    "AM308": "cannot be read: access denied (403)",
    "AM309": "is in a bucket that does not exist",
}


def findings_for(
    uses: RefUses,
    outcomes: Mapping[int, Outcome],
    buckets: Mapping[str, Bucket],
    *,
    region: str | None,
    formats: frozenset[str],
    streamed: frozenset[str] | None,
) -> list[Finding]:
    """Every finding, use by use in manifest order, then the content comparisons."""
    elsewhere = {
        name: b.region
        for name, b in buckets.items()
        if region and b.region and b.region != region and b.exists is not False
    }
    notable = set(outcomes)
    if elsewhere:
        notable.update(i for i, uri in enumerate(uses.uris) if _bucket(uri) in elsewhere)
    labels = {pair.label for pair in uses.pairs}
    found: list[Finding] = []
    for index in uses.indices_of(notable):
        use = uses.use(index)
        moved = elsewhere.get(_bucket(use.uri))
        if moved:
            found.append(_finding(use, REGION, f"is in {moved}, not in {region}"))
        outcome = outcomes.get(uses.uri_of(index))
        if outcome is not None:
            wanted = frozenset({LABEL_FORMAT}) if index in labels else formats
            found.extend(_object_findings(use, outcome, streamed, wanted))
    found.extend(_size_findings(uses, outcomes))
    return found


def _object_findings(
    use: Use, outcome: Outcome, streamed: frozenset[str] | None, formats: frozenset[str]
) -> Iterator[Finding]:
    if outcome.code:
        says = _SAYS.get(outcome.code)
        detail = f"({outcome.detail})" if says and outcome.detail else outcome.detail
        yield _finding(use, outcome.code, " ".join(filter(None, (says, detail))))
        return
    size = outcome.size or 0
    if outcome.size == 0:
        yield _finding(use, EMPTY, "is an empty object (0 bytes)")
    elif size >= RECORD_LIMIT and (streamed is None or use.attribute in streamed):
        severity = Severity.error if streamed is not None else Severity.warning
        yield _finding(
            use, TOO_LARGE, f"is {size:,} bytes: 2^29 or more, too large for one RecordIO record",
            severity,
        )  # fmt: skip
    if outcome.image_problem:
        yield _finding(use, NOT_IMAGE, f"is {outcome.image_problem}")
    elif outcome.picture and outcome.picture.format not in formats:
        readable = " or ".join(sorted(formats))
        yield _finding(use, IMAGE_FORMAT, f"is a {outcome.picture.format} image, not {readable}")


def _size_findings(uses: RefUses, outcomes: Mapping[int, Outcome]) -> Iterator[Finding]:
    for expected in uses.sizes:
        picture = _picture(outcomes, uses.uri_of(expected.use))
        if picture and (picture.width, picture.height) != (expected.width, expected.height):
            image = uses.use(expected.use)
            label = Use(image.source, image.line, expected.attribute, image.uri)
            message = (
                f"{image.attribute} {image.uri} is {picture.width}x{picture.height}; "
                f"image_size says {expected.width}x{expected.height}"
            )
            yield _finding(label, IMAGE_SIZE, message, bare=True)
    for pair in uses.pairs:
        seen = _picture(outcomes, uses.uri_of(pair.image))
        mask = _picture(outcomes, uses.uri_of(pair.label))
        if seen and mask and (seen.width, seen.height) != (mask.width, mask.height):
            message = f"is {mask.width}x{mask.height}; its image is {seen.width}x{seen.height}"
            yield _finding(uses.use(pair.label), LABEL_SIZE, message)


def _picture(outcomes: Mapping[int, Outcome], uri_id: int) -> Picture | None:
    outcome = outcomes.get(uri_id)
    return outcome.picture if outcome else None


def _finding(
    use: Use, code: str, says: str, severity: Severity | None = None, *, bare: bool = False
) -> Finding:
    rule = RULES[code]
    message = f"{use.attribute}: {says}" if bare else f"{use.attribute}: {use.uri} {says}"
    return Finding(
        use.source, use.line, None, code, severity or rule.severity, message, rule.hint,
        use.attribute,
    )  # fmt: skip


def _bucket(uri: str) -> str:
    return uri[5:].partition("/")[0]
