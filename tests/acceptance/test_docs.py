"""The README stays in step with the code: rule table, Quick start, command help."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from augman.checking.rules import RULES

README = (Path(__file__).parent.parent.parent / "README.md").read_text()


@pytest.mark.parametrize("code", sorted(RULES))
def test_readme_documents_every_rule(code: str) -> None:
    rule = RULES[code]
    assert f"| `{code}` | {rule.name} | {rule.severity.value} |" in README


def test_quick_start_is_exactly_two_command_lines() -> None:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block is not None
    lines = block.group(1).strip().splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("pip install . && augman ")
    assert lines[1] == 'pip install -e ".[test]" && python -m pytest'


def test_every_command_help_has_an_example(cli: Any) -> None:
    from augman.cli import app

    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    assert "validate" in names
    for name in names:
        result = cli(name, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout, name
        assert f"### `augman {name}`" in README, f"README has no section for {name}"
