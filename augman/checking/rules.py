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
    Rule("AM115", "line-too-long", E, "The line is longer than the line limit (64 MiB by default).",
         "Split the record or move its data into an S3 object (a -ref); --max-line-bytes N raises the limit.",
         '{"source-ref": "s3://b/k.jpg", "pixels": [0, 0, 0, ...a million values...]}',
         '{"source-ref": "s3://b/k.jpg", "pixels-ref": "s3://b/k.pixels"}'),
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
)  # fmt: skip

RULES: dict[str, Rule] = {rule.code: rule for rule in _TABLE}


def register(rule: Rule) -> Rule:
    """Add a rule to the table (used by modules that bring their own checks)."""
    if rule.code in RULES:
        raise ValueError(f"rule {rule.code} is already registered")
    RULES[rule.code] = rule
    return rule
