"""The rule table: every finding augman can report, with a stable code.

Codes never change meaning once released. ``augman rules`` prints this table and
``augman rules CODE`` one entry with a bad and a good example.
"""

from __future__ import annotations

from dataclasses import dataclass

from augman.checking.findings import Severity

E, W = Severity.error, Severity.warning


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
    # AM307-AM317: the objects, with --check-refs (augman/refcheck)
    Rule("AM307", "ref-object-missing", E, "The -ref object does not exist (S3 answered 404, or the --mirror folder has no such file).",
         "Check the key (keys are case-sensitive) or upload the object; a missing object fails or silently shortens training.",
         '{"source-ref": "s3://my-bucket/images/missing.jpg"}', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM308", "ref-access-denied", E, "Reading the -ref object was denied (403).",
         "Grant s3:GetObject on the objects; without s3:ListBucket on the bucket, S3 answers 403 for a missing object too.",
         '{"source-ref": "s3://my-bucket/private/1.jpg"}', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM309", "ref-bucket-missing", E, "The -ref names a bucket that does not exist.",
         "Check the bucket name; bucket names are global and case-sensitive.",
         '{"source-ref": "s3://no-such-bucket-x/1.jpg"}', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM310", "ref-bucket-region", E, "The bucket is in another region than the training job (--region).",
         "SageMaker reads training data from the job's region: copy the objects to a bucket there, or run the job in the bucket's region.",
         '{"source-ref": "s3://bucket-in-eu-west-1/1.jpg"}  (--region us-east-1)', '{"source-ref": "s3://bucket-in-us-east-1/1.jpg"}'),
    Rule("AM311", "ref-empty-object", W, "The -ref object is empty (0 bytes).",
         "An empty object streams an empty record; re-upload the object or drop the line.",
         '{"source-ref": "s3://my-bucket/images/empty.jpg"}  (0 bytes)', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM312", "ref-object-too-large", E, "The -ref object is 2^29 bytes (512 MiB) or more: larger than one RecordIO record.",
         "RecordIO lengths have 29 bits, so the object is split into several records that built-in algorithms do not join; store it smaller.",
         '{"source-ref": "s3://my-bucket/huge.bin"}  (600 MB)', '{"source-ref": "s3://my-bucket/images/1.jpg"}',
         ("source-ref",)),
    Rule("AM313", "ref-unreadable", E, "The -ref object could not be checked: S3 or the --mirror folder answered with another error.",
         "Read the reason in the message; retry later for a passing S3 error.",
         '{"source-ref": "s3://my-bucket/../../etc/passwd"}  (--mirror s3://my-bucket=DIR)', '{"source-ref": "s3://my-bucket/images/1.jpg"}'),
    Rule("AM314", "ref-not-an-image", E, "With --check-refs=content: the object is not an image, or a damaged or truncated one.",
         "Built-in image algorithms skip images they cannot decode; replace the object or drop the line.",
         '{"source-ref": "s3://my-bucket/images/1.jpg"}  (a text file)', '{"source-ref": "s3://my-bucket/images/1.jpg"}  (a JPEG)'),
    Rule("AM315", "ref-image-format", W, "With --check-refs=content: the image is in a format the algorithm does not read.",
         "Built-in image algorithms read JPEG and PNG, and segmentation labels must be PNG; convert the image.",
         '{"source-ref": "s3://my-bucket/images/1.gif"}  (a GIF)', '{"source-ref": "s3://my-bucket/images/1.jpg"}  (a JPEG)'),
    Rule("AM316", "ref-image-size-mismatch", E, "With --check-refs=content: the image's width and height differ from the label's image_size.",
         "The boxes were drawn on another version of the image; re-label it, or point the -ref at the labelled image.",
         '{"source-ref": "s3://b/1.jpg", "boxes": {"image_size": [{"width": 800, "height": 600, "depth": 3}], "annotations": []}}  (a 640x480 JPEG)',
         '{"source-ref": "s3://b/1.jpg", "boxes": {"image_size": [{"width": 640, "height": 480, "depth": 3}], "annotations": []}}'),
    Rule("AM317", "ref-label-size-mismatch", E, "With --check-refs=content: a semantic segmentation label PNG is not the size of its image.",
         "The label mask must have the image's width and height; re-export the label.",
         '{"source-ref": "s3://b/1.jpg", "mask-ref": "s3://b/1.png", "mask-ref-metadata": {"type": "groundtruth/semantic-segmentation"}}  (640x480 and 320x240)',
         '{"source-ref": "s3://b/1.jpg", "mask-ref": "s3://b/1.png", "mask-ref-metadata": {"type": "groundtruth/semantic-segmentation"}}  (both 640x480)'),
    # AM4xx: Ground Truth labels (checked against their -metadata.type) and user schemas
    Rule("AM401", "gt-label-schema", E,
         "A Ground Truth label does not match the schema of its -metadata type.",
         "Fix the label value as the message says; augman/schemas/groundtruth-<task>.json is the schema.",
         '{"box": {"annotations": []}, "box-metadata": {"type": "groundtruth/object-detection"}}',
         '{"box": {"image_size": [{"width": 640, "height": 480}], "annotations": []}, "box-metadata": {"type": "groundtruth/object-detection"}}'),
    Rule("AM402", "gt-metadata-schema", E,
         "A Ground Truth label's -metadata does not match the schema of its type.",
         "Fix the metadata as the message says; only `type` is required, other elements are checked when present.",
         '{"class": 0, "class-metadata": {"type": "groundtruth/image-classification", "human-annotated": "maybe"}}',
         '{"class": 0, "class-metadata": {"type": "groundtruth/image-classification", "human-annotated": "yes"}}'),
    Rule("AM403", "gt-unknown-type", W,
         "A -metadata type starts with groundtruth/ but names no task type augman knows.",
         "Check the spelling of the type (augman rules lists none; see the Ground Truth output docs); the label is not checked.",
         '{"class": 0, "class-metadata": {"type": "groundtruth/image-clasification"}}',
         '{"class": 0, "class-metadata": {"type": "groundtruth/image-classification"}}'),
    Rule("AM404", "gt-metadata-without-label", E,
         "A Ground Truth L-metadata key has no label attribute L on the line.",
         "Keep each label next to its metadata (L and L-metadata); a job that failed on this object wrote no label.",
         '{"source-ref": "s3://b/k.jpg", "class-metadata": {"type": "groundtruth/image-classification"}}',
         '{"source-ref": "s3://b/k.jpg", "class": 0, "class-metadata": {"type": "groundtruth/image-classification"}}'),
    Rule("AM405", "gt-class-not-in-map", E,
         "A class id (or entity label) of a label is not a key of its class-map (or labels list).",
         "Every class id must name a class: add it to the class-map, or fix the id.",
         '{"c": [3], "c-metadata": {"type": "groundtruth/image-classification-multilabel", "class-map": {"0": "cat"}}}',
         '{"c": [0], "c-metadata": {"type": "groundtruth/image-classification-multilabel", "class-map": {"0": "cat"}}}'),
    Rule("AM406", "gt-objects-mismatch", E,
         "The metadata's objects (or entities) do not give one entry per box (or span).",
         "Ground Truth writes one objects entry, with its confidence, per annotation, in the same order.",
         '{"box": {"image_size": [...], "annotations": [box, box]}, "box-metadata": {"objects": [{"confidence": 0.9}], ...}}',
         '{"box": {"image_size": [...], "annotations": [box, box]}, "box-metadata": {"objects": [{"confidence": 0.9}, {"confidence": 0.8}], ...}}'),
    Rule("AM407", "gt-box-outside-image", E,
         "A bounding box is not inside its image_size.",
         "left and top are at least 0, left + width and top + height at most the image's width and height.",
         '"annotations": [{"class_id": 0, "left": 600, "top": 10, "width": 100, "height": 50}] (a 640x480 image)',
         '"annotations": [{"class_id": 0, "left": 500, "top": 10, "width": 100, "height": 50}]'),
    Rule("AM408", "gt-confidence-range", E,
         "A confidence is not between 0 and 1.",
         "Ground Truth confidences are scores in [0, 1]; rescale them (e.g. percentages / 100).",
         '{"class-metadata": {"type": "groundtruth/image-classification", "confidence": 87}}',
         '{"class-metadata": {"type": "groundtruth/image-classification", "confidence": 0.87}}'),
    Rule("AM409", "gt-label-not-ref", E,
         "A label that holds an S3 URI (segmentation, video, 3D) is in an attribute not ending in -ref.",
         "Name the label attribute L-ref (and its metadata L-ref-metadata): SageMaker streams only -ref values as objects.",
         '{"mask": "s3://b/mask.png", "mask-metadata": {"type": "groundtruth/semantic-segmentation"}}',
         '{"mask-ref": "s3://b/mask.png", "mask-ref-metadata": {"type": "groundtruth/semantic-segmentation"}}'),
    Rule("AM410", "gt-empty-annotations", W,
         "A bounding box or cuboid label has no annotations.",
         "An image with nothing labelled teaches the detector little; drop such lines if they are mistakes.",
         '{"box": {"image_size": [{"width": 640, "height": 480}], "annotations": []}, ...}',
         '{"box": {"image_size": [{"width": 640, "height": 480}], "annotations": [{...}]}, ...}'),
    Rule("AM411", "gt-empty-class-map", W,
         "A label has class ids but its class-map is empty.",
         "The class ids name no class; add the classes to class-map.",
         '{"c": [0], "c-metadata": {"type": "groundtruth/image-classification-multilabel", "class-map": {}}}',
         '{"c": [0], "c-metadata": {"type": "groundtruth/image-classification-multilabel", "class-map": {"0": "cat"}}}'),
    Rule("AM412", "gt-line-too-long", W,
         "A Ground Truth line (inline source text, or a label) is over the 100,000 characters Ground Truth reads a line.",
         "Only matters if this manifest feeds a labeling job; move large values into S3 objects.",
         '{"source": "...(120,000 characters)"}', '{"source-ref": "s3://b/doc.txt"}'),
    Rule("AM413", "gt-attribute-too-long", W,
         "A Ground Truth line's attribute is over the 20,000 characters Ground Truth reads an attribute.",
         "Only matters if this manifest feeds a labeling job; put long text in an S3 object and use source-ref.",
         '{"source": "...(25,000 characters)"}', '{"source-ref": "s3://b/doc.txt"}'),
    Rule("AM440", "schema-violation", E, "The line does not satisfy the --schema JSON Schema.",
         "The message gives the JSON path inside the line and what the schema wants there.",
         '{"source-ref": "s3://b/k.jpg"}  (with a schema that requires "class")',
         '{"source-ref": "s3://b/k.jpg", "class": 1}'),
    Rule("AM441", "attr-schema-violation", E,
         "An attribute's value does not satisfy its --attr-schema JSON Schema.",
         "The message gives the JSON path inside the line and what the schema wants there.",
         '{"class": "one"}  (with --attr-schema class=integer.json)', '{"class": 1}'),
)  # fmt: skip

RULES: dict[str, Rule] = {rule.code: rule for rule in _TABLE}


def register(rule: Rule) -> Rule:
    """Add a rule to the table (used by modules that bring their own checks)."""
    if rule.code in RULES:
        raise ValueError(f"rule {rule.code} is already registered")
    RULES[rule.code] = rule
    return rule
