"""Headless Chromium for the preview tests: Debian's ``chromium``, run once per page.

Each call starts a fresh browser with its own profile folder, no sandbox (the tests
run as root in CI), and every background service off, so that nothing but the page
is loaded. The tests skip, loudly, only when no Chromium can be found at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--force-device-scale-factor=1",
]  # fmt: skip


def chromium() -> str:
    """The Chromium binary, or a skip that says how to get it."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.path.exists("/usr/bin/chromium"):
        found = "/usr/bin/chromium"
    if found is None:
        pytest.skip(
            "NO CHROMIUM FOUND: the preview is not checked in a browser; "
            "install it with `apt-get install -y chromium` (.ci/run does)"
        )
    return found


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="augman-chromium-") as profile:
        command = [chromium(), *FLAGS, f"--user-data-dir={profile}", *args]
        return subprocess.run(command, capture_output=True, timeout=60, check=False)


def screenshot(page: Path, out: Path, size: tuple[int, int] = (800, 600), hash: str = "") -> Path:
    """A PNG of ``page`` (with ``#hash``) in a window of ``size``."""
    url = page.resolve().as_uri() + (f"#{hash}" if hash else "")
    done = _run([f"--screenshot={out}", f"--window-size={size[0]},{size[1]}", url])
    assert out.exists(), done.stderr.decode(errors="replace")[-2000:]
    return out


def dom(page: Path, hash: str = "") -> str:
    """The page's DOM after its script ran (``--dump-dom``)."""
    url = page.resolve().as_uri() + (f"#{hash}" if hash else "")
    done = _run(["--dump-dom", url])
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode()
