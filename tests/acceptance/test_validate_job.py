"""``augman validate --job``: a training job request, then the manifests its channels name."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import augman
from augman.errors import SourceError

DATA = Path(__file__).parent.parent / "data"
JOBS = DATA / "jobs"
BOXES = (DATA / "valid" / "AM501.manifest").read_text()
MIRROR = "s3://augman-examples"


def base_request(uri: str = f"{MIRROR}/train.manifest") -> dict[str, Any]:
    request = json.loads((JOBS / "valid" / "AM501.json").read_text())
    request["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = uri
    return request  # type: ignore[no-any-return]


def channel(request: dict[str, Any]) -> dict[str, Any]:
    return request["InputDataConfig"][0]  # type: ignore[no-any-return]


def source(request: dict[str, Any]) -> dict[str, Any]:
    return channel(request)["DataSource"]["S3DataSource"]  # type: ignore[no-any-return]


@pytest.fixture
def job(tmp_path: Path) -> Any:
    """Write a request (and the manifest it names) into tmp_path; return the request's path."""

    def write(
        request: dict[str, Any], manifest: str | bytes = BOXES, name: str = "train.manifest"
    ) -> Path:
        data = manifest.encode() if isinstance(manifest, str) else manifest
        (tmp_path / name).write_bytes(data)
        path = tmp_path / "request.json"
        path.write_text(json.dumps(request, indent=2) + "\n")
        return path

    return write


def mirror(tmp_path: Path) -> str:
    return f"{MIRROR}={tmp_path}"


def codes(report: augman.Report) -> list[str]:
    return [f.code for f in report.findings]


def test_a_clean_request_and_manifest_exit_0(cli: Any, job: Any, tmp_path: Path) -> None:
    path = job(base_request())
    result = cli("validate", "--job", path, "--mirror", mirror(tmp_path))
    assert result.exit_code == 0, result.stdout
    assert "no problems found in" in result.stdout


def test_request_findings_are_located_in_the_request_and_manifest_findings_in_the_manifest(
    cli: Any, job: Any, tmp_path: Path
) -> None:
    request = base_request()
    channel(request)["InputMode"] = "pipe"
    lines = BOXES.splitlines()
    path = job(
        request,
        "\n".join(
            [lines[0], lines[1].replace('"source-ref": "s3://', '"source-ref": "s3:/'), lines[2]]
        )
        + "\n",
    )
    result = cli("validate", "--job", path, "--mirror", mirror(tmp_path), "--format", "sarif")
    assert result.exit_code == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads((DATA / "sarif-schema-2.1.0.json").read_text())).validate(
        log
    )
    results = log["runs"][0]["results"]
    request_line = path.read_text().splitlines().index('      "InputMode": "pipe"') + 1
    first, second = (r["locations"][0] for r in results)
    assert [r["ruleId"] for r in results] == ["AM504", "AM302"]
    assert first["physicalLocation"]["artifactLocation"]["uri"] == str(path)
    assert first["physicalLocation"]["region"] == {"startLine": request_line, "startColumn": 7}
    assert first["logicalLocations"][0]["fullyQualifiedName"] == "$.InputDataConfig[0].InputMode"
    assert second["physicalLocation"]["artifactLocation"]["uri"] == str(tmp_path / "train.manifest")
    assert second["physicalLocation"]["region"]["startLine"] == 2


def test_github_output_locates_both(cli: Any, job: Any, tmp_path: Path) -> None:
    request = base_request()
    request["HyperParameters"]["num_classes"] = "1"
    lines = BOXES.splitlines()
    lines[1] = lines[1].replace('"s3://', '"s3:/', 1)
    path = job(request, "\n".join(lines) + "\n")
    result = cli("validate", "--job", path, "--mirror", mirror(tmp_path), "--format", "github")
    out = result.stdout.splitlines()
    row = path.read_text().splitlines().index('    "num_classes": "1",') + 1
    assert out[0].startswith(
        f"::error file={path},line={row},col=5,title=AM530 num-classes-too-small::"
    )
    assert out[1].startswith(
        f"::error file={tmp_path / 'train.manifest'},line=2,col=2,title=AM302 "
    )
    assert result.exit_code == 1


def test_json_output_names_the_json_path(cli: Any, job: Any, tmp_path: Path) -> None:
    request = base_request()
    source(request)["AttributeNames"] = ["source-ref", "bbox"]
    path = job(request)
    result = cli("validate", "--job", path, "--mirror", mirror(tmp_path), "--format", "json")
    findings = json.loads(result.stdout)["findings"]
    am540 = next(f for f in findings if f["code"] == "AM540")
    assert am540["json_path"] == "$.InputDataConfig[0].DataSource.S3DataSource.AttributeNames[1]"
    assert "did you mean 'bounding-box'?" in am540["message"]
    assert {f["code"] for f in findings if f["source"].endswith("train.manifest")} == {"AM201"}


def test_a_missing_label_attribute_lists_the_label_attributes_by_type(
    job: Any, tmp_path: Path
) -> None:
    request = base_request()
    source(request)["AttributeNames"] = ["source-ref", "my-labeling-job"]
    report = augman.validate_job(str(job(request)), mirrors=[mirror(tmp_path)])
    message = next(f.message for f in report.findings if f.code == "AM540")
    assert "Ground Truth label attributes: 'bounding-box' (groundtruth/object-detection)" in message


@pytest.mark.parametrize(
    ("setting", "compressed", "expected"),
    [("Gzip", True, []), ("None", True, ["AM515"]), ("Gzip", False, ["AM515"]), (None, False, [])],
    ids=["gzip-gzip", "gzip-none", "plain-gzip", "plain-unset"],
)
def test_compression_type_matches_the_manifest(
    job: Any, tmp_path: Path, setting: str | None, compressed: bool, expected: list[str]
) -> None:
    request = base_request()
    if setting is not None:
        channel(request)["CompressionType"] = setting
    manifest = gzip.compress(BOXES.encode()) if compressed else BOXES.encode()
    report = augman.validate_job(str(job(request, manifest)), mirrors=[mirror(tmp_path)])
    assert codes(report) == expected


def test_a_gzip_manifest_is_validated_with_the_channels_attribute_names(
    job: Any, tmp_path: Path
) -> None:
    request = base_request()
    channel(request)["CompressionType"] = "Gzip"
    source(request)["AttributeNames"] = ["source-ref", "bounding_box"]
    report = augman.validate_job(
        str(job(request, gzip.compress(BOXES.encode()))), mirrors=[mirror(tmp_path)]
    )
    am201 = [f for f in report.findings if f.code == "AM201"]
    assert [f.line for f in am201] == [1, 2, 3]
    assert am201[0].source == str(tmp_path / "train.manifest")
    assert report.sources[1].lines == 3


def test_manifests_are_read_from_s3(s3: Any, job: Any, tmp_path: Path) -> None:
    s3.create_bucket(Bucket="augman-examples")
    s3.put_object(
        Bucket="augman-examples",
        Key="data/train.manifest",
        Body=BOXES.replace('"s3://', '"s3:/', 1),
    )
    request = base_request(f"{MIRROR}/data/train.manifest")
    report = augman.validate_job(str(job(request)), s3_client=lambda: s3)
    assert [(f.source, f.code, f.line) for f in report.findings] == [
        (f"{MIRROR}/data/train.manifest", "AM302", 1)
    ]


def test_a_missing_s3_manifest_is_a_run_error(s3: Any, job: Any) -> None:
    s3.create_bucket(Bucket="augman-examples")
    with pytest.raises(
        SourceError, match=r"channel train: s3://augman-examples/train\.manifest: no such object"
    ):
        augman.validate_job(str(job(base_request())), s3_client=lambda: s3)


def test_describe_training_job_output_is_accepted(job: Any, tmp_path: Path) -> None:
    request = base_request()
    request.update(
        TrainingJobArn="arn:aws:sagemaker:us-east-1:123456789012:training-job/pets-bbox-1",
        TrainingJobStatus="Completed", SecondaryStatus="Completed",
        CreationTime="2024-03-01T10:00:00.000000+00:00", ModelArtifacts={"S3ModelArtifacts": "s3://b/m"},
        ResponseMetadata={"HTTPStatusCode": 200},
    )  # fmt: skip
    channel(request)["Inputmode"] = "Pipe"  # a real typo is still one
    report = augman.validate_job(str(job(request)), mirrors=[mirror(tmp_path)])
    assert codes(report) == ["AM502"]


def test_request_only(job: Any, tmp_path: Path) -> None:
    request = base_request()
    request["HyperParameters"]["num_classes"] = "1"
    report = augman.validate_job(str(job(request)), manifests=False)
    assert report.findings == ()
    assert [s.source for s in report.sources] == [str(tmp_path / "request.json")]


def test_shape_rules_come_from_botocores_model(job: Any, tmp_path: Path) -> None:
    request = base_request()
    request["InputDataConfig"] = [dict(channel(request), ChannelName=f"c{i}") for i in range(21)]
    source(request)["AttributeNames"] = ["source-ref", "x" * 257]
    request["ResourceConfig"]["InstanceType"] = "ml.p3.2xlarg"
    del request["RoleArn"]
    report = augman.validate_job(str(job(request)), manifests=False)
    messages = {f.json_path: f.message for f in report.findings if f.code.startswith("AM50")}
    assert "has 21 items; the API allows 1 to 20" in messages["$.InputDataConfig"]
    assert (
        "257 characters"
        in messages["$.InputDataConfig[0].DataSource.S3DataSource.AttributeNames[1]"]
    )
    assert "did you mean 'ml.p3.2xlarge'?" in messages["$.ResourceConfig.InstanceType"]
    assert "RoleArn is required" in messages["$"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{\n  "TrainingJobName": "x",\n}\n', ":3:1: the request is not valid JSON"),
        ("[1]\n", "not an object"),
    ],
    ids=["invalid-json", "not-an-object"],
)
def test_a_request_that_is_not_one_is_a_run_error(
    run_augman: Any, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "request.json"
    path.write_text(text)
    result = run_augman("validate", "--job", path)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert b"Traceback" not in result.stderr


def test_job_and_manifests_do_not_mix(cli: Any, job: Any) -> None:
    result = cli("validate", "x.manifest", "--job", job(base_request()))
    assert result.exit_code == 2
    assert "--job takes the manifests" in result.stderr


def test_mirror_needs_job(cli: Any, tmp_path: Path) -> None:
    result = cli("validate", "x.manifest", "--mirror", mirror(tmp_path))
    assert result.exit_code == 2
    assert "--mirror needs --check-refs or --job" in result.stderr


def test_every_request_rule_has_a_request_example() -> None:
    from augman.checking.rules import RULES

    assert sorted(p.stem for p in (JOBS / "invalid").glob("AM5*.json")) == sorted(
        code for code in RULES if code.startswith("AM5")
    )


def algorithm_request(
    image: str, attrs: list[str], content_type: str, **hyper: str
) -> dict[str, Any]:
    request = base_request()
    request["AlgorithmSpecification"]["TrainingImage"] = (
        f"811284229777.dkr.ecr.us-east-1.amazonaws.com/{image}:1"
    )
    request["HyperParameters"] = hyper
    source(request)["AttributeNames"] = attrs
    channel(request)["ContentType"] = content_type
    return request


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [("application/x-recordio; label-format=class-id", []), ("application/x-recordio", ["AM521"])],
    ids=["class-id", "multi-hot"],
)
def test_ground_truth_multi_label_needs_the_class_id_label_format(
    job: Any, tmp_path: Path, content_type: str, expected: list[str]
) -> None:
    manifest = (DATA / "stats" / "multi-label.manifest").read_text()
    request = algorithm_request(
        "image-classification", ["source-ref", "scene"], content_type,
        num_classes="4", num_training_samples="7", multi_label="1",
    )  # fmt: skip
    report = augman.validate_job(str(job(request, manifest)), mirrors=[mirror(tmp_path)])
    assert [c for c in codes(report) if c.startswith("AM5")] == expected
    if expected:
        assert "label-format=class-id" in report.findings[0].message


@pytest.mark.parametrize(
    ("attrs", "expected"),
    [(["source-ref", "city-streets-ref"], []), (["city-streets-ref", "source-ref"], ["AM522"])],
    ids=["image-first", "label-first"],
)
def test_semantic_segmentation_reads_the_image_first(
    job: Any, tmp_path: Path, attrs: list[str], expected: list[str]
) -> None:
    manifest = (DATA / "stats" / "segmentation.manifest").read_text()
    request = algorithm_request(
        "semantic-segmentation", attrs, "application/x-recordio",
        num_classes="4", num_training_samples="4",
    )  # fmt: skip
    report = augman.validate_job(str(job(request, manifest)), mirrors=[mirror(tmp_path)])
    assert [c for c in codes(report) if c.startswith("AM5")] == expected


@pytest.mark.parametrize(
    ("image", "label_type", "expected"),
    [
        ("object-detection", "groundtruth/object-detection", []),
        ("object-detection", "groundtruth/object_detection", []),  # the registry's other spelling
        ("image-classification", "groundtruth/label-verification", []),
        ("object-detection", "groundtruth/image-classification", ["AM523"]),
        ("object-detection", "groundtruth/text-classification", ["AM523"]),  # BlazingText's
        ("object-detection", "groundtruth/text-classification-multilabel", ["AM523"]),
        ("object-detection", "groundtruth/object-detection-custom", ["AM523"]),  # unknown type
        ("object-detection", "groundtruth/video-object-tracking", ["AM524"]),
        ("object-detection", "groundtruth/point_cloud_object_detection", ["AM524"]),
        ("semantic-segmentation", "groundtruth/point_cloud_single_frame_semantic_segmentation",
         ["AM524"]),
        ("object-detection", "groundtruth/text-span", ["AM524"]),  # no built-in algorithm does NER
    ],
)  # fmt: skip
def test_the_label_types_an_algorithm_trains_on_are_the_registrys(
    job: Any, tmp_path: Path, image: str, label_type: str, expected: list[str]
) -> None:
    manifest = BOXES.replace('"type": "groundtruth/object-detection"', f'"type": "{label_type}"')
    request = algorithm_request(
        image, ["source-ref", "bounding-box"], "application/x-recordio",
        num_classes="2", num_training_samples="3",
    )  # fmt: skip
    report = augman.validate_job(str(job(request, manifest)), mirrors=[mirror(tmp_path)])
    found = [f for f in report.findings if f.code in ("AM523", "AM524")]
    assert [f.code for f in found] == expected
    if expected == ["AM523"]:
        assert f"{image} trains on groundtruth/" in found[0].message
    if expected == ["AM524"]:
        assert f"no built-in algorithm, {image} included, trains on it" in found[0].message


def test_an_image_that_is_not_built_in_gets_no_algorithm_rules(job: Any, tmp_path: Path) -> None:
    request = algorithm_request("my-own-trainer", ["bounding-box"], "text/plain")
    channel(request)["RecordWrapperType"] = "None"
    report = augman.validate_job(str(job(request)), mirrors=[mirror(tmp_path)])
    assert codes(report) == []


@pytest.mark.s3server
def test_the_cli_reads_request_and_manifest_over_http(
    server_s3: Any, moto_server: str, run_augman: Any, tmp_path: Path
) -> None:
    request = base_request(f"{MIRROR}/data/train.manifest")
    request["HyperParameters"]["num_training_samples"] = "30"
    server_s3.create_bucket(Bucket="augman-examples")
    server_s3.put_object(
        Bucket="augman-examples", Key="data/train.manifest", Body=gzip.compress(BOXES.encode())
    )
    server_s3.put_object(
        Bucket="augman-examples", Key="jobs/request.json", Body=json.dumps(request, indent=2)
    )
    result = run_augman(
        "validate", "--job", f"{MIRROR}/jobs/request.json", "--endpoint-url", moto_server, "-q"
    )
    out = result.stdout.decode().splitlines()
    assert result.returncode == 1, result.stderr
    assert out[0].startswith(f"{MIRROR}/jobs/request.json:10:5: AM532 warning:")
    assert out[1].startswith(f"{MIRROR}/jobs/request.json:") and "AM515" in out[1]


def test_without_a_built_in_algorithm_the_manifest_is_only_scanned(
    job: Any, tmp_path: Path
) -> None:
    request = algorithm_request("my-own-trainer", ["source-ref", "bounding_box"], "text/plain")
    report = augman.validate_job(str(job(request)), mirrors=[mirror(tmp_path)])
    assert codes(report) == ["AM540", "AM201", "AM201", "AM201"]
    assert "did you mean 'bounding-box'?" in report.findings[0].message
    assert [(s.lines, s.bytes) for s in report.sources[1:]] == [(3, len(BOXES))]


def test_an_https_manifest_url_is_noted_and_not_read(job: Any) -> None:
    request = base_request("https://augman-examples.s3.amazonaws.com/train.manifest")
    report = augman.validate_job(str(job(request)))
    assert [(f.code, f.severity.value) for f in report.findings] == [("AM516", "note")]
    assert not report.failed()


def test_every_channels_class_ids_must_fit_num_classes(job: Any, tmp_path: Path) -> None:
    request = base_request()
    validation = json.loads(json.dumps(channel(request)))
    validation["ChannelName"] = "validation"
    validation["DataSource"]["S3DataSource"]["S3Uri"] = f"{MIRROR}/validation.manifest"
    request["InputDataConfig"].append(validation)
    lines = BOXES.splitlines()
    (tmp_path / "validation.manifest").write_text(
        lines[0].replace('"class_id": 0', '"class_id": 4') + "\n"
    )
    report = augman.validate_job(str(job(request)), mirrors=[mirror(tmp_path)])
    assert [(f.code, f.message.split(": ", 1)[1]) for f in report.findings] == [
        (
            "AM530",
            "num_classes is 2; channel validation's manifest uses class id 4 (num_classes >= 5)",
        ),
        # the manifest's own Ground Truth check runs under --job too
        ("AM405", "class id 4 is not a key of the class-map (bounding box (object detection))"),
    ]


def test_watch_is_entered_around_each_manifest(job: Any, tmp_path: Path) -> None:
    import contextlib

    seen: list[str] = []

    @contextlib.contextmanager
    def watch(source: Any) -> Any:
        seen.append(source.name)
        yield

    augman.validate_job(str(job(base_request())), mirrors=[mirror(tmp_path)], watch=watch)
    assert seen == [str(tmp_path / "train.manifest")]


@pytest.mark.parametrize(("value", "expected"), [("1", []), ("0", ["AM535"]), (None, ["AM535"])])
def test_ground_truth_multi_label_needs_multi_label_1(
    job: Any, tmp_path: Path, value: str | None, expected: list[str]
) -> None:
    manifest = (DATA / "stats" / "multi-label.manifest").read_text()
    hyper = {"num_classes": "4", "num_training_samples": "7"}
    if value is not None:
        hyper["multi_label"] = value
    request = algorithm_request(
        "image-classification", ["source-ref", "scene"],
        "application/x-recordio; label-format=class-id", **hyper,
    )  # fmt: skip
    report = augman.validate_job(str(job(request, manifest)), mirrors=[mirror(tmp_path)])
    assert [c for c in codes(report) if c.startswith("AM5")] == expected


def test_check_refs_under_job_checks_every_channels_objects(
    cli: Any, job: Any, tmp_path: Path
) -> None:
    (tmp_path / "images").mkdir()
    for name in ("0.jpg", "1.jpg"):  # 2.jpg, on line 3, is missing
        (tmp_path / "images" / name).write_bytes(b"\xff\xd8\xff")
    path = job(base_request())
    result = cli("validate", "--job", path, "--mirror", mirror(tmp_path), "--check-refs")
    assert result.exit_code == 1, result.stderr
    assert "train.manifest:3:" in result.stdout and "AM307" in result.stdout
    report = augman.validate_job(str(path), mirrors=[mirror(tmp_path)], check_refs="selected")
    assert [(f.code, f.line) for f in report.findings] == [("AM307", 3)]
    assert report.extra["refs"]["distinct"] == 3


def test_no_gt_under_job_leaves_the_labels_unchecked(job: Any, tmp_path: Path) -> None:
    bad = BOXES.replace('"class_id": 0', '"class_id": 7')
    path = job(base_request(), bad)
    checked = augman.validate_job(str(path), mirrors=[mirror(tmp_path)])
    assert "AM405" in codes(checked)
    unchecked = augman.validate_job(str(path), mirrors=[mirror(tmp_path)], groundtruth=False)
    assert "AM405" not in codes(unchecked)


def test_the_line_limit_holds_for_a_jobs_manifests(cli: Any, job: Any, tmp_path: Path) -> None:
    path = job(base_request())
    result = cli(
        "validate", "--job", path, "--mirror", mirror(tmp_path), "--max-line-bytes", "100", "-q"
    )
    assert result.exit_code == 1
    assert [line.split(" ")[1] for line in result.stdout.splitlines() if "AM115" in line] == [
        "AM115"
    ] * len(BOXES.splitlines())


def test_check_refs_under_job_knows_the_jobs_region(job: Any, tmp_path: Path, s3: Any) -> None:
    s3.create_bucket(
        Bucket="eu-images", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    s3.put_object(Bucket="eu-images", Key="0.jpg", Body=b"\xff\xd8\xff")
    manifest = BOXES.splitlines()[0].replace("s3://augman-examples/images/", "s3://eu-images/")
    path = job(base_request(), manifest + "\n")  # the image says us-east-1
    report = augman.validate_job(
        str(path), mirrors=[mirror(tmp_path)], check_refs="all", s3_client=lambda: s3
    )
    assert [(f.code, f.line) for f in report.findings if f.code.startswith("AM3")] == [("AM310", 1)]
    assert "eu-west-1" in next(f.message for f in report.findings if f.code == "AM310")
