"""The stats text report: whole prefixes, no padding in a pipe, key: value lines, no raw data."""

from __future__ import annotations

import json
import os
import pty
import subprocess
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, augman_command, subprocess_env

PREFIX = "s3://my-training-bucket/datasets/2024-03/street-scenes-front-camera-left/"
ESCAPE = "\x1b[31m"  # would turn a terminal red
TITLE = "\x1b]0;pwned\x07"  # would set the terminal's title


def _line(i: int, name: str = "cat", key: str = "class") -> str:
    meta = {
        "class-name": name, "confidence": 0.9, "type": "groundtruth/image-classification",
        "job-name": "labeling-job/pets", "human-annotated": "yes" if i % 4 else "no",
        "creation-date": "2024-03-01T10:00:00",
    }  # fmt: skip
    return json.dumps({"source-ref": f"{PREFIX}{i}.jpg", key: i % 2, f"{key}-metadata": meta})


def test_piped_lines_have_no_trailing_spaces(run_augman: Any, write_manifest: Any) -> None:
    path = write_manifest(*(_line(i) for i in range(8)))
    result = run_augman("stats", path)
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert lines and all(line == line.rstrip() for line in lines)


def test_a_long_prefix_keeps_its_end(run_augman: Any, write_manifest: Any) -> None:
    path = write_manifest(*(_line(i) for i in range(8)))
    out = run_augman("stats", path, COLUMNS="80").stdout.decode()
    [row] = [line for line in out.splitlines() if "front-camera-left/" in line]
    label = row.split()[0]  # the middle goes, both ends stay
    assert label.startswith("s3://my-training-") and label.endswith("-front-camera-left/")
    assert "…" in label


def test_label_facts_are_key_value_lines(run_augman: Any, write_manifest: Any) -> None:
    path = write_manifest(*(_line(i) for i in range(8)))
    out = run_augman("stats", path).stdout.decode()
    assert "  human-annotated: yes 6 (75.0%), no 2 (25.0%)\n" in out
    assert "  jobs: labeling-job/pets 8\n" in out
    assert "(no: automated" not in out


def _hostile(write_manifest: Any) -> Path:
    long_key = "k" * 300
    lines = [_line(i, name=f"c{ESCAPE}at{TITLE}", key=f"cl{ESCAPE}ass") for i in range(4)]
    lines.append(json.dumps({"source-ref": f"s3://b-1/{ESCAPE}x/{TITLE}.jpg", long_key: 1}))
    path: Path = write_manifest(*lines)
    return path


def test_data_never_reaches_a_terminal_raw(write_manifest: Any) -> None:
    path = _hostile(write_manifest)
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        augman_command("stats", path), stdin=subprocess.DEVNULL, stdout=secondary,
        stderr=subprocess.PIPE, env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    os.close(secondary)
    out = b""
    try:
        while chunk := os.read(primary, 65536):
            out += chunk
    except OSError:  # EIO once the process has closed the terminal
        pass
    finally:
        os.close(primary)
    assert proc.wait(timeout=30) == 0
    text = out.decode()
    assert "c\\x1b[31mat\\x1b]0;pwned\\x07" in text  # the class name, escaped
    assert "cl\\x1b[31mass" in text  # the key
    assert "]0;pwned\x07" not in text and "[31mat" not in text.replace("\\x1b[31mat", "")
    assert "k" * 300 not in text and "kkkk…kkkk" in text  # a long key is shortened


def test_piped_reports_are_escaped_too(run_augman: Any, write_manifest: Any) -> None:
    out = run_augman("stats", _hostile(write_manifest)).stdout.decode()
    assert "\x1b" not in out and "\x07" not in out
