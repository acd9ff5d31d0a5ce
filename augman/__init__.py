"""augman: validate, reshape, inspect and stream Amazon SageMaker augmented manifests.

The command-line tool is a thin layer over the functions in :mod:`augman.api`,
which are re-exported here::

    import augman
    report = augman.validate(["train.manifest"], attrs=["source-ref", "class"])
    for finding in report.findings:
        print(finding.location, finding.code, finding.message)
"""

from augman.api import DumpRow, StreamResult, dump, select, stats, stream, validate
from augman.errors import AugmanError
from augman.findings import Finding, Report, Severity

__version__ = "0.1.0.dev0"

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
