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


def test_cli_reference_is_current() -> None:
    from augman.cli.docs import render

    current = (Path(__file__).parent.parent.parent / "docs" / "cli.md").read_text()
    assert current == render(), "regenerate it: python -m augman.cli.docs > docs/cli.md"


def test_cli_reference_has_every_command_and_option() -> None:
    from typer.main import get_command

    from augman.cli import app
    from augman.cli.docs import render

    text = render()
    group: Any = get_command(app)
    for name, command in group.commands.items():
        assert f"## `augman {name}`" in text
        section = text.split(f"## `augman {name}`", 1)[1].split("\n## ", 1)[0]
        for param in command.params:
            for opt in param.opts if param.param_type_name == "option" else []:
                assert f"`{opt}`" in section, (name, opt)
    assert "`--format`, `-f` `text|json|github|sarif` (default: `text`): Report format." in text
    assert "- `--quiet`, `-q`: Text format" in text


def test_readme_links_the_cli_reference() -> None:
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    assert "(docs/cli.md)" in section
