"""The rule table: every finding augman can report, with a stable code.

Codes never change meaning once released. ``augman rules`` prints this table and
``augman rules CODE`` one entry with a bad and a good example.
"""

from __future__ import annotations

from dataclasses import dataclass

from augman.checking.findings import Severity

E, W, N = Severity.error, Severity.warning, Severity.note


@dataclass(frozen=True)
class Rule:
    """One check: its code, short name, default severity, and documentation."""

    code: str
    name: str
    severity: Severity
    summary: str
    hint: str
    bad: str
    good: str
    attrs: tuple[str, ...] = ()


_TABLE = (
    # AM1xx: the line as JSON
    Rule("AM101", "invalid-json", E, "The line is not valid JSON.",
         "Fix the JSON at the reported column; each line must be one complete JSON object.",
         '{"source-ref": "s3://b/k.jpg", "class": 1,}', '{"source-ref": "s3://b/k.jpg", "class": 1}'),
    Rule("AM102", "not-an-object", E, "The line is valid JSON but not a JSON object.",
         "Each line of an augmented manifest must be a JSON object: {...}.",
         '["s3://b/k.jpg", 1]', '{"source-ref": "s3://b/k.jpg", "class": 1}'),
    Rule("AM103", "blank-line", E, "The line is empty or only whitespace.",
         "Remove blank lines; every line must hold one JSON object.",
         "", '{"source-ref": "s3://b/k.jpg"}'),
    Rule("AM104", "invalid-utf8", E, "The line is not valid UTF-8.",
         "Re-encode the manifest as UTF-8 (e.g. iconv -f latin1 -t utf-8).",
         '{"source": "caf\\xe9"}  (a raw 0xE9 byte)', '{"source": "caf\u00e9"}'),
    Rule("AM105", "byte-order-mark", E, "The file starts with a UTF-8 byte order mark.",
         "Save the file as UTF-8 without BOM; JSON parsers reject the BOM.",
         '\\xEF\\xBB\\xBF{"source-ref": "s3://b/k.jpg"}', '{"source-ref": "s3://b/k.jpg"}'),
    Rule("AM106", "lone-surrogate", E,
         "A string holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff).",
         "Write the character itself, or a complete surrogate pair.",
         '{"source": "\\ud83d"}', '{"source": "\\ud83d\\ude00"}'),
    Rule("AM107", "nan-or-infinity", E, "NaN or Infinity is not valid JSON.",
         "Write null or a finite number; many writers emit NaN for missing floats.",
         '{"confidence": NaN}', '{"confidence": null}'),
    Rule("AM108", "trailing-content", E, "Something follows the JSON object on the same line.",
         "Put each object on its own line; remove what follows the closing brace.",
         '{"a": 1} {"a": 2}', '{"a": 1}'),
    Rule("AM109", "truncated-line", E,
         "The last line is incomplete JSON and has no newline: the file was cut off.",
         "Re-create or re-download the manifest; the upload or write was interrupted.",
         '{"source-ref": "s3://b/k', '{"source-ref": "s3://b/k.jpg"}'),
    Rule("AM110", "missing-final-newline", W, "The last line does not end with a newline.",
         "End the file with a newline so that tools that join files do not merge lines.",
         '{"a": 1}<EOF>', '{"a": 1}\\n<EOF>'),
    Rule("AM111", "too-deep", E, "The JSON nests deeper than parsers accept.",
         "Flatten the value; parsers give up beyond about 1,000 levels.",
         '{"a": [[[[...1,000 levels...]]]]}', '{"a": [1, 2]}'),
    Rule("AM112", "duplicate-key", E,
         "A top-level key appears twice; SageMaker may use either value.",
         "Keep one occurrence of the key (an error when the values differ, else a warning).",
         '{"class": 1, "class": 2}', '{"class": 1}'),
    Rule("AM113", "crlf-line-endings", W, "Lines end with CRLF (\\r\\n) instead of LF.",
         "Convert to LF line endings (dos2unix); the \\r is not part of JSON Lines.",
         '{"a": 1}\\r\\n', '{"a": 1}\\n'),
    Rule("AM114", "empty-manifest", E, "The manifest has no lines at all.",
         "An empty manifest streams nothing; SageMaker fails with 'Got empty batch from pipe'.",
         "<an empty file>", '{"source-ref": "s3://b/k.jpg"}'),
    # AM2xx: attributes
    Rule("AM201", "missing-attribute", E, "A name in AttributeNames is not a key of the line.",
         "Names are case-sensitive top-level keys; fix the key or --attrs / AttributeNames.",
         '{"source-ref": "s3://b/k.jpg", "Class": 1}', '{"source-ref": "s3://b/k.jpg", "class": 1}',
         ("source-ref", "class")),
    Rule("AM202", "attribute-order", W,
         "The line's keys appear in another relative order than AttributeNames.",
         "SageMaker sends attributes in AttributeNames order; write keys in that order too.",
         '{"class": 1, "source-ref": "s3://b/k.jpg"}', '{"source-ref": "s3://b/k.jpg", "class": 1}',
         ("source-ref", "class")),
    Rule("AM203", "attribute-mostly-present", W,
         "An attribute that nearly every line has is missing on a few lines.",
         "Add the attribute to those lines, or drop them (augman select --where).",
         '{"source-ref": "s3://b/1.jpg"}\\n{"source": "text"}  (x10, source-ref on 9 of 10)',
         '{"source-ref": "s3://b/1.jpg"}\\n{"source-ref": "s3://b/2.jpg"}'),
    Rule("AM204", "empty-value", W, "A selected attribute is null or empty.",
         "SageMaker sends the value as it is; an empty or null value is rarely what the algorithm expects.",
         '{"source-ref": "s3://b/k.jpg", "class": null}', '{"source-ref": "s3://b/k.jpg", "class": 1}',
         ("source-ref", "class")),
    # AM3xx: -ref values
    Rule("AM301", "ref-not-string", E, "A -ref attribute's value is not a string.",
         "A key ending in -ref must hold an S3 URI string such as \"s3://bucket/key\".",
         '{"source-ref": 42}', '{"source-ref": "s3://b/k.jpg"}'),
    Rule("AM302", "ref-not-s3-uri", E, "A -ref attribute's value is not an s3://bucket/key URI.",
         "Write s3://bucket/key with a lower-case s3:// scheme; https:// URLs are not accepted.",
         '{"source-ref": "s3:/my-bucket/k.jpg"}', '{"source-ref": "s3://my-bucket/k.jpg"}'),
    Rule("AM303", "invalid-bucket-name", E, "The bucket name breaks the S3 bucket naming rules.",
         "Bucket names are 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit.",
         '{"source-ref": "s3://My_Bucket/k.jpg"}', '{"source-ref": "s3://my-bucket/k.jpg"}'),
    Rule("AM304", "empty-key", E, "The S3 URI names a bucket but no object key.",
         "Point the -ref at one object: s3://bucket/path/to/object.",
         '{"source-ref": "s3://my-bucket/"}', '{"source-ref": "s3://my-bucket/k.jpg"}'),
    Rule("AM305", "folder-key", E, "The S3 key ends in '/': it names a folder, not an object.",
         "Point the -ref at one object, not a prefix.",
         '{"source-ref": "s3://my-bucket/images/"}', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM306", "uri-too-long", E, "The S3 URI is longer than 1024 characters, or its key longer than 1024 bytes.",
         "S3 keys are at most 1024 bytes; shorten the key.",
         '{"source-ref": "s3://my-bucket/aaaa...(1100 characters)"}', '{"source-ref": "s3://my-bucket/k.jpg"}'),
    # AM5xx: the training job request (augman validate --job)
    Rule("AM501", "request-missing-member", E, "The request lacks a member that CreateTrainingJob requires.",
         "Add it; botocore's service model for CreateTrainingJob says which members each structure requires.",
         '{"InputDataConfig": [{"DataSource": {...}}]}  (no ChannelName)',
         '{"InputDataConfig": [{"ChannelName": "train", "DataSource": {...}}]}'),
    Rule("AM502", "request-unknown-member", E, "The request has a member CreateTrainingJob does not take.",
         "Member names are case-sensitive; boto3 and the AWS CLI refuse unknown members.",
         '{"ChannelName": "train", "Inputmode": "Pipe"}', '{"ChannelName": "train", "InputMode": "Pipe"}'),
    Rule("AM503", "request-wrong-type", E, "A request value has the wrong JSON type.",
         "Write the type the API takes: strings in quotes, numbers without, lists in [].",
         '"ResourceConfig": {"InstanceCount": "1"}', '"ResourceConfig": {"InstanceCount": 1}'),
    Rule("AM504", "request-not-in-enum", E, "A request value is not one of the values the API allows.",
         "Use one of the listed values; they are case-sensitive.",
         '"InputMode": "pipe"', '"InputMode": "Pipe"'),
    Rule("AM505", "request-length", E,
         "A request string, list or map is shorter or longer than the API allows.",
         "At most 20 channels, 16 AttributeNames of 1-256 characters, an S3Uri of up to 1024 characters.",
         '"AttributeNames": []', '"AttributeNames": ["source-ref", "class"]'),
    Rule("AM506", "request-out-of-range", E, "A request number is outside the range the API allows.",
         "Use a number within the range named in the message.",
         '"InstanceCount": 0', '"InstanceCount": 1'),
    Rule("AM507", "request-pattern", E, "A request string does not match the pattern the API requires.",
         "ChannelName, for example, is 1-64 letters, digits, '.', '-' and '_'.",
         '"ChannelName": "train data"', '"ChannelName": "train-data"'),
    Rule("AM510", "augmented-manifest-fastfile", E,
         "An AugmentedManifestFile channel is in FastFile mode, which does not take augmented manifests.",
         "Set the channel's InputMode (or AlgorithmSpecification.TrainingInputMode) to Pipe.",
         '"S3DataType": "AugmentedManifestFile", ... "InputMode": "FastFile"',
         '"S3DataType": "AugmentedManifestFile", ... "InputMode": "Pipe"'),
    Rule("AM511", "augmented-manifest-file-mode", W,
         "An AugmentedManifestFile channel is in File mode; the API reference supports them in Pipe mode only.",
         "Set the channel's InputMode (or AlgorithmSpecification.TrainingInputMode) to Pipe.",
         '"S3DataType": "AugmentedManifestFile", ... "InputMode": "File"',
         '"S3DataType": "AugmentedManifestFile", ... "InputMode": "Pipe"'),
    Rule("AM512", "sharded-augmented-manifest", W,
         "ShardedByS3Key on an augmented manifest, which is one S3 object: how its lines are split is undocumented.",
         "Use FullyReplicated unless each instance should get a part of the lines; `augman stream --shard K/N` emulates a split.",
         '"S3DataDistributionType": "ShardedByS3Key"', '"S3DataDistributionType": "FullyReplicated"'),
    Rule("AM513", "shuffled-lines", N,
         "ShuffleConfig shuffles the manifest's lines anew at the start of every epoch.",
         "`augman stream --shuffle-seed SEED --epochs N` shows the effect; SageMaker's own order cannot be reproduced.",
         '"ShuffleConfig": {"Seed": 7}', "(no ShuffleConfig: the lines in file order)"),
    Rule("AM514", "pipe-only-setting", W,
         "CompressionType or RecordWrapperType is set on a channel that is not in Pipe mode.",
         "Both apply in Pipe mode only; in File mode leave them unset or None.",
         '"InputMode": "File", "RecordWrapperType": "RecordIO"', '"InputMode": "Pipe", "RecordWrapperType": "RecordIO"'),
    Rule("AM515", "compression-mismatch", E,
         "CompressionType does not match the manifest: Gzip for a plain file, or None for a gzip file.",
         "Set CompressionType to Gzip exactly when the manifest object is gzip-compressed.",
         '"CompressionType": "Gzip"  (train.manifest is plain text)', '"CompressionType": "None"'),
    Rule("AM516", "manifest-uri-not-object", E,
         "An AugmentedManifestFile S3Uri does not name one object as s3://bucket/key.",
         "Point S3Uri at the manifest object itself, not a prefix or folder.",
         '"S3Uri": "s3://bucket/manifests/"', '"S3Uri": "s3://bucket/manifests/train.manifest"'),
    Rule("AM520", "algorithm-needs-recordio", E,
         "The built-in image algorithms need RecordWrapperType RecordIO with an augmented manifest.",
         "Set the channel's RecordWrapperType to RecordIO (image classification, object detection, semantic segmentation).",
         '"RecordWrapperType": "None"', '"RecordWrapperType": "RecordIO"'),
    Rule("AM521", "algorithm-content-type", E,
         "The channel's ContentType is not what the built-in image algorithm expects.",
         "application/x-recordio; for Ground Truth multi-label labels, application/x-recordio; label-format=class-id.",
         '"ContentType": "image/jpeg"', '"ContentType": "application/x-recordio"'),
    Rule("AM522", "algorithm-attribute-order", E,
         "The built-in image algorithms take two attributes: the image first, then the label.",
         "List the image (a -ref attribute) first in AttributeNames, then the label attribute.",
         '"AttributeNames": ["class", "source-ref"]', '"AttributeNames": ["source-ref", "class"]'),
    Rule("AM523", "algorithm-label-type", W,
         "The label attribute's Ground Truth type is not one the built-in algorithm trains on.",
         "Image classification takes class labels, object detection bounding boxes, semantic segmentation masks.",
         'object-detection image with a groundtruth/image-classification label',
         'object-detection image with a groundtruth/object-detection label'),
    Rule("AM524", "label-type-not-trainable", W,
         "No built-in algorithm trains on this Ground Truth type (video frames, 3D point clouds).",
         "Its -ref points to a sequence or point-cloud file; convert the labels, or train with your own container.",
         'groundtruth/video-object-detection label sent to object-detection',
         'groundtruth/object-detection label sent to object-detection'),
    Rule("AM530", "num-classes-too-small", E,
         "num_classes does not cover the highest class id in the manifest (ids count from 0).",
         "Set num_classes to at least the highest class id plus one (`augman stats` prints it).",
         '"num_classes": "2" with class ids 0, 1 and 2', '"num_classes": "3"'),
    Rule("AM531", "num-classes-unused", W,
         "num_classes is larger than the class ids in the manifest need: some classes have no example.",
         "Check that every class is in the data; `augman stats` prints the ids used.",
         '"num_classes": "10" with class ids 0 to 2', '"num_classes": "3"'),
    Rule("AM532", "num-training-samples", W,
         "num_training_samples differs from the number of lines the algorithm gets.",
         "Set it to the number of lines that have every AttributeNames name (`augman stats --attrs` prints it).",
         '"num_training_samples": "1000" for a 12-line manifest', '"num_training_samples": "12"'),
    Rule("AM533", "label-width-too-small", E,
         "label_width (default 350) cannot hold the most boxes on one image: 2 values plus 5 per box.",
         "Raise label_width to at least 2 + 5 x the most boxes on one image (`augman stats` prints it).",
         '"label_width": "10" with 3 boxes on an image', '"label_width": "17"'),
    Rule("AM534", "hyperparameter-not-integer", E,
         "A hyperparameter that must be a whole number is not one.",
         "HyperParameters values are strings that hold the number: \"num_classes\": \"3\".",
         '"num_classes": "three"', '"num_classes": "3"'),
    Rule("AM535", "hyperparameter-missing", E,
         "A hyperparameter the built-in algorithm requires is not given (multi_label 1 for multi-label labels).",
         "Add it to HyperParameters; `augman stats` prints the values the manifest implies.",
         '"HyperParameters": {}', '"HyperParameters": {"num_classes": "3", "num_training_samples": "12"}'),
    Rule("AM540", "attribute-on-no-line", E,
         "A name in AttributeNames is on no line of the manifest: SageMaker fails with 'Got empty batch from pipe'.",
         "Fix the name (case-sensitive); a Ground Truth label attribute is named after its labeling job.",
         '"AttributeNames": ["source-ref", "bbox"]', '"AttributeNames": ["source-ref", "bounding-box"]'),
)  # fmt: skip

RULES: dict[str, Rule] = {rule.code: rule for rule in _TABLE}


def register(rule: Rule) -> Rule:
    """Add a rule to the table (used by modules that bring their own checks)."""
    if rule.code in RULES:
        raise ValueError(f"rule {rule.code} is already registered")
    RULES[rule.code] = rule
    return rule
