"""Stats out: ``json`` for machines (:func:`stats_document`) and ``text`` for people.

A registry like :mod:`augman.reporting.validation`: ``STATS_REPORTERS[fmt](console).emit(stats)``.
The text report is rich tables with Unicode bar charts sized to the console width;
colour appears only when the console is a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from rich.console import Console

from augman.reporting.stats_text import TextStatsReporter
from augman.statistics.fold import Stats
from augman.statistics.hyperparameters import derive
from augman.statistics.labels import LabelStats
from augman.statistics.refstats import RefStats
from augman.statistics.tallies import Counts, Histogram
from augman.version import __version__


class JsonStatsReporter:
    """The whole :class:`Stats` as one indented JSON document."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def emit(self, stats: Stats) -> None:
        text = orjson.dumps(stats_document(stats), option=orjson.OPT_INDENT_2).decode()
        self.console.file.write(text + "\n")
        self.console.file.flush()


def stats_document(stats: Stats) -> dict[str, Any]:
    """:class:`Stats` as plain JSON-ready data (the ``--format json`` document)."""
    return {
        "tool": "augman",
        "version": __version__,
        "source": stats.source,
        "lines": stats.lines,
        "valid_lines": stats.valid_lines,
        "invalid_lines": stats.invalid_lines,
        "invalid_examples": [
            {"line": bad.line, "code": bad.code, "message": bad.message}
            for bad in stats.invalid_examples
        ],
        "bytes": stats.bytes,
        "findings": dict(stats.findings),
        "samples": {
            "num_training_samples": stats.samples,
            "records": stats.records,
            "attrs": list(stats.attrs) if stats.attrs else None,
            "counted": stats.counted,
        },
        "attributes": {
            name: {
                "present": attribute.present,
                "missing": stats.valid_lines - attribute.present,
                "coverage": _share(attribute.present, stats.valid_lines),
                "types": dict(attribute.types),
                "ref": attribute.ref,
            }
            for name, attribute in stats.attributes.items()
        },
        "untracked_values": stats.untracked_values,
        "labels": {name: label_document(label) for name, label in stats.labels.items()},
        "refs": {name: ref_document(ref) for name, ref in stats.refs.items()},
        "hyperparameters": hyperparameters_document(stats),
    }


def hyperparameters_document(stats: Stats) -> dict[str, Any]:
    """What a built-in algorithm's HyperParameters must say for this manifest."""
    derived = derive(stats)
    return {
        "num_training_samples": derived.num_training_samples,
        "labels": {
            name: {
                "kind": label.kind,
                "num_classes": label.num_classes,
                "class_ids": label.class_ids,
                "max_boxes": label.max_boxes,
                "label_width": label.label_width,
            }
            for name, label in derived.labels.items()
        },
    }


def label_document(label: LabelStats) -> dict[str, Any]:
    """One label attribute; its histograms appear under their own names."""
    document: dict[str, Any] = {
        "type": next(iter(label.types.items), None),
        "types": dict(label.types.items),
        "kind": label.kind,
        "lines": label.lines,
        "classes": dict(label.classes.items),
        "class_unit": label.class_unit,
        "confidence": histogram_document(label.confidence),
        "human_annotated": dict(label.human_annotated.items),
        "jobs": dict(label.jobs.items),
        "creation_dates": {"first": label.first_date, "last": label.last_date},
    }
    for name, histogram in label.histograms.items():
        document[name] = histogram_document(histogram)
    document["counts"] = dict(label.counts)
    document["malformed"] = label.malformed
    document["malformed_lines"] = list(label.malformed_lines)
    document["untracked"] = _untracked(
        classes=label.classes, jobs=label.jobs, types=label.types, human=label.human_annotated
    )
    return document


def histogram_document(histogram: Histogram) -> dict[str, Any]:
    return {
        "bins": dict(histogram.bins),
        "outside": histogram.outside,
        "count": histogram.count,
        "mean": histogram.mean,
        "min": histogram.low,
        "max": histogram.high,
    }


def ref_document(ref: RefStats) -> dict[str, Any]:
    return {
        "values": ref.values,
        "distinct": ref.distinct,
        "not_strings": ref.not_strings,
        "not_s3": ref.not_s3,
        "buckets": dict(ref.buckets.items),
        "prefixes": dict(ref.prefixes.items),
        "extensions": dict(ref.extensions.items),
        "duplicates": {
            "uris": ref.repeated_uris,
            "repeat_lines": ref.repeat_lines,
            "examples": [
                {"uri": r.uri, "count": r.count, "lines": list(r.lines)} for r in ref.repeats
            ],
        },
        "untracked": _untracked(
            buckets=ref.buckets, prefixes=ref.prefixes, extensions=ref.extensions
        ),
    }


def _untracked(**counts: Counts) -> dict[str, int]:
    return {name: c.untracked for name, c in counts.items()}


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 6) if whole else None


STATS_REPORTERS: dict[str, Callable[[Console], Any]] = {
    "text": TextStatsReporter,
    "json": JsonStatsReporter,
}

__all__ = ["STATS_REPORTERS", "JsonStatsReporter", "TextStatsReporter", "stats_document"]
