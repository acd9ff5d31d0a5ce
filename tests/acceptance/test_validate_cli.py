"""`augman validate` from the command line: formats, exit codes, inputs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

DATA = Path(__file__).parent.parent / "data"
GOOD = '{"source-ref":"s3://my-bucket/1.jpg","class":1}'
BAD_URI = '{"source-ref":"s3:/my-bucket/2.jpg","class":1}'
ORDER = '{"class":1,"source-ref":"s3://my-bucket/3.jpg"}'


@pytest.fixture
def mixed(write_manifest: Any) -> Path:
    path: Path = write_manifest(GOOD, BAD_URI, ORDER, "{oops")
    return path


def test_clean_manifest_exits_0_with_a_summary(cli: Any, write_manifest: Any) -> None:
    result = cli("validate", write_manifest(GOOD, GOOD), "--attrs", "source-ref,class")
    assert result.exit_code == 0
    assert "no problems found in 2 lines of 1 file" in result.stdout
    assert result.stderr == ""


def test_text_report_lists_findings_in_editor_form_with_hints(cli: Any, mixed: Path) -> None:
    result = cli("validate", mixed, "--attrs", "source-ref,class")
    assert result.exit_code == 1
    out = result.stdout
    assert f"{mixed}:2:2: AM302 error: source-ref: 's3:/my-bucket/2.jpg' is not an S3 URI" in out
    assert f"{mixed}:3: AM202 warning:" in out
    assert f"{mixed}:4:2: AM101 error: invalid JSON" in out
    assert "hint: Write s3://bucket/key" in out
    assert "2 errors, 1 warning in 4 lines of 1 file" in out


@pytest.mark.parametrize(
    ("fail_on", "lines", "code"),
    [("error", [GOOD, ORDER], 0), ("warning", [GOOD, ORDER], 1), ("error", [BAD_URI], 1)],
    ids=["warning-below-threshold", "warning-at-threshold", "error"],
)
def test_fail_on_sets_the_threshold(
    cli: Any, write_manifest: Any, fail_on: str, lines: list[str], code: int
) -> None:
    result = cli(
        "validate", write_manifest(*lines), "--attrs", "source-ref,class", "--fail-on", fail_on
    )
    assert result.exit_code == code


def test_json_report_carries_every_field_and_counts(cli: Any, mixed: Path) -> None:
    result = cli("validate", mixed, "--attrs", "source-ref,class", "--format", "json")
    document = json.loads(result.stdout)
    assert document["summary"]["findings"] == 3
    assert document["summary"]["by_code"] == {"AM101": 1, "AM202": 1, "AM302": 1}
    assert document["summary"]["sources"] == [
        {"source": str(mixed), "lines": 4, "bytes": mixed.stat().st_size}
    ]
    first = document["findings"][0]
    assert first["line"] == 2 and first["code"] == "AM302" and first["rule"] == "ref-not-s3-uri"
    assert first["severity"] == "error" and first["attribute"] == "source-ref" and first["hint"]


def test_github_format_is_workflow_commands(cli: Any, mixed: Path) -> None:
    result = cli("validate", mixed, "--attrs", "source-ref,class", "--format", "github")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        f"::error file={mixed},line=2,col=2,title=AM302 ref-not-s3-uri::source-ref:"
    )
    assert lines[1].startswith(f"::warning file={mixed},line=3,title=AM202 attribute-order::")
    assert lines[2].startswith(f"::error file={mixed},line=4,col=2,title=AM101 invalid-json::")
    assert "%0A" in lines[0]  # the hint is on a second line of the annotation


def test_github_format_escapes_commas_and_colons_in_properties(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "a,b:c.manifest"
    path.write_text("[1]\n")
    result = cli("validate", path, "--format", "github")
    assert result.stdout.startswith(f"::error file={tmp_path}/a%2Cb%3Ac.manifest,line=1,col=1,")


def test_sarif_output_is_valid_sarif_2_1_0(cli: Any, mixed: Path) -> None:
    result = cli("validate", mixed, "--attrs", "source-ref,class", "--format", "sarif")
    log = json.loads(result.stdout)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["AM302", "AM202", "AM101"]
    assert [r["level"] for r in results] == ["error", "warning", "error"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    region = results[2]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 2}
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(mixed)


def test_sarif_of_a_clean_run_is_valid_too(cli: Any, write_manifest: Any) -> None:
    result = cli("validate", write_manifest(GOOD), "--format", "sarif")
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text())).validate(
        log
    )
    assert log["runs"][0]["results"] == []


def test_max_findings_limits_what_is_shown_but_counts_all(cli: Any, write_manifest: Any) -> None:
    path = write_manifest(*["[1]"] * 30)
    result = cli("validate", path, "--max-findings", "5", "--format", "json")
    document = json.loads(result.stdout)
    assert document["summary"]["findings"] == 30
    assert len(document["findings"]) == 5
    text = cli("validate", path, "--max-findings", "5").stdout
    assert "25 more findings not shown" in text
    assert "30 errors in 30 lines" in text


def test_quiet_prints_only_findings(cli: Any, mixed: Path, write_manifest: Any) -> None:
    result = cli("validate", mixed, "--quiet")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert (
        lines[0]
        == f"{mixed}:2:2: AM302 error: source-ref: 's3:/my-bucket/2.jpg' is not an S3 URI (expected s3://bucket/key)"
    )
    assert lines[1].startswith(f"{mixed}:4:2: AM101 error: invalid JSON: unexpected character")
    assert cli("validate", write_manifest(GOOD), "--quiet").stdout == ""


def test_several_manifests_are_reported_in_order(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "a.manifest").write_text("[1]\n")
    (tmp_path / "b.manifest").write_text(GOOD + "\n" + "[2]\n")
    result = cli("validate", tmp_path / "b.manifest", tmp_path / "a.manifest", "-q")
    assert result.stdout.splitlines() == [
        f"{tmp_path}/b.manifest:2:1: AM102 error: the line is a JSON array, not an object",
        f"{tmp_path}/a.manifest:1:1: AM102 error: the line is a JSON array, not an object",
    ]


def test_stdin_and_gzip_detected_by_magic_not_name(cli: Any, tmp_path: Path) -> None:
    payload = (GOOD + "\n" + BAD_URI + "\n").encode()
    disguised = tmp_path / "train.manifest"  # gzip data without a .gz name
    disguised.write_bytes(gzip.compress(payload))
    assert f"{disguised}:2:2: AM302" in cli("validate", disguised).stdout
    from_stdin = cli("validate", "-", input=gzip.compress(payload))
    assert "-:2:2: AM302" in from_stdin.stdout
    plain_stdin = cli("validate", "-", input=payload)
    assert "-:2:2: AM302" in plain_stdin.stdout


def test_output_file_receives_the_report(cli: Any, mixed: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.sarif"
    result = cli("validate", mixed, "--format", "sarif", "-o", out)
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/no/such/file.manifest"], "augman: error: /no/such/file.manifest: no such file"),
        (["{empty}"], "a folder with no manifest in it"),
        (["{m}", "--attrs", "a,,b"], "has an empty name"),
        (["{m}", "--attrs", ",".join(f"a{i}" for i in range(17))], "at most 16"),
        (["{m}", "--attrs", "x" * 257], "1 to 256"),
        (["{gz}"], "gzip data is corrupt or truncated"),
    ],
    ids=[
        "missing-file",
        "folder-without-manifests",
        "empty-attr",
        "17-attrs",
        "long-attr",
        "truncated-gzip",
    ],
)
def test_run_problems_exit_2_with_a_message_not_a_traceback(
    run_augman: Any, write_manifest: Any, tmp_path: Path, args: list[str], message: str
) -> None:
    manifest = write_manifest(GOOD)
    truncated = tmp_path / "t.manifest.gz"
    truncated.write_bytes(gzip.compress((GOOD + "\n").encode() * 1000)[:-30])
    empty = tmp_path / "empty"
    empty.mkdir()
    argv = [a.format(m=manifest, gz=truncated, empty=empty) for a in args]
    result = run_augman("validate", *argv)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error(run_augman: Any) -> None:
    result = run_augman("validate", "--no-such-option", "x")
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


def test_rules_lists_every_code_and_explains_one(cli: Any) -> None:
    listing = cli("rules").stdout
    from augman.checking.rules import RULES

    assert all(code in listing for code in RULES)
    one = cli("rules", "AM201")
    assert "missing-attribute" in one.stdout and "bad:" in one.stdout and "good:" in one.stdout
    assert "--attrs source-ref,class" in one.stdout
    assert cli("rules", "ref-not-s3-uri").stdout.startswith("AM302")
    assert cli("rules", "AM999").exit_code == 2


def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import augman_command, subprocess_env

    manifest = tmp_path / "bad.manifest"
    manifest.write_text("[1]\n" * 20000)
    command = (
        " ".join(augman_command("validate", str(manifest), "--max-findings", "0")) + " | head -n 1"
    )
    result = subprocess.run(
        ["bash", "-c", command], capture_output=True, env=subprocess_env(), timeout=60
    )
    assert result.stdout.count(b"\n") == 1
    assert result.stderr == b""
