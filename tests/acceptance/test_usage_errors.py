"""Usage errors Typer finds are said in augman's one style: `augman: error:` and a hint, exit 2."""

from __future__ import annotations

from typing import Any

import pytest

CASES = [
    (["validate", "--max-findings", "-1", "x"], "--max-findings -1 must be at least 0"),
    (["validate", "--jobs", "abc", "x"], "--jobs abc is not a whole number"),
    (["select", "x", "--fraction", "2"], "--fraction 2 must be at most 1"),
    (["select", "x", "--fraction", "half"], "--fraction half is not a number"),
    (["stats", "--format", "yaml", "x"], "--format yaml is not one of: text, json"),
    (["stream", "x", "--value-encoding", "a b"], "--value-encoding 'a b' is not one of: text, json"),
    (["validate", "--fomat", "json", "x"], "augman validate has no option --fomat"),
    (["validate", "x", "--format"], "--format needs a value"),
    (["validate", "--quiet=yes", "x"], "--quiet is a flag and takes no value"),
    (["validate"], "augman validate needs MANIFEST..."),
    (["valdate", "x"], "no such command valdate"),
    (["rules", "AM101", "AM102"], "unexpected argument AM102"),
    (["--nope"], "augman has no option --nope"),
]  # fmt: skip
HINTS = {
    "--fomat": "did you mean --format?",
    "valdate": "did you mean validate?",
    "needs a value": "one of: text, json, github, sarif",
    "needs MANIFEST": "e.g. augman validate train.manifest",
}
IDS = [" ".join(args) for args, _ in CASES]


def _check(stderr: str, message: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 2, stderr
    assert lines[0] == f"augman: error: {message}"
    assert lines[1].startswith("  hint: ")
    for key, hint in HINTS.items():
        if key in message:
            assert hint in lines[1]
    for typer_words in ("╭", "Usage:", "Input should", "Value error", "Invalid value", "''"):
        assert typer_words not in stderr


@pytest.mark.parametrize(("args", "message"), CASES, ids=IDS)
def test_usage_errors_in_a_pipe(run_augman: Any, args: list[str], message: str) -> None:
    result = run_augman(*args)
    assert result.returncode == 2
    assert result.stdout == b""
    _check(result.stderr.decode(), message)


@pytest.mark.parametrize(("args", "message"), CASES[:6], ids=IDS[:6])
def test_usage_errors_in_process(cli: Any, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    _check(result.stderr, message)


def test_augman_alone_shows_the_help(run_augman: Any) -> None:
    result = run_augman()
    assert result.returncode == 2
    assert b"Commands" in result.stdout
