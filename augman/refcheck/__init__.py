"""``--check-refs``: do the ``-ref`` objects exist, can they be read, and do they fit?

``uses`` collects where each URI is named, ``checker`` checks each distinct URI once
(``remote`` in S3, ``local`` in ``--mirror`` folders, ``content`` for image headers),
and ``findings`` turns the outcomes into findings at every line.
"""

from augman.refcheck.checker import RefCheckResult, RefCheckSummary, check_refs
from augman.refcheck.uses import RefUses, Use

__all__ = ["RefCheckResult", "RefCheckSummary", "RefUses", "Use", "check_refs"]
