"""Golden files: expected output kept in tests/data/golden/, refreshed on request.

``AUGMAN_UPDATE_GOLDEN=1 python -m pytest tests/acceptance/test_stats_golden.py`` rewrites
every golden file from the current output; review the diff with ``git diff`` and commit it.
Trailing spaces are dropped on both sides (rich pads table cells with them).
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "data" / "golden"


def normalise(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def check_golden(name: str, actual: str) -> None:
    """Assert ``actual`` equals ``tests/data/golden/<name>`` (or rewrite it when asked)."""
    path = GOLDEN / name
    actual = normalise(actual)
    if os.environ.get("AUGMAN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run the tests with AUGMAN_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"output differs from {path}; if the change is intended, rerun with AUGMAN_UPDATE_GOLDEN=1"
    )
