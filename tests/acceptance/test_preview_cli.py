"""`augman preview` on the command line: where the page goes, what stderr says, exit codes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
MIRROR = "s3://example-bucket/images=examples/images"


def test_the_tour_step_writes_a_page_and_says_so(
    run_augman: Callable[..., Any], tmp_path: Path
) -> None:
    out = tmp_path / "preview.html"
    done = run_augman("preview", "examples/segmentation.manifest", "--mirror", MIRROR, "-o", out)
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    assert done.stderr.decode() == f"augman: wrote {out}: 4 cards of 4 lines read\n"
    page = out.read_text()
    assert page.count('class="mask"') == 4 and "pets-ref" in page


def test_the_page_goes_to_stdout_with_dash(cli: Any, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    result = cli("preview", "examples/text.manifest", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout.startswith("<!doctype html>") and result.stdout.count("<article ") == 4


def test_the_default_file_is_preview_html(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_text('{"source":"hello"}\n')
    monkeypatch.chdir(tmp_path)
    result = cli("preview", manifest, "--attrs", "source,class")
    assert result.exit_code == 0
    assert "1 with findings" in result.stderr  # class is missing: AM201 on the card
    assert "AM201" in (tmp_path / "preview.html").read_text()


def test_run_problems_exit_2_in_augman_style(cli: Any, tmp_path: Path) -> None:
    manifest = tmp_path / "m.manifest"
    manifest.write_text('{"source":"hello"}\n')
    cases = [
        (["preview", tmp_path / "none.manifest"], "none.manifest"),
        (["preview", manifest, "--where", "a >"], "--where"),
        (["preview", manifest, "-o", "-", "--open"], "--open needs a file"),
        (["preview", manifest, "--mirror", "s3://bkt=/no/such/dir"], "not a directory"),
    ]
    for args, says in cases:
        result = cli(*args)
        assert result.exit_code == 2, args
        assert result.stderr.startswith("augman: error: ") and says in result.stderr
        assert "Traceback" not in result.stderr
