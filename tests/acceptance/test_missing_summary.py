"""A typo in --attrs is said once, up front, with its did-you-mean; counts stay exact."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import augman
from augman.checking import parallel
from augman.checking.lines import LineChecker


def _lines(n: int, bad_uri_at: int | None = None) -> list[str]:
    lines = []
    for i in range(1, n + 1):
        uri = "s3:/my-bucket/x.jpg" if i == bad_uri_at else f"s3://my-bucket/{i}.jpg"
        lines.append(json.dumps({"source-ref": uri, "class": i % 3}))
    return lines


@pytest.fixture
def typo(write_manifest: Any) -> Path:
    path: Path = write_manifest(*_lines(3000, bad_uri_at=2500))
    return path


def test_a_typo_is_one_finding_before_the_others(typo: Path) -> None:
    report = augman.validate([str(typo)], attrs=["sorce-ref", "class"])
    first, *rest = report.findings
    assert first.code == "AM201" and first.line is None and first.occurrences == 3000
    assert first.message == (
        "missing attribute 'sorce-ref' on all 3,000 lines; did you mean 'source-ref'?"
    )
    assert [(f.code, f.line) for f in rest] == [("AM302", 2500)]  # other rules keep their lines
    assert report.counts == {"AM201": 3000, "AM302": 1}
    assert report.shown == report.total and not report.truncated


def test_a_typo_does_not_crowd_out_other_findings(typo: Path) -> None:
    report = augman.validate([str(typo)], attrs=["sorce-ref", "class"], max_findings=5)
    assert [(f.code, f.line) for f in report.findings] == [("AM201", None), ("AM302", 2500)]


def test_an_attribute_missing_on_a_few_lines_keeps_its_lines(write_manifest: Any) -> None:
    lines = _lines(100)
    lines[9] = lines[19] = json.dumps({"source-ref": "s3://my-bucket/a.jpg"})
    report = augman.validate([str(write_manifest(*lines))], attrs=["source-ref", "class"])
    assert [(f.code, f.line, f.occurrences) for f in report.findings] == [
        ("AM201", 10, 1), ("AM201", 20, 1),
    ]  # fmt: skip


def test_missing_on_most_lines_says_how_many_and_where_it_starts(write_manifest: Any) -> None:
    lines = _lines(40)[:10] + [json.dumps({"source-ref": f"s3://b-1/{i}"}) for i in range(30)]
    report = augman.validate([str(write_manifest(*lines))], attrs=["source-ref", "class"])
    [summary] = report.findings
    assert summary.message == (
        "missing attribute 'class' on 30 of 40 lines; line 11, the first, has 'source-ref'"
    )
    assert report.counts == {"AM201": 30}


def test_lines_lacking_an_attribute_stay_on_the_fast_path(
    typo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typo.write_text("".join(line + "\n" for line in _lines(3000)))
    exact = LineChecker.check
    seen: list[int] = []

    def counted(self: LineChecker, line_no: int, line: bytes) -> Any:
        seen.append(line_no)
        return exact(self, line_no, line)

    monkeypatch.setattr(LineChecker, "check", counted)
    report = augman.validate([str(typo)], attrs=["sorce-ref", "class"])
    assert report.counts == {"AM201": 3000}
    assert seen == []


def test_jobs_give_the_same_summary(typo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)
    for limit in (0, 5):
        serial = augman.validate([str(typo)], attrs=["sorce-ref", "class"], max_findings=limit)
        jobs = augman.validate(
            [str(typo)], attrs=["sorce-ref", "class"], max_findings=limit, jobs=3
        )
        assert jobs == serial


def test_json_and_sarif_carry_the_exact_counts(cli: Any, typo: Path) -> None:
    document = json.loads(cli("validate", typo, "--attrs", "sorce-ref,class", "-f", "json").stdout)
    assert document["summary"]["by_code"] == {"AM201": 3000, "AM302": 1}
    assert document["summary"]["findings"] == document["summary"]["shown"] == 3001
    summary = document["findings"][0]
    assert (summary["line"], summary["occurrences"]) == (None, 3000)
    assert "occurrences" not in document["findings"][1]
    sarif = json.loads(cli("validate", typo, "--attrs", "sorce-ref,class", "-f", "sarif").stdout)
    schema = Path(__file__).parent.parent / "data" / "sarif-schema-2.1.0.json"
    jsonschema.Draft4Validator(json.loads(schema.read_text())).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert (
        results[0]["occurrenceCount"] == 3000
        and "region" not in results[0]["locations"][0]["physicalLocation"]
    )


def test_text_says_it_once(cli: Any, typo: Path) -> None:
    result = cli("validate", typo, "--attrs", "sorce-ref,class")
    assert result.exit_code == 1
    assert result.stdout.count("sorce-ref") == 1
    assert f"{typo}: AM201 error: missing attribute 'sorce-ref' on all 3,000 lines" in result.stdout
    assert "more findings not shown" not in result.stdout
