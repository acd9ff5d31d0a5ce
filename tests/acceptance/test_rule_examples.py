"""Every rule has a failing and a passing example manifest in tests/data.

``tests/data/invalid/CODE.manifest`` must produce CODE at the lines (and columns)
listed in ``CODE.json``'s ``expect``; ``tests/data/valid/CODE.manifest`` must
produce no finding at all. A sidecar's ``attrs`` is passed as AttributeNames, its
``max_line_bytes`` as the line limit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import augman
from augman.checking.rules import RULES

DATA = Path(__file__).parent.parent / "data"


def _options(manifest: Path) -> dict[str, Any]:
    sidecar = manifest.with_suffix(".json")
    return json.loads(sidecar.read_text()) if sidecar.exists() else {}


def _limits(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("max_line_bytes",) if k in options}


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_both_examples(code: str) -> None:
    assert (DATA / "invalid" / f"{code}.manifest").exists()
    assert (DATA / "valid" / f"{code}.manifest").exists()


@pytest.mark.parametrize(
    "manifest", sorted((DATA / "invalid").glob("*.manifest")), ids=lambda p: p.stem
)
def test_invalid_example_fails_with_its_rule_where_expected(manifest: Path) -> None:
    options = _options(manifest)
    report = augman.validate([str(manifest)], attrs=options.get("attrs"), **_limits(options))
    found = [[f.line, f.column] for f in report.findings if f.code == manifest.stem]
    expected = [[line, col] for line, col in options["expect"]]
    assert [line for line, _ in found] == [line for line, _ in expected]
    for (_, col), (_, want) in zip(found, expected, strict=True):
        if want is not None:
            assert col == want


@pytest.mark.parametrize(
    "manifest", sorted((DATA / "valid").glob("*.manifest")), ids=lambda p: p.stem
)
def test_valid_example_passes(manifest: Path) -> None:
    options = _options(manifest)
    report = augman.validate([str(manifest)], attrs=options.get("attrs"), **_limits(options))
    assert report.findings == ()
