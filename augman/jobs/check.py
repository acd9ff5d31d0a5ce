"""``validate --job``: the request's rules first, then each augmented manifest it names."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from augman.checking import didyoumean
from augman.checking.findings import Finding, Report, SourceSummary
from augman.checking.schemas import ContentOptions
from augman.checking.summaries import SummarisingCollector
from augman.errors import AugmanError
from augman.inputs.lines import MAX_LINE_BYTES
from augman.inputs.s3uri import S3Uri, S3UriError
from augman.jobs import algorithms
from augman.jobs.channels import Channel, channels, check_channel
from augman.jobs.manifests import ManifestFacts, Reading, Watch, read_manifest
from augman.jobs.request import JobRequest, RequestFindings, load_request
from augman.jobs.servicemodel import ShapeChecker, operation_shapes
from augman.refcheck import RefCheckResult, RefUses
from augman.refs import Mirror

TRAIN = "train"


def check_job(
    request_file: str,
    *,
    mirrors: Sequence[Mirror] = (),
    s3_client: Callable[[], Any] | None = None,
    manifests: bool = True,
    max_findings: int = 0,
    watch: Watch | None = None,
    content: ContentOptions | None = None,
    refs: RefChecking | None = None,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> Report:
    """Every request rule, then every AugmentedManifestFile channel's manifest.

    ``content`` are the content rules each manifest gets (Ground Truth labels, user
    schemas); ``refs`` checks the ``-ref`` objects of all the manifests at the end,
    each distinct URI once.
    """
    request = load_request(request_file, s3_client)
    collector = SummarisingCollector(max_findings)  # the manifests' findings
    found: list[Finding] = []  # the request's: few, and all shown first
    findings = RequestFindings(request, found.append)
    request_shape, described = operation_shapes()
    ShapeChecker(findings, described if request.described else None).check(
        request.data, request_shape
    )
    profile = algorithms.profile_for(request)
    summaries = [SourceSummary(request.source, request.locator.lines, request.locator.size)]
    read: dict[str, ManifestFacts] = {}
    listed = channels(request)
    uses = refs.uses_for(listed) if refs is not None else None
    for channel in listed:
        check_channel(channel, request, findings)
        if not channel.augmented:
            continue
        facts = None
        if manifests:
            reading = Reading(
                mirrors, s3_client, watch, profile is not None, content, uses, max_line_bytes
            )
            facts = _manifest(channel, reading, collector, findings)
        if facts is not None:
            read[channel.name] = facts
            summaries.append(SourceSummary(facts.name, facts.lines, facts.bytes))
            _attribute_names(channel, facts, findings)
        if profile is not None:
            algorithms.check_channel(profile, channel, facts, findings)
    if profile is not None:
        pairs = [(channel, read[channel.name]) for channel in listed if channel.name in read]
        algorithms.check_hyperparameters(profile, request, pairs, _train_channel(listed), findings)
    if refs is None or uses is None:
        return _report(found, collector, tuple(summaries))
    checked = refs.check(uses, _streamed(listed), job_region(request))
    collector.extend(checked.findings)
    report = _report(found, collector, tuple(summaries))
    return replace(report, extra={**report.extra, "refs": checked.summary.as_dict()})


@dataclass(frozen=True)
class RefChecking:
    """``--check-refs`` with ``--job``: which uses to collect, and how to check them.

    ``selected`` keeps the uses of the channels' AttributeNames only; ``content``
    reads image headers too; ``check(uses, streamed, region)`` checks the collected
    uses, with the job's region when the request tells it.
    """

    selected: bool
    content: bool
    check: Callable[[RefUses, Sequence[str], str | None], RefCheckResult]

    def uses_for(self, listed: Sequence[Channel]) -> RefUses:
        only = _streamed(listed) if self.selected else None
        return RefUses(only, labels=self.content)


_ECR = re.compile(r"\.dkr\.ecr\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?/")


def job_region(request: JobRequest) -> str | None:
    """The region the job runs in, as its training image's ECR address tells it, if it does."""
    spec = request.data.get("AlgorithmSpecification")
    image = spec.get("TrainingImage") if isinstance(spec, dict) else None
    found = _ECR.search(image) if isinstance(image, str) else None
    return found.group(1) if found else None


def _streamed(listed: Sequence[Channel]) -> list[str]:
    """The attributes the augmented-manifest channels stream, each once."""
    names = (name for channel in listed if channel.augmented for name in channel.attrs)
    return list(dict.fromkeys(names))


def _report(
    found: list[Finding], collector: SummarisingCollector, summaries: tuple[SourceSummary, ...]
) -> Report:
    """The request's findings (in file order), then the manifests' (each in line order).

    The manifests' report is ``validate``'s: an attribute missing on most lines is one
    AM201 summary; ``max_findings`` limits the manifests' findings, not the request's.
    """
    manifests = collector.report(summaries)
    request = sorted(found, key=lambda f: (f.line or 0, f.column or 0))
    counts = Counter(manifests.counts)
    counts.update(f.code for f in request)
    severities = Counter(manifests.severities)
    severities.update(f.severity for f in request)
    return replace(
        manifests,
        findings=(*request, *manifests.findings),
        counts=dict(sorted(counts.items())),
        severities=dict(severities),
    )


def _manifest(
    channel: Channel, reading: Reading, collector: SummarisingCollector, findings: RequestFindings
) -> ManifestFacts | None:
    uri = channel.uri
    if uri is None:
        return None
    try:
        S3Uri.parse(uri)
    except S3UriError:  # AM516 (or the shape rules) said why
        return None
    try:
        facts = read_manifest(uri, channel.attrs, collector.add, reading)
    except AugmanError as exc:
        raise type(exc)(f"channel {channel.name}: {exc.message}", exc.hint) from None
    _compression(channel, facts, findings)
    return facts


def _compression(channel: Channel, facts: ManifestFacts, findings: RequestFindings) -> None:
    setting = channel.setting("CompressionType")
    if (setting == "Gzip") == facts.compressed:
        return
    path = channel.member("CompressionType") if "CompressionType" in channel.data else channel.path
    if facts.compressed:
        message = f"{facts.name} is gzip-compressed, and channel {channel.name} has CompressionType {setting}"
    else:
        message = f"channel {channel.name} has CompressionType Gzip, and {facts.name} is not gzip-compressed"
    findings.report("AM515", path, message)


def _attribute_names(channel: Channel, facts: ManifestFacts, findings: RequestFindings) -> None:
    """AM540: a name on no line, with what the manifest has instead."""
    if not channel.attrs:
        findings.report(
            "AM540", channel.source_member("S3DataType"),
            f"channel {channel.name} names no AttributeNames: SageMaker streams nothing from "
            f"its augmented manifest{_labels_text(facts, ())}",
        )  # fmt: skip
        return
    if not facts.objects:
        return
    for index, name in enumerate(channel.attrs):
        if facts.keys.get(name):
            continue
        guess = didyoumean.suggest(name, list(facts.keys))
        tail = f"; did you mean {guess!r}?" if guess else _labels_text(facts, channel.attrs)
        findings.report(
            "AM540", f"{channel.source_member('AttributeNames')}[{index}]",
            f"{name!r} is on none of the {facts.objects:,} lines of {facts.name}{tail}",
            attribute=name,
        )  # fmt: skip


def _labels_text(facts: ManifestFacts, attrs: Sequence[str]) -> str:
    labels = [
        f"{label!r} ({kind})" for label, kind in facts.label_types.items() if label not in attrs
    ]
    if labels:
        return f"; its Ground Truth label attributes: {', '.join(labels)}"
    keys = list(facts.keys)[: didyoumean.MAX_LISTED]
    return f"; its keys: {', '.join(map(repr, keys))}" if keys else ""


def _train_channel(found: list[Channel]) -> Channel | None:
    augmented = [channel for channel in found if channel.augmented]
    return next((c for c in augmented if c.name == TRAIN), augmented[0] if augmented else None)
