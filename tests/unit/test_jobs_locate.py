"""The JSON path → line and column locator behind request findings."""

from __future__ import annotations

import pytest

from augman.jobs.locate import Locator, item_path, member_path

TEXT = """{
  "A": [1, {"b c": "x\\"y", "d": null}],
  "É": {"F": [true, [2, 3]]},
  "G": "ü", "H": 4
}
"""


@pytest.mark.parametrize(
    ("path", "where"),
    [
        ("$", (1, 1)),
        ("$.A", (2, 3)),
        ("$.A[0]", (2, 9)),
        ("$.A[1]", (2, 12)),
        ('$.A[1]["b c"]', (2, 13)),
        ("$.A[1].d", (2, 28)),
        ('$["É"].F[1][1]', (3, 25)),
        ("$.H", (4, 13)),
        ("$.A[1].missing", (2, 12)),  # not there: its parent
        ("$.Z[3].y", (1, 1)),
    ],
)
def test_positions(path: str, where: tuple[int, int]) -> None:
    assert Locator(TEXT).position(path) == where


def test_paths_quote_keys_that_are_not_identifiers() -> None:
    assert member_path("$", "InputDataConfig") == "$.InputDataConfig"
    assert member_path("$.HyperParameters", "mini-batch") == '$.HyperParameters["mini-batch"]'
    assert item_path("$.A", 2) == "$.A[2]"


def test_text_that_is_not_json_locates_what_it_can() -> None:
    assert Locator('{"a": [1,').position("$.a[0]") == (1, 8)
