"""validate with Ground Truth label schemas (default, --no-gt) and user schemas (--schema,
--attr-schema): wiring, exit codes, report formats, gzip, stdin, --jobs."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import augman
from augman.checking import labels, parallel
from augman.checking.schemas import ContentOptions
from augman.checking.summaries import SummarisingCollector
from benchmarks.groundtruth_lines import EXAMPLES, mixed

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def boxes(tmp_path: Path) -> Path:
    """Line 1 fine; line 2 has a box id missing from its class-map, in column 51."""
    good, bad = (
        EXAMPLES["object-detection"](random.Random(1)),
        EXAMPLES["object-detection"](random.Random(2)),
    )
    bad["bounding-box"]["annotations"][0]["class_id"] = 99
    path = tmp_path / "boxes.manifest"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    return path


def test_labels_are_checked_by_default_and_not_with_no_gt(cli: Any, boxes: Path) -> None:
    result = cli("validate", boxes, "-q")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{boxes}:2:51: AM405 error: $.bounding-box.annotations[0]:")
    assert cli("validate", boxes, "--no-gt").exit_code == 0


def test_github_and_sarif_locate_label_findings(cli: Any, boxes: Path) -> None:
    github = cli("validate", boxes, "--format", "github").stdout.splitlines()
    assert github[0].startswith(
        f"::error file={boxes},line=2,col=51,title=AM405 gt-class-not-in-map::"
    )
    log = json.loads(cli("validate", boxes, "--format", "sarif").stdout)
    jsonschema.Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text())).validate(
        log
    )
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "AM405"
    location = result["locations"][0]["physicalLocation"]
    assert location["region"] == {"startLine": 2, "startColumn": 51}
    assert location["artifactLocation"]["uri"] == str(boxes)


def test_a_gzip_manifest_and_stdin_are_checked_too(cli: Any, boxes: Path, tmp_path: Path) -> None:
    packed = tmp_path / "boxes.manifest.gz"
    packed.write_bytes(gzip.compress(boxes.read_bytes()))
    assert f"{packed}:2:51: AM405" in cli("validate", packed, "-q").stdout
    assert "-:2:51: AM405" in cli("validate", "-", "-q", input=boxes.read_bytes()).stdout


def test_user_schemas_report_json_paths(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "m.manifest"
    path.write_text('{"source-ref": "s3://my-bucket/a.jpg", "class": "one"}\n')
    result = cli(
        "validate", path, "-q", "--schema", DATA / "schemas" / "line.json",
        "--attr-schema", f"class={DATA / 'schemas' / 'class.json'}",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{path}:1:40: AM440 error: $.class: 'one' is not of type 'integer'",
        f"{path}:1:40: AM441 error: $.class: 'one' is not of type 'integer'",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "--schema {path}: cannot read the schema: No such file or directory"),
        ("{not json", "--schema {path}: the schema is not valid JSON"),
        ('{"type": "objekt"}', "--schema {path}: not a valid JSON Schema:"),
        ("[1]", "--schema {path}: a JSON Schema is an object (or true/false)"),
    ],
    ids=["missing", "not-json", "not-a-schema", "not-an-object"],
)
def test_a_bad_schema_is_a_usage_error(
    run_augman: Any, boxes: Path, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "s.json"
    if content is not None:
        path.write_text(content)
    result = run_augman("validate", str(boxes), "--schema", str(path))
    assert result.returncode == 2
    assert result.stderr.decode().startswith("augman: error: " + message.format(path=path))
    assert b"Traceback" not in result.stderr


def test_attr_schema_wants_name_equals_file(run_augman: Any, boxes: Path) -> None:
    result = run_augman("validate", str(boxes), "--attr-schema", "class")
    assert result.returncode == 2
    assert b"--attr-schema 'class': expected NAME=FILE" in result.stderr


def test_the_library_takes_schemas_as_values(boxes: Path) -> None:
    report = augman.validate(
        [str(boxes)], groundtruth=False, attr_schemas={"bounding-box": {"required": ["nope"]}}
    )
    assert [(f.line, f.code, f.message) for f in report.findings] == [
        (1, "AM441", "$.bounding-box: 'nope' is a required property"),
        (2, "AM441", "$.bounding-box: 'nope' is a required property"),
    ]
    with pytest.raises(augman.UsageError, match="not a valid JSON Schema"):
        augman.validate([str(boxes)], schema={"type": 3})


def test_jobs_report_the_same_label_findings(tmp_path: Path) -> None:
    lines = list(mixed(600, seed=3))
    for i in (10, 300, 599):
        lines[i] = EXAMPLES["object-detection"](random.Random(i))
        lines[i]["bounding-box"]["annotations"][0]["left"] = -5
    path = tmp_path / "m.manifest"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    serial = augman.validate([str(path)])
    collector = SummarisingCollector()
    parallel.scan_parallel(str(path), str(path), collector, None, 2, ContentOptions())
    assert [(f.line, f.code) for f in serial.findings] == [
        (11, "AM407"),
        (301, "AM407"),
        (600, "AM407"),
    ]
    assert sorted(collector.kept, key=lambda f: f.line or 0) == list(serial.findings)


def test_valid_labels_of_every_type_stay_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.manifest"
    path.write_text("".join(json.dumps(line) + "\n" for line in mixed(2000, seed=4)))

    def refuse(*args: Any) -> None:
        raise AssertionError("a valid label went the exact way")

    monkeypatch.setattr(labels._Pair, "exact", refuse)
    assert augman.validate([str(path)]).findings == ()
