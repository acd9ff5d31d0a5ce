"""Every rule has a failing and a passing example manifest in tests/data.

``tests/data/invalid/CODE.manifest`` must produce CODE at the lines (and columns)
listed in ``CODE.json``'s ``expect``; ``tests/data/valid/CODE.manifest`` must
produce no finding at all. A sidecar's ``attrs`` is passed as AttributeNames, its
``schema`` and ``attr_schemas`` (paths relative to the sidecar) as the user schemas.
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


def _validate(manifest: Path) -> augman.Report:
    options = _options(manifest)
    here = manifest.parent
    schema = options.get("schema")
    attr_schemas = {name: here / path for name, path in options.get("attr_schemas", {}).items()}
    return augman.validate(
        [str(manifest)],
        attrs=options.get("attrs"),
        schema=here / schema if schema else None,
        attr_schemas=attr_schemas,
    )


@pytest.mark.parametrize("code", sorted(RULES))
def test_every_rule_has_both_examples(code: str) -> None:
    assert (DATA / "invalid" / f"{code}.manifest").exists()
    assert (DATA / "valid" / f"{code}.manifest").exists()


@pytest.mark.parametrize(
    "manifest", sorted((DATA / "invalid").glob("*.manifest")), ids=lambda p: p.stem
)
def test_invalid_example_fails_with_its_rule_where_expected(manifest: Path) -> None:
    options = _options(manifest)
    report = _validate(manifest)
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
    report = _validate(manifest)
    assert report.findings == ()
