"""`augman --version` prints the package version; reports carry the same one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from augman.version import __version__

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "bounding-box.manifest"


def test_version_prints_augman_and_the_package_version(run_augman: Any) -> None:
    result = run_augman("--version")
    assert result.returncode == 0
    assert result.stdout.decode() == f"augman {__version__}\n"
    assert result.stderr == b""


def test_version_is_listed_in_the_help(cli: Any) -> None:
    assert "--version" in cli("--help").stdout


def test_json_and_sarif_reports_carry_the_package_version(cli: Any) -> None:
    report = json.loads(cli("validate", EXAMPLE, "--format", "json").stdout)
    assert report["version"] == __version__
    sarif = json.loads(cli("validate", EXAMPLE, "--format", "sarif").stdout)
    assert sarif["runs"][0]["tool"]["driver"]["version"] == __version__
