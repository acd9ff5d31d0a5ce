"""Bad input never crashes a command: numbers beyond float range, surrogate escapes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

BIG = (
    '{"source-ref":"s3://my-bucket/a.jpg","class":1e400,"note":"\\ud83d\\ude00"}\n'
    '{"source-ref":"s3://my-bucket/b.jpg","class":-1e400,"box":{"w":1e999}}\n'
)


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "augman", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, timeout=60,
    )  # fmt: skip


@pytest.fixture
def big(tmp_path: Path) -> str:
    path = tmp_path / "big.manifest"
    path.write_text(BIG)
    return str(path)


def test_numbers_beyond_float_range_are_valid_json(big: str) -> None:
    result = run("validate", big, "--attrs", "source-ref,class", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["findings"] == []  # no AM106 for the surrogate pair


def test_a_ref_that_is_a_huge_number_is_am301(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text('{"source-ref":1e400}\n')
    result = run("validate", str(path), "--format", "json")
    assert result.returncode == 1, result.stderr
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["AM301"]


def test_the_last_line_without_newline_is_still_am110(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text('{"a":1}\n{"a":1e400}')
    result = run("validate", str(path), "--format", "json")
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["AM110"]


@pytest.mark.parametrize(
    "args",
    [
        ("stream", "{m}", "--attrs", "class", "-o", "{out}"),
        ("select", "{m}", "--where", "class > `0`"),
        ("select", "{m}", "--split", "a=0.5,b=0.5", "--split-key", "class", "--out-dir", "{dir}"),
        ("stats", "{m}", "--format", "json"),
        ("validate", "{m}", "--jobs", "2"),
    ],
    ids=["stream", "select-where", "select-split-key", "stats", "validate-jobs"],
)
def test_no_command_crashes(big: str, tmp_path: Path, args: tuple[str, ...]) -> None:
    filled = [a.format(m=big, out=tmp_path / "out.rio", dir=tmp_path / "parts") for a in args]
    result = run(*filled)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_a_lone_surrogate_is_am106_at_its_column(tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text('{"a":1e400,"b":"x\\ud83d y"}\n')
    result = run("validate", str(path), "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["column"]) == ("AM106", 18)


@pytest.mark.parametrize(
    ("line", "code", "column"),
    [
        ('{"label":"source-ref","source-ref":"S3://b/k"}', "AM302", 23),
        ('{"m":{"source-ref":"x"},"source-ref":"S3://b/k"}', "AM302", 25),
        ('{"source-ref":"s3://my-bucket/' + "\u00e9" * 600 + '"}', "AM306", 2),
        ('{"source-ref":"s3://my-bucket/a.jpg","class":1,"class":2}', "AM112", 48),
    ],
    ids=["look-alike-value", "nested-key", "key-over-1024-bytes", "repeated-key"],
)
def test_findings_point_at_the_top_level_key(
    tmp_path: Path, line: str, code: str, column: int
) -> None:
    path = tmp_path / "m.manifest"
    path.write_text(line + "\n", encoding="utf-8")
    result = run("validate", str(path), "--format", "json")
    (finding,) = json.loads(result.stdout)["findings"]
    assert (finding["code"], finding["column"]) == (code, column)


@pytest.mark.parametrize("value", ["[ ]", "{ \t }", "{}", "null"])
def test_empty_values_with_spaces_are_am204(tmp_path: Path, value: str) -> None:
    path = tmp_path / "m.manifest"
    path.write_text('{"source-ref":"s3://my-bucket/a.jpg","class":' + value + "}\n")
    result = run("validate", str(path), "--attrs", "source-ref,class", "--format", "json")
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["AM204"]
