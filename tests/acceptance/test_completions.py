"""The shipped completion scripts are current, and completion answers for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

COMPLETIONS = Path(__file__).parent.parent.parent / "completions"


@pytest.mark.parametrize(
    ("shell", "name"), [("bash", "augman.bash"), ("zsh", "_augman"), ("fish", "augman.fish")]
)
def test_shipped_script_matches_what_augman_generates(
    run_augman: Any, shell: str, name: str
) -> None:
    result = run_augman(_AUGMAN_COMPLETE=f"source_{shell}")
    assert result.returncode == 0
    assert result.stdout.decode() == (COMPLETIONS / name).read_text()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("augman va", 1, "validate"),
        ("augman validate --fo", 2, "--format"),
        ("augman validate --format ", 3, "sarif"),
    ],
    ids=["command", "option", "choice"],
)
def test_bash_completion_answers(run_augman: Any, words: str, cword: int, expected: str) -> None:
    result = run_augman(_AUGMAN_COMPLETE="complete_bash", COMP_WORDS=words, COMP_CWORD=str(cword))
    assert expected in result.stdout.decode().split()


def test_rules_completes_rule_codes(run_augman: Any) -> None:
    from augman.checking.rules import RULES

    every = run_augman(_AUGMAN_COMPLETE="complete_bash", COMP_WORDS="augman rules ", COMP_CWORD="2")
    assert every.stdout.decode().split() == list(RULES)
    some = run_augman(
        _AUGMAN_COMPLETE="complete_bash", COMP_WORDS="augman rules AM3", COMP_CWORD="2"
    )
    assert some.stdout.decode().split() == [code for code in RULES if code.startswith("AM3")]


def test_rules_completion_names_each_rule_in_zsh(run_augman: Any) -> None:
    result = run_augman(_AUGMAN_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS="augman rules AM20")
    assert '"AM201":"missing-attribute"' in result.stdout.decode()
