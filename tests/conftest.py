"""Shared fixtures: manifest files written from lines, and a fixed console width."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"

os.environ.setdefault("COLUMNS", "100")


@pytest.fixture
def write_manifest(tmp_path: Path) -> Callable[..., Path]:
    """Write lines (str or bytes, newline added) to a manifest file and return its path."""

    def write(*lines: str | bytes, name: str = "m.manifest", newline: bytes = b"\n") -> Path:
        path = tmp_path / name
        data = b"".join((ln.encode() if isinstance(ln, str) else ln) + newline for ln in lines)
        path.write_bytes(data)
        return path

    return write
