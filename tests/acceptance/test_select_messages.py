"""What select tells people on stderr: empty split parts, kept lines, --where fields no line has."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

import augman

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
CLASSIFICATION = str(EXAMPLES / "classification.manifest")


def test_an_empty_split_part_is_a_warning_and_exit_1(cli: Any, tmp_path: Path) -> None:
    result = cli("select", CLASSIFICATION, "--split", "train=0.8,validation=0.2",
                 "--split-key", "source-ref", "--out-dir", tmp_path)  # fmt: skip
    assert result.exit_code == 1
    assert "augman: warning: split part 'validation' is empty" in result.stderr
    assert "--allow-empty" in result.stderr
    assert (tmp_path / "validation.manifest").read_bytes() == b""  # the parts are still written
    assert len((tmp_path / "train.manifest").read_bytes().splitlines()) == 6


def test_allow_empty_keeps_the_warning_and_exits_0(cli: Any, tmp_path: Path) -> None:
    result = cli("select", CLASSIFICATION, "--split", "train=0.8,validation=0.2",
                 "--split-key", "source-ref", "--out-dir", tmp_path, "--allow-empty")  # fmt: skip
    assert result.exit_code == 0
    assert "split part 'validation' is empty" in result.stderr
    assert "hint" not in result.stderr


def test_a_visible_split_exits_0(cli: Any, tmp_path: Path) -> None:
    result = cli("select", EXAMPLES / "bounding-box.manifest", "--split", "train=0.8,validation=0.2",
                 "--split-key", "source-ref", "--seed", "3", "--out-dir", tmp_path)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "empty" not in result.stderr


def test_the_library_names_empty_parts_and_can_refuse_them() -> None:
    outs = {"train": io.BytesIO(), "validation": io.BytesIO()}
    result = augman.select(CLASSIFICATION, outs, split="train=0.8,validation=0.2",
                           split_key="source-ref")  # fmt: skip
    assert result.empty_parts == ("validation",)
    outs = {"train": io.BytesIO(), "validation": io.BytesIO()}
    with pytest.raises(augman.EmptyPartError, match="no line went to validation") as caught:
        augman.select(CLASSIFICATION, outs, split="train=0.8,validation=0.2",
                      split_key="source-ref", allow_empty=False)  # fmt: skip
    assert caught.value.exit_code == 1 and caught.value.result.parts["train"] == 6


def test_select_says_how_many_lines_it_kept(cli: Any) -> None:
    result = cli("select", CLASSIFICATION, "--where", "class == `0`")
    assert result.exit_code == 0
    assert result.stderr == "augman: kept 3 of 6 lines read\n"
    assert cli("select", CLASSIFICATION, "--where", "class == `0`", "-q").stderr == ""


def test_a_double_quoted_string_that_no_line_has_as_a_field_is_warned_once(cli: Any) -> None:
    result = cli("select", CLASSIFICATION, "--where", '"class-metadata"."class-name" == "cat"')
    assert result.exit_code == 0 and result.stdout == ""
    warning = (
        'augman: warning: --where: no line has a field "cat" (in JMESPath, double quotes name a'
        " field); for the string, write 'cat' or `\"cat\"`"
    )
    assert result.stderr.replace("\n", " ").count(warning) == 1


@pytest.mark.parametrize(
    "where", ["\"class-metadata\".\"class-name\" == 'cat'", '"class-metadata"."class-name" == `"cat"`',
              "class == `0`"],
)  # fmt: skip
def test_literals_and_real_fields_are_not_warned(cli: Any, where: str) -> None:
    result = cli("select", CLASSIFICATION, "--where", where, "-q")
    assert result.exit_code == 0 and result.stderr == ""
    assert len(result.stdout.splitlines()) == 3


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("a ==== 'x'", "--where: invalid token == at column 5 of: a ==== 'x'"),
        ('"class-metadata"."class-name == cat',
         '--where: Unclosed " delimiter at column 18 of: "class-metadata"."class-name == cat'),
        ("a ==", "--where: the expression ends too early: a =="),
    ],
)  # fmt: skip
def test_where_errors_quote_the_expression_once(cli: Any, where: str, message: str) -> None:
    result = cli("select", CLASSIFICATION, "--where", where)
    assert result.exit_code == 2
    assert f"augman: error: {message}\n" in result.stderr


def test_a_where_that_fails_on_a_line_does_not_repeat_it(cli: Any) -> None:
    result = cli("select", CLASSIFICATION, "--where", "length(class) > `1`")
    assert result.exit_code == 2
    assert "classification.manifest:1: --where fails on this line: In function length()" in (
        result.stderr
    )
