"""augman: validate, reshape, inspect and stream Amazon SageMaker augmented manifests.

The command-line tool is a thin layer over the functions in :mod:`augman.api`,
which are re-exported here::

    import augman
    report = augman.validate(["train.manifest"], attrs=["source-ref", "class"])
    for finding in report.findings:
        print(finding.location, finding.code, finding.message)
"""

from typing import TYPE_CHECKING, Any

from augman.checking.findings import Finding, Report, Severity
from augman.errors import AugmanError
from augman.version import __version__

if TYPE_CHECKING:
    from augman.api import DumpRow, StreamResult, dump, select, stats, stream, validate


__all__ = [
    "AugmanError",
    "DumpRow",
    "Finding",
    "Report",
    "Severity",
    "StreamResult",
    "__version__",
    "dump",
    "select",
    "stats",
    "stream",
    "validate",
]


def __getattr__(name: str) -> Any:
    # The library functions load on first use (see augman.api), keeping `import augman` light.
    if name in __all__:
        from augman import api

        return getattr(api, name)
    raise AttributeError(f"module 'augman' has no attribute {name!r}")
