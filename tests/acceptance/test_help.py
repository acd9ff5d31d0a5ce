"""`--help` reads well in a pipe and on a terminal: full width, no types after flags, choices."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import termios
import tty

import pytest

from tests.conftest import ROOT, augman_command, subprocess_env

COMMANDS = ["", "validate", "rules", "select", "stream", "stats", "dump"]


def piped_help(command: str) -> str:
    env = subprocess_env()
    env.pop("COLUMNS", None)  # as in a CI log or `| less`: nothing says how wide
    args = [command, "--help"] if command else ["--help"]
    result = subprocess.run(
        augman_command(*args), capture_output=True, env=env, cwd=ROOT, timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 0
    return result.stdout.decode()


def option_line(text: str, option: str) -> str:
    """The row of the options table that starts with ``option``."""
    return next(line for line in text.splitlines() if line.lstrip("│ ").startswith(option + " "))


@pytest.mark.parametrize("command", COMMANDS, ids=[c or "augman" for c in COMMANDS])
def test_piped_help_is_100_columns_wide_and_cuts_nothing(command: str) -> None:
    text = piped_help(command)
    assert max(len(line) for line in text.splitlines()) == 100
    assert "…" not in text


@pytest.mark.parametrize("command", COMMANDS, ids=[c or "augman" for c in COMMANDS])
def test_flags_show_no_type(command: str) -> None:
    text = piped_help(command)
    assert "<bool>" not in text
    assert "<" not in option_line(text, "--help")


def test_long_words_in_option_help_are_whole() -> None:
    text = piped_help("stream")
    assert "input/config/inputdataconfig.json" in text
    assert "input/data/<channel>_<epoch>" in text
    assert "s3://BUCKET[/PREFIX]=DIR" in text


@pytest.mark.parametrize(
    ("command", "option", "choices"),
    [("validate", "--format", "<text|json|github|sarif>"), ("stats", "--format", "<text|json>"),
     ("stream", "--value-encoding", "<text|json>"), ("dump", "--join", "<concat|dmlc>")],
)  # fmt: skip
def test_enum_options_show_their_choices(command: str, option: str, choices: str) -> None:
    assert choices in option_line(piped_help(command), option)


def test_validate_quiet_is_a_flag_without_a_value() -> None:
    line = option_line(piped_help("validate"), "--quiet")
    assert "<" not in line and "Text format" in line


def test_help_on_a_terminal_takes_the_terminal_width() -> None:
    primary, secondary = pty.openpty()
    tty.setraw(secondary)
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = subprocess_env()
    env.pop("COLUMNS", None)
    proc = subprocess.Popen(
        augman_command("stream", "--help"), stdin=subprocess.DEVNULL, stdout=secondary,
        stderr=subprocess.PIPE, env=env, cwd=ROOT,
    )  # fmt: skip
    os.close(secondary)
    out = b""
    try:
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO once the process has closed its side
                break
            if not chunk:
                break
            out += chunk
        assert proc.wait(timeout=60) == 0
    finally:
        os.close(primary)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out.decode())
    lines = [line for line in plain.split("\n") if "─" in line]
    assert lines and all(len(line.rstrip("\r")) <= 120 for line in lines)
    assert any(len(line.rstrip("\r")) > 100 for line in lines)
