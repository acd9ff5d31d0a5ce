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


def test_fetching_shows_a_bar_on_a_terminal_after_a_while(monkeypatch: Any) -> None:
    import io

    from augman.cli import preview

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(preview.sys, "stderr", terminal)
    monkeypatch.delenv("AUGMAN_NO_PROGRESS")
    monkeypatch.setattr(preview, "PROGRESS_AFTER", 0.0)
    with preview._fetch_progress() as advance:
        assert advance is not None
        advance(3, 8)
    assert "images" in terminal.getvalue() and "3/8" in terminal.getvalue()
    monkeypatch.setattr(preview, "PROGRESS_AFTER", 60.0)
    terminal.truncate(0)
    with preview._fetch_progress() as advance:
        assert advance is not None
        advance(3, 8)  # a quick run: no bar at all
    assert terminal.getvalue() == ""


def test_open_opens_the_written_page(cli: Any, tmp_path: Path, monkeypatch: Any) -> None:
    import webbrowser

    opened: list[str] = []
    monkeypatch.setattr(webbrowser, "open", opened.append)
    manifest = tmp_path / "m.manifest"
    manifest.write_text('{"source":"hello"}\n')
    result = cli("preview", manifest, "-o", tmp_path / "p.html", "--open")
    assert result.exit_code == 0
    assert opened == [(tmp_path / "p.html").resolve().as_uri()]
