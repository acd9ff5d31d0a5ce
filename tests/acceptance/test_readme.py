"""Every example in README.md runs as written, on the files in examples/, and shows what it says.

Shell examples are the ``$ `` lines of the ```console blocks (a trailing ``\\`` continues a
line); each runs with bash in a scratch folder that holds ``examples/``, with ``augman`` on
PATH running this checkout. The output lines shown under a command (``...`` stands for the
lines left out) must appear in what it printed. The ```python blocks run the same way.

Not run here, and why: the setup lines of Quick start and Development (``pip install``
needs the network and would change this environment; ``python -m pytest`` is this suite;
``ruff``/``mypy`` run in CI), except the ``augman`` command after ``pip install . &&``,
which is run. No README example needs S3: the ones that read images use ``--mirror``.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()
SETUP = ("pip install", "python -m pytest", "ruff ")  # see the module docstring


@dataclass
class Example:
    command: str
    shown: list[str]


def console_examples() -> list[Example]:
    examples = []
    for block in re.findall(r"```console\n(.*?)```", README, re.S):
        lines = block.splitlines()
        if not any(line.startswith("$ ") for line in lines):  # setup lines, no prompt
            examples += [Example(c.strip(), []) for line in lines for c in line.split("&&")
                         if c.strip().startswith("augman ")]  # fmt: skip
            continue
        current: Example | None = None
        continued = False
        for line in lines:
            if continued and current is not None:
                current.command += " " + line.strip().rstrip("\\").strip()
            elif line.startswith("$ "):
                current = Example(line[2:].rstrip("\\").strip(), [])
                examples.append(current)
            elif current is not None:
                current.shown.append(line)
            continued = line.endswith("\\")
    return examples


def python_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README, re.S)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    bin_dir = tmp_path / ".bin"
    bin_dir.mkdir()
    shim = bin_dir / "augman"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m augman "$@"\n')
    shim.chmod(0o755)
    return tmp_path


def _env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ, COLUMNS="80", AUGMAN_NO_PROGRESS="1")
    env["PATH"] = f"{scratch / '.bin'}{os.pathsep}{env['PATH']}"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _run_serving_fifos(command: str, scratch: Path) -> tuple[int, str]:
    """Run a ``--sm-root`` stream and read each epoch's FIFO, as a training container would."""
    root = re.search(r"--sm-root (\S+)", command)
    channel = re.search(r"--channel (\S+)", command)
    epochs = re.search(r"--epochs (\d+)", command)
    assert root and channel and epochs
    proc = subprocess.Popen(["bash", "-c", command], cwd=scratch, env=_env(scratch),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    data = scratch / root.group(1) / "input" / "data"
    for epoch in range(int(epochs.group(1))):
        fifo = data / f"{channel.group(1)}_{epoch}"
        deadline = time.monotonic() + 30
        while not (fifo.exists() and stat.S_ISFIFO(fifo.stat().st_mode)):
            assert time.monotonic() < deadline and proc.poll() is None, f"no FIFO {fifo}"
            time.sleep(0.05)
        with open(fifo, "rb") as reader:
            assert reader.read().startswith(b"\x0a\x23\xd7\xce")  # RecordIO records
    out, err = proc.communicate(timeout=30)
    return proc.returncode, (out + err).decode()


def _run(command: str, scratch: Path) -> tuple[int, str]:
    """Run a shell example in ``scratch``: its exit code and its stdout and stderr."""
    if "--sm-root" in command:
        return _run_serving_fifos(command, scratch)
    done = subprocess.run(["bash", "-c", command], cwd=scratch, env=_env(scratch),
                          capture_output=True, timeout=60)  # fmt: skip
    return done.returncode, (done.stdout + done.stderr).decode()


def _collapsed(text: str) -> str:
    return " ".join(text.split())


EXAMPLES = console_examples()


def test_the_readme_has_examples_to_run() -> None:
    assert len(EXAMPLES) >= 8 and len(python_examples()) >= 2
    assert not [e.command for e in EXAMPLES if "train.manifest" in e.command]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.command[:60] for e in EXAMPLES])
def test_readme_example_runs_as_written(example: Example, scratch: Path) -> None:
    assert not example.command.startswith(SETUP)
    code, output = _run(example.command, scratch)
    assert "Traceback" not in output and "augman: error" not in output, output
    assert code == (1 if "mistakes" in example.command else 0), output
    actual = _collapsed(output)
    for line in example.shown:
        if line.strip() and line.strip() != "...":
            assert _collapsed(line) in actual, f"README shows {line!r}; augman printed:\n{output}"


@pytest.mark.parametrize("index", range(len(python_examples())))
def test_readme_python_example_runs_offline(index: int, scratch: Path) -> None:
    code = python_examples()[index]
    done = subprocess.run([sys.executable, "-c", code], cwd=scratch, env=_env(scratch),
                          capture_output=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout  # each example prints what it found


def help_examples() -> list[str]:
    """The ``Example:`` lines of every command's ``--help`` (and so of docs/cli.md)."""
    from typer.main import get_command

    from augman.cli import app

    group = get_command(app)
    helps = [command.help or "" for command in getattr(group, "commands", {}).values()]
    found = re.findall(r"^\s*Example: (augman .+)$", "\n".join(helps), flags=re.M)
    return [line for line in found if "--open" not in line]  # --open starts a browser


@pytest.mark.parametrize("command", help_examples(), ids=lambda c: c[:60])
def test_help_example_runs_as_written(command: str, scratch: Path) -> None:
    code, output = _run(command, scratch)
    assert "Traceback" not in output and "augman: error" not in output, output
    assert code == (1 if "mistakes" in command else 0), output
