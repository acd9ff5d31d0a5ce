"""validate on a folder checks every manifest under it, as ruff and check-jsonschema do."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import augman


def test_a_folder_stands_for_the_manifests_under_it(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.manifest").write_text('{"a":1}\n{oops\n')
    (tmp_path / "b" / "c.jsonl").write_text("[1]\n")
    (tmp_path / "b" / "d.manifest.gz").write_bytes(gzip.compress(b'{"a":1}\n'))
    (tmp_path / "notes.txt").write_text("{oops\n")
    (tmp_path / ".hidden" / "e.manifest").write_text("{oops\n")
    report = augman.validate([str(tmp_path)])
    assert [s.source for s in report.sources] == [
        str(tmp_path / "a.manifest"), str(tmp_path / "b" / "c.jsonl"),
        str(tmp_path / "b" / "d.manifest.gz"),
    ]  # fmt: skip
    assert [(Path(f.source).name, f.code) for f in report.findings] == [
        ("a.manifest", "AM101"), ("c.jsonl", "AM102"),
    ]  # fmt: skip


def test_a_folder_without_manifests_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("{}\n")
    with pytest.raises(augman.UsageError, match="a folder with no manifest in it"):
        augman.validate([str(tmp_path)])


def test_the_cli_validates_the_bundled_examples_folder(cli: object) -> None:
    examples = Path(__file__).resolve().parents[2] / "examples"
    result = cli("validate", str(examples))  # type: ignore[operator]
    assert result.exit_code == 1, result.output  # examples/mistakes.manifest has mistakes
    assert f"of {len(list(examples.glob('*.manifest')))} files" in result.stdout
    errors = [line for line in result.stdout.splitlines() if ": AM" in line and " error:" in line]
    assert {line.split(":")[0] for line in errors} == {str(examples / "mistakes.manifest")}
