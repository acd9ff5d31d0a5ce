"""The library API: one place defines the functions; every type they use is exported and typed."""

from __future__ import annotations

import inspect
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import augman
from augman import api
from augman.outputs import sinks
from augman.recordio import decode_bytes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_every_exported_name_resolves() -> None:
    for name in augman.__all__:
        assert getattr(augman, name) is not None
    assert set(dir(augman)) == set(augman.__all__)


@pytest.mark.parametrize("name", ["validate", "select", "stream", "stats", "dump", "preview"])
def test_the_commands_are_the_api_functions_with_typed_documented_options(name: str) -> None:
    function = getattr(augman, name)
    assert function is getattr(api, name)
    assert function.__module__ == "augman.api"
    assert function.__doc__
    for parameter in inspect.signature(function).parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, parameter.name


def test_import_augman_stays_light() -> None:
    code = "import sys, augman; print(sorted(m for m in sys.modules if m.startswith('augman')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['augman', 'augman.version']"


def test_stream_reads_refs_from_mirrors_offline(tmp_path: Path) -> None:
    manifest = EXAMPLES / "classification.manifest"
    mirror = f"s3://example-bucket/images={EXAMPLES / 'images'}"
    with sinks.to_file(tmp_path / "out.rio") as sink:
        result = augman.stream(str(manifest), sink, attrs=["source-ref", "class"], mirrors=[mirror])
    payloads = decode_bytes((tmp_path / "out.rio").read_bytes())
    assert result.records == len(payloads) == 2 * result.lines
    assert payloads[0] == (EXAMPLES / "images" / "0000.jpg").read_bytes()
    assert payloads[1] == b"0"


def test_enums_and_their_strings_are_the_same_option(tmp_path: Path) -> None:
    manifest = str(EXAMPLES / "classification.manifest")
    as_enum, as_text = io.BytesIO(), io.BytesIO()
    augman.select(manifest, as_enum, shard=augman.Shard(1, 3), on_error=augman.OnError.skip)
    augman.select(manifest, as_text, shard="1/3", on_error="skip")
    assert as_enum.getvalue() == as_text.getvalue() != b""


def test_a_bad_option_string_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(augman.UsageError, match="wrap 'zip' is not one of: recordio, none"):
        augman.stream(os.devnull, object(), attrs=["a"], wrap="zip")  # type: ignore[arg-type]
