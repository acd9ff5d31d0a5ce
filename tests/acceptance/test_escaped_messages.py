"""Data never reaches the terminal raw: stream's messages escape control characters and
shorten very long keys, as validate's and dump's do (one helper, augman.printable)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from augman.printable import printable, quoted, shortened

ESC = "\u001b[2J\u001b]0;owned\u0007"  # clear the screen, set the window title
KEY = "class" + ESC


def _line(**values: Any) -> str:
    return json.dumps(values)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\u001b[31mb", "a\\x1b[31mb"),
        ("tab\tnew\nline\rdel\u007fcsi\u009b", "tab\\tnew\\nline\\rdel\\x7fcsi\\x9b"),
    ],
)
def test_printable_escapes_every_control_character(text: str, shown: str) -> None:
    assert printable(text) == shown


def test_printable_can_keep_line_breaks() -> None:
    assert printable("a\nb\u001b", newlines=True) == "a\nb\\x1b"


def test_shortened_keeps_both_ends_within_the_limit() -> None:
    text = "head-" + "x" * 1000 + "-metadata"
    short = shortened(text)
    assert len(short) == 80 and short.startswith("head-") and short.endswith("-metadata")
    assert "..." in short
    assert shortened("short") == "short"
    assert quoted("a\u001bb") == "'a\\x1bb'"


def _no_raw_controls(text: str) -> None:
    assert "\u001b" not in text and "\u0007" not in text, text


def test_stream_escapes_a_key_in_a_missing_attribute_message(
    write_manifest: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    path = write_manifest(_line(**{KEY: 1}))
    result = cli("stream", path, "--attrs", "class", "-o", "-")
    assert result.exit_code == 1
    _no_raw_controls(result.stderr)
    assert "did you mean 'class\\x1b[2J\\x1b]0;owned\\x07'?" in result.stderr


def test_stream_escapes_a_uri_in_a_fetch_error(
    tmp_path: Path, write_manifest: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    path = write_manifest(_line(**{"source-ref": f"s3://bucket-a/k{ESC}.jpg"}))
    result = cli("stream", path, "--attrs", "source-ref", "--mirror", f"s3://bucket-a={tmp_path}")
    assert result.exit_code == 1
    _no_raw_controls(result.stderr)
    assert "s3://bucket-a/k\\x1b[2J\\x1b]0;owned\\x07.jpg" in result.stderr


def test_stream_shortens_and_escapes_very_long_keys_in_skipped_lines(
    write_manifest: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    long_key = "class" + ESC * 5000
    key = json.dumps(long_key)
    repeated = f'{{"class": 1, {key}: 1, {key}: 2}}'
    path = write_manifest(_line(**{long_key: 1}), repeated)
    result = cli("stream", path, "--attrs", "class", "--on-error", "skip", "-o", "-")
    assert result.exit_code == 1
    _no_raw_controls(result.stderr)
    lines = result.stderr.splitlines()
    assert any(":1: AM201" in line for line in lines)
    assert any(":2:" in line and "AM112" in line for line in lines)
    assert max(map(len, lines)) < 400  # the key is 75,000 characters long


def test_an_error_naming_a_file_is_escaped_in_every_command(cli: Callable[..., Any]) -> None:
    name = f"no-such{ESC}.manifest"
    for command in (["validate"], ["select"], ["stats"], ["stream", "--attrs", "a"], ["dump"]):
        result = cli(command[0], name, *command[1:])
        assert result.exit_code == 2, command
        _no_raw_controls(result.stderr)
        assert "no-such\\x1b[2J" in result.stderr, command
