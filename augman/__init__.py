"""augman: validate, reshape, inspect and stream Amazon SageMaker augmented manifests.

The command-line tool is a thin layer over the functions of :mod:`augman.api`, which
are exported here with every type they take and return::

    import augman
    report = augman.validate(["train.manifest"], attrs=["source-ref", "class"])
    for finding in report.findings:
        print(finding.location, finding.code, finding.message)

Names load on first use, so ``import augman`` stays light.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from augman.version import __version__

if TYPE_CHECKING:
    from augman.api import (
        RefCheckOptions,
        check_refs,
        dump,
        preview,
        select,
        stats,
        stream,
        validate,
        validate_job,
    )  # fmt: skip
    from augman.checking.findings import Finding, Report, Severity, SourceSummary
    from augman.errors import AugmanError, DataError, S3Error, SinkError, SourceError, UsageError
    from augman.inputs.ordering import Shard
    from augman.options import (
        DumpFormat,
        FailOn,
        Join,
        OnError,
        RefCheck,
        RefStrategy,
        ReportFormat,
        StatsFormat,
        ValueEncoding,
        Wrap,
    )  # fmt: skip
    from augman.outputs.sinks import Sink
    from augman.previewing.build import PreviewResult
    from augman.recordio.codec import CorruptStream
    from augman.recordio.dumping import DumpRow
    from augman.refcheck import RefCheckResult, RefCheckSummary, RefUses
    from augman.refs import Fetched, Mirror, RefError, Resolver, S3Resolver
    from augman.selecting.pipeline import EmptyPartError, InvalidLineError, SelectResult, Writer
    from augman.selecting.splits import Split
    from augman.statistics.fold import AttributeStats, InvalidExample, Stats
    from augman.statistics.labels import LabelStats
    from augman.statistics.refstats import RefStats
    from augman.streaming.pipe import StreamResult
    from augman.streaming.verdicts import BadLine

_HOMES = {
    "augman.api": (
        "RefCheckOptions", "check_refs", "dump", "preview", "select", "stats", "stream",
        "validate", "validate_job",
    ),
    "augman.checking.findings": ("Finding", "Report", "Severity", "SourceSummary"),
    "augman.errors": (
        "AugmanError", "DataError", "S3Error", "SinkError", "SourceError", "UsageError",
    ),
    "augman.inputs.ordering": ("Shard",),
    "augman.options": (
        "DumpFormat", "FailOn", "Join", "OnError", "RefCheck", "RefStrategy", "ReportFormat",
        "StatsFormat", "ValueEncoding", "Wrap",
    ),
    "augman.refcheck": ("RefCheckResult", "RefCheckSummary", "RefUses"),
    "augman.outputs.sinks": ("Sink",),
    "augman.previewing.build": ("PreviewResult",),
    "augman.recordio.codec": ("CorruptStream",),
    "augman.recordio.dumping": ("DumpRow",),
    "augman.refs": ("Fetched", "Mirror", "RefError", "Resolver", "S3Resolver"),
    "augman.selecting.pipeline": ("EmptyPartError", "InvalidLineError", "SelectResult", "Writer"),
    "augman.selecting.splits": ("Split",),
    "augman.statistics.fold": ("AttributeStats", "InvalidExample", "Stats"),
    "augman.statistics.labels": ("LabelStats",),
    "augman.statistics.refstats": ("RefStats",),
    "augman.streaming.pipe": ("StreamResult",),
    "augman.streaming.verdicts": ("BadLine",),
}  # fmt: skip
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "AttributeStats",
    "AugmanError",
    "BadLine",
    "CorruptStream",
    "DataError",
    "DumpFormat",
    "DumpRow",
    "EmptyPartError",
    "FailOn",
    "Fetched",
    "Finding",
    "InvalidExample",
    "InvalidLineError",
    "Join",
    "LabelStats",
    "Mirror",
    "OnError",
    "PreviewResult",
    "RefCheck",
    "RefCheckOptions",
    "RefCheckResult",
    "RefCheckSummary",
    "RefError",
    "RefStats",
    "RefStrategy",
    "RefUses",
    "Report",
    "ReportFormat",
    "Resolver",
    "S3Error",
    "S3Resolver",
    "SelectResult",
    "Severity",
    "Shard",
    "Sink",
    "SinkError",
    "SourceError",
    "SourceSummary",
    "Split",
    "Stats",
    "StatsFormat",
    "StreamResult",
    "UsageError",
    "ValueEncoding",
    "Wrap",
    "Writer",
    "__version__",
    "check_refs",
    "dump",
    "preview",
    "select",
    "stats",
    "stream",
    "validate",
    "validate_job",
]


def __getattr__(name: str) -> Any:
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'augman' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
