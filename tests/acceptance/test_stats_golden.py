"""`augman stats` text output, checked against golden files at a fixed width of 100 columns."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

import augman
from augman.reporting.stats_json import STATS_REPORTERS
from tests.golden import check_golden, normalise

ROOT = Path(__file__).resolve().parent.parent.parent
STATS = "tests/data/stats"

CASES = [
    ("classification", None),
    ("classification", "source-ref,class"),
    ("multi-label", None),
    ("bounding-box", None),
    ("segmentation", None),
    ("mixed", None),
    ("invalid", None),
    ("invalid", "source-ref,class"),
]
IDS = [f"{name}-attrs" if attrs else name for name, attrs in CASES]


def golden_name(name: str, attrs: str | None) -> str:
    return f"stats-{name}{'-attrs' if attrs else ''}.txt"


def render(name: str, attrs: str | None, width: int = 100) -> str:
    stats = augman.stats(f"{STATS}/{name}.manifest", attrs=attrs.split(",") if attrs else None)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False)
    STATS_REPORTERS["text"](console).emit(stats)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # source names in the goldens are relative to the checkout


@pytest.mark.parametrize(("name", "attrs"), CASES, ids=IDS)
def test_text_report_matches_its_golden_file(name: str, attrs: str | None) -> None:
    check_golden(golden_name(name, attrs), render(name, attrs))


def test_the_command_prints_the_same_report(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    result = cli("stats", f"{STATS}/classification.manifest")
    assert result.exit_code == 0
    assert normalise(result.stdout) == normalise(render("classification", None))


@pytest.mark.parametrize("width", [60, 100, 160])
def test_bars_fit_the_console_width(width: int) -> None:
    text = render("bounding-box", None, width)
    assert max(len(line.rstrip()) for line in text.splitlines()) <= width
    assert "█" in text


def test_no_colour_codes_unless_a_terminal() -> None:
    assert "\x1b[" not in render("invalid", None)
