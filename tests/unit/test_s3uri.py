from __future__ import annotations

import pytest

from augman.inputs.s3uri import S3Uri, S3UriError

VALID = [
    ("s3://my-bucket/k.jpg", "my-bucket", "k.jpg"),
    ("s3://b.c.d/a/b/c", "b.c.d", "a/b/c"),
    ("s3://abc/key with spaces.jpg", "abc", "key with spaces.jpg"),
    ("s3://abc/a%20b+c?d#e", "abc", "a%20b+c?d#e"),
    ("s3://abc/caf\u00e9/\u732b.png", "abc", "caf\u00e9/\u732b.png"),
    ("s3://abc//double-slash", "abc", "/double-slash"),
]


@pytest.mark.parametrize(("text", "bucket", "key"), VALID, ids=[v[0] for v in VALID])
def test_valid_uris_parse_keys_literally(text: str, bucket: str, key: str) -> None:
    uri = S3Uri.parse(text)
    assert (uri.bucket, uri.key) == (bucket, key)
    assert str(uri) == text


INVALID = [
    ("S3://abc/k", "AM302", "lower-case"),
    ("s3:/abc/k", "AM302", "s3://bucket/key"),
    ("https://abc.s3.amazonaws.com/k", "AM302", "HTTP(S)"),
    ("abc/k", "AM302", "not an S3 URI"),
    ("s3:///k", "AM302", "no bucket"),
    ("s3://ab/k", "AM303", "3 to 63"),
    ("s3://" + "a" * 64 + "/k", "AM303", "3 to 63"),
    ("s3://My_Bucket/k", "AM303", "a-z"),
    ("s3://-abc/k", "AM303", "start and end"),
    ("s3://a..b/k", "AM303", "adjacent periods"),
    ("s3://192.168.1.1/k", "AM303", "IP address"),
    ("s3://xn--abc/k", "AM303", "reserved"),
    ("s3://abc", "AM304", "no object key"),
    ("s3://abc/", "AM304", "no object key"),
    ("s3://abc/folder/", "AM305", "folder"),
    ("s3://abc/" + "k" * 1020, "AM306", "1024"),
]


@pytest.mark.parametrize(("text", "code", "words"), INVALID, ids=[v[0][:30] for v in INVALID])
def test_invalid_uris_say_which_rule_and_why(text: str, code: str, words: str) -> None:
    with pytest.raises(S3UriError) as info:
        S3Uri.parse(text)
    assert info.value.code == code
    assert words in str(info.value)


def test_uri_of_exactly_1024_characters_is_valid() -> None:
    text = "s3://abc/" + "k" * (1024 - len("s3://abc/"))
    assert len(text) == 1024
    assert S3Uri.parse(text).bucket == "abc"
