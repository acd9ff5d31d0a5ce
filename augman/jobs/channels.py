"""The channels of a request, and the rules of the spec for AugmentedManifestFile channels.

Each rule names the member it is about: a channel's ``InputMode`` when it sets one,
else ``AlgorithmSpecification.TrainingInputMode`` (the channel inherits it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from augman.checking.findings import Severity
from augman.inputs.s3uri import S3Uri, S3UriError
from augman.jobs.request import JobRequest, RequestFindings

AUGMENTED = "AugmentedManifestFile"
SOURCE = "DataSource.S3DataSource"


@dataclass(frozen=True)
class Channel:
    """One ``InputDataConfig`` entry, read leniently (the shape rules report bad types)."""

    path: str
    name: str
    data: dict[str, Any]
    source: dict[str, Any]
    mode: str | None
    mode_path: str

    @property
    def augmented(self) -> bool:
        return self.source.get("S3DataType") == AUGMENTED

    @property
    def uri(self) -> str | None:
        uri = self.source.get("S3Uri")
        return uri if isinstance(uri, str) else None

    @property
    def attrs(self) -> tuple[str, ...]:
        names = self.source.get("AttributeNames")
        if not isinstance(names, list):
            return ()
        return tuple(name for name in names if isinstance(name, str))

    def member(self, name: str) -> str:
        """The JSON path of one of the channel's members."""
        return f"{self.path}.{name}"

    def source_member(self, name: str) -> str:
        return f"{self.path}.{SOURCE}.{name}"

    def setting(self, name: str, default: str = "None") -> str:
        value = self.data.get(name, default)
        return value if isinstance(value, str) else default


def channels(request: JobRequest) -> list[Channel]:
    """The request's channels, each with its effective input mode."""
    config = request.data.get("InputDataConfig")
    if not isinstance(config, list):
        return []
    algorithm = _object(request.data.get("AlgorithmSpecification"))
    default_mode = algorithm.get("TrainingInputMode")
    found = []
    for index, data in enumerate(config):
        if not isinstance(data, dict):
            continue
        path = f"$.InputDataConfig[{index}]"
        source = _object(_object(data.get("DataSource")).get("S3DataSource"))
        mode, mode_path = data.get("InputMode"), f"{path}.InputMode"
        if mode is None:
            mode, mode_path = default_mode, "$.AlgorithmSpecification.TrainingInputMode"
        name = data.get("ChannelName")
        found.append(
            Channel(
                path,
                name if isinstance(name, str) else f"#{index}",
                data,
                source,
                mode if isinstance(mode, str) else None,
                mode_path,
            )
        )
    return found


def instance_count(request: JobRequest) -> int:
    count = _object(request.data.get("ResourceConfig")).get("InstanceCount", 1)
    return count if isinstance(count, int) else 1


def check_channel(channel: Channel, request: JobRequest, findings: RequestFindings) -> None:
    """The spec's rules for one channel: input mode, Pipe-only settings, sharding, shuffling."""
    _pipe_only_settings(channel, findings)
    if not channel.augmented:
        return
    if channel.mode == "FastFile":
        findings.report(
            "AM510",
            channel.mode_path,
            f"channel {channel.name} is an {AUGMENTED} channel in FastFile mode",
        )
    elif channel.mode == "File":
        findings.report(
            "AM511",
            channel.mode_path,
            f"channel {channel.name} is an {AUGMENTED} channel in File mode",
        )
    _uri(channel, findings)
    if channel.source.get("S3DataDistributionType") == "ShardedByS3Key":
        _sharded(channel, instance_count(request), findings)
    shuffle = channel.data.get("ShuffleConfig")
    if isinstance(shuffle, dict):
        seed = shuffle.get("Seed")
        sharded = channel.source.get("S3DataDistributionType") == "ShardedByS3Key"
        across = (
            "; with ShardedByS3Key, which lines each instance gets changes too" if sharded else ""
        )
        findings.report(
            "AM513", channel.member("ShuffleConfig"),
            f"the lines of channel {channel.name}'s manifest are shuffled anew at the start of "
            f"every epoch (Seed {seed}){across}",
        )  # fmt: skip


def _pipe_only_settings(channel: Channel, findings: RequestFindings) -> None:
    if channel.mode not in ("File", "FastFile"):
        return
    for name, unset in (("CompressionType", "None"), ("RecordWrapperType", "None")):
        value = channel.setting(name)
        if value != unset:
            findings.report(
                "AM514", channel.member(name),
                f"{name} {value} applies in Pipe mode only; channel {channel.name} is in {channel.mode} mode",
            )  # fmt: skip


def _uri(channel: Channel, findings: RequestFindings) -> None:
    uri = channel.uri
    if uri is None:
        return
    path = channel.source_member("S3Uri")
    if uri.startswith("https://"):  # the API takes it; augman reads s3:// URIs only
        findings.report(
            "AM516", path,
            f"{uri!r} is an https URL: augman cannot read it, so the manifest was not checked",
            severity=Severity.note, hint="write it as s3://bucket/key to have it checked",
        )  # fmt: skip
        return
    if not uri.startswith("s3://"):
        findings.report("AM516", path, f"{uri!r} is not an s3://bucket/key URI")
        return
    try:
        S3Uri.parse(uri)
    except S3UriError as exc:
        findings.report("AM516", path, f"{exc}")


def _sharded(channel: Channel, instances: int, findings: RequestFindings) -> None:
    path = channel.source_member("S3DataDistributionType")
    if instances <= 1:
        findings.report(
            "AM512", path, "ShardedByS3Key with one instance changes nothing: it gets every line",
            severity=Severity.note,
        )  # fmt: skip
        return
    findings.report(
        "AM512", path,
        f"the manifest is one S3 object shared by {instances} instances: SageMaker is understood "
        "to split its lines between them, but how is undocumented, and with more instances than "
        "objects some may get no data",
    )  # fmt: skip


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
