"""The built-in image algorithms' profiles, and their rules for a channel and its manifest.

Image classification, object detection and semantic segmentation are recognised
from the training image's repository name (``.../object-detection:1``). With an
augmented manifest each takes two attributes, the image first and the label
second, wrapped in RecordIO (developer guide; spec section 6), and needs
``num_classes`` and ``num_training_samples``; object detection also pads each
label to ``label_width`` values. Which Ground Truth tasks each trains on, and how
their types are spelt, is the registry's (:mod:`augman.groundtruth.types`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from augman.checking import didyoumean
from augman.checking.findings import Severity
from augman.groundtruth.types import TASKS, TaskType, task_for, tasks_for
from augman.jobs.channels import Channel
from augman.jobs.locate import member_path
from augman.jobs.manifests import ManifestFacts
from augman.jobs.request import JobRequest, RequestFindings
from augman.statistics.fold import Stats
from augman.statistics.hyperparameters import DEFAULT_LABEL_WIDTH, for_label, min_label_width

RECORDIO = "application/x-recordio"
CLASS_ID_FORMAT = "application/x-recordio; label-format=class-id"
MULTI_LABEL = TASKS["image-classification-multilabel"]
HYPERPARAMETERS = "$.HyperParameters"


@dataclass(frozen=True)
class Profile:
    """What one built-in algorithm expects of an augmented-manifest channel.

    The Ground Truth tasks it trains on are the registry's (:func:`tasks_for`).
    """

    image: str
    required: tuple[str, ...] = ("num_classes", "num_training_samples")
    pads_boxes: bool = False
    multi_label: bool = False  # takes multi-label labels when multi_label is 1

    @property
    def tasks(self) -> tuple[TaskType, ...]:
        return tasks_for(self.image)

    @property
    def label_types(self) -> tuple[str, ...]:
        """The ``type`` of each task it trains on, in the usual spelling."""
        return tuple(task.types[0] for task in self.tasks)


PROFILES = {
    profile.image: profile
    for profile in (
        Profile("image-classification", multi_label=True),
        Profile("object-detection", pads_boxes=True),
        Profile("semantic-segmentation"),
    )
}


def profile_for(request: JobRequest) -> Profile | None:
    """The built-in algorithm whose image the request names, if any."""
    spec = request.data.get("AlgorithmSpecification")
    image = spec.get("TrainingImage") if isinstance(spec, dict) else None
    if not isinstance(image, str):
        return None
    repository = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0]
    return PROFILES.get(repository)


def untrainable(label_type: str) -> bool:
    """A Ground Truth task no built-in algorithm trains on (video frames, point clouds, NER)."""
    task = task_for(label_type)
    return task is not None and not task.algorithms


# -- the channel ----------------------------------------------------------------------


def check_channel(
    profile: Profile, channel: Channel, facts: ManifestFacts | None, findings: RequestFindings
) -> None:
    """RecordIO wrapping, content type, attribute order and label type for one channel."""
    name = profile.image
    wrapper = channel.setting("RecordWrapperType")
    if wrapper != "RecordIO":
        findings.report(
            "AM520", _member_or_channel(channel, "RecordWrapperType"),
            f"{name} needs RecordWrapperType RecordIO with an augmented manifest; channel "
            f"{channel.name} has {wrapper}",
        )  # fmt: skip
    attrs = channel.attrs
    label = attrs[1] if len(attrs) == 2 else None
    label_type = facts.label_types.get(label) if facts and label else None
    _content_type(profile, channel, label_type, findings)
    _order(profile, channel, facts, findings)
    if label is not None and label_type is not None:
        _label_type(profile, channel, label, label_type, findings)


def _content_type(
    profile: Profile, channel: Channel, label_type: str | None, findings: RequestFindings
) -> None:
    multi = label_type is not None and task_for(label_type) is MULTI_LABEL
    wanted = CLASS_ID_FORMAT if multi else RECORDIO
    given = channel.data.get("ContentType")
    why = " (Ground Truth writes multi-label labels as class ids)" if multi else ""
    if not isinstance(given, str):
        findings.report(
            "AM521", channel.path,
            f"channel {channel.name} sets no ContentType; {profile.image} expects {wanted!r}{why}",
            severity=Severity.warning,
        )  # fmt: skip
    elif _normal_mime(given) != _normal_mime(wanted):
        findings.report(
            "AM521", channel.member("ContentType"),
            f"{given!r}: {profile.image} expects {wanted!r}{why}",
        )  # fmt: skip


def _normal_mime(text: str) -> str:
    return "".join(text.lower().split())


def _order(
    profile: Profile, channel: Channel, facts: ManifestFacts | None, findings: RequestFindings
) -> None:
    attrs = channel.attrs
    path = channel.source_member("AttributeNames")
    if len(attrs) != 2:
        if attrs:
            findings.report(
                "AM522", path,
                f"{profile.image} takes 2 attributes (the image, then the label); "
                f"channel {channel.name} lists {len(attrs)}",
            )  # fmt: skip
        return
    labels = facts.label_types if facts else {}
    first, second = attrs
    swapped = first in labels and second not in labels
    if not swapped and not labels:  # no Ground Truth metadata: the image is the -ref
        swapped = not first.endswith("-ref") and second.endswith("-ref")
    if swapped:
        findings.report(
            "AM522", f"{path}[0]",
            f"{first!r} is listed before {second!r}; {profile.image} reads the image first, "
            "then the label",
        )  # fmt: skip


def _label_type(
    profile: Profile, channel: Channel, label: str, label_type: str, findings: RequestFindings
) -> None:
    path = f"{channel.source_member('AttributeNames')}[1]"
    if untrainable(label_type):
        findings.report(
            "AM524", path,
            f"{label!r} is a {label_type} label; no built-in algorithm, {profile.image} "
            "included, trains on it",
        )  # fmt: skip
    elif task_for(label_type) not in profile.tasks:
        findings.report(
            "AM523", path,
            f"{label!r} is a {label_type} label; {profile.image} trains on "
            f"{', '.join(profile.label_types)}",
        )  # fmt: skip


def _member_or_channel(channel: Channel, name: str) -> str:
    return channel.member(name) if name in channel.data else channel.path


# -- the hyperparameters ----------------------------------------------------------------


def check_hyperparameters(
    profile: Profile,
    request: JobRequest,
    read: Sequence[tuple[Channel, ManifestFacts]],
    train: Channel | None,
    findings: RequestFindings,
) -> None:
    """Required hyperparameters, and each channel's manifest against their values.

    Every channel's class ids and boxes must fit ``num_classes`` and ``label_width``;
    the counts (``num_training_samples``, unused classes) are the train channel's.
    """
    given = request.data.get("HyperParameters")
    hyper: Mapping[str, Any] = given if isinstance(given, dict) else {}
    values = {name: _integer(hyper, name, findings) for name in (*profile.required, "label_width")}
    for name in profile.required:
        if name not in hyper:
            guess = didyoumean.suggest(name, list(hyper))
            tail = f" (is {guess!r} meant?)" if guess else ""
            findings.report(
                "AM535", HYPERPARAMETERS if given is not None else "$",
                f"{profile.image} requires the hyperparameter {name}{tail}",
            )  # fmt: skip
    _multi_label(profile, hyper, read, findings)
    for channel, facts in read:
        if facts.stats is not None and len(channel.attrs) == 2:
            _against_manifest(profile, values, channel, facts.stats, channel is train, findings)


def _multi_label(
    profile: Profile,
    hyper: Mapping[str, Any],
    read: Sequence[tuple[Channel, ManifestFacts]],
    findings: RequestFindings,
) -> None:
    """Image classification learns Ground Truth's multi-label labels only with multi_label 1."""
    labels = [
        channel.attrs[1] for channel, facts in read
        if len(channel.attrs) == 2
        and task_for(facts.label_types.get(channel.attrs[1], "")) is MULTI_LABEL
    ]  # fmt: skip
    if not profile.multi_label or not labels or str(hyper.get("multi_label", "0")).strip() == "1":
        return
    path = (
        member_path(HYPERPARAMETERS, "multi_label") if "multi_label" in hyper else HYPERPARAMETERS
    )
    findings.report(
        "AM535", path,
        f"{labels[0]!r} holds Ground Truth multi-label labels; {profile.image} needs the "
        "hyperparameter multi_label 1 for them",
    )  # fmt: skip


def _against_manifest(
    profile: Profile,
    values: Mapping[str, int | None],
    channel: Channel,
    stats: Stats,
    train: bool,
    findings: RequestFindings,
) -> None:
    where = f"channel {channel.name}'s manifest"
    samples = values.get("num_training_samples")
    if train and samples is not None and stats.samples and samples != stats.samples:
        findings.report(
            "AM532", member_path(HYPERPARAMETERS, "num_training_samples"),
            f"num_training_samples is {samples:,}; {where} has {stats.samples:,} lines "
            "with every attribute",
        )  # fmt: skip
    label = stats.labels.get(channel.attrs[1])
    if label is None:
        return
    derived = for_label(label)
    classes = values.get("num_classes")
    if classes is not None and derived.num_classes is not None:
        _num_classes(classes, derived.num_classes, derived.class_ids, where, train, findings)
    if profile.pads_boxes and derived.max_boxes is not None:
        width = values.get("label_width")
        width = DEFAULT_LABEL_WIDTH if width is None else width
        if width < min_label_width(derived.max_boxes):
            findings.report(
                "AM533", member_path(HYPERPARAMETERS, "label_width"),
                f"label_width {width:,} holds {(width - 2) // 5:,} box(es); an image in "
                f"{where} has {derived.max_boxes:,} (label_width >= {min_label_width(derived.max_boxes):,})",
            )  # fmt: skip


def _num_classes(
    given: int, needed: int, used: int, where: str, train: bool, findings: RequestFindings
) -> None:
    path = member_path(HYPERPARAMETERS, "num_classes")
    if given < needed:
        findings.report(
            "AM530", path,
            f"num_classes is {given:,}; {where} uses class id {needed - 1:,} (num_classes >= {needed:,})",
        )  # fmt: skip
    elif given > needed and train:
        findings.report(
            "AM531", path,
            f"num_classes is {given:,}; {where} uses {used:,} class ids, the highest {needed - 1:,}",
        )  # fmt: skip


def _integer(hyper: Mapping[str, Any], name: str, findings: RequestFindings) -> int | None:
    value = hyper.get(name)
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit() and text.isascii():
        return int(text)
    findings.report(
        "AM534", member_path(HYPERPARAMETERS, name), f"{name} is {value!r}, not a whole number"
    )
    return None
