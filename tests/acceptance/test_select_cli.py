"""`augman select` on the command line: wiring, files, pipes, exit codes, messages."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import augman_command, subprocess_env

LINES = [
    orjson.dumps({"source-ref": f"s3://bucket/{n % 7}.jpg", "class": n % 3, "n": n}) + b"\n"
    for n in range(50)
]
DATA = b"".join(LINES)


@pytest.fixture
def manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = Path("m.manifest")
    path.write_bytes(DATA)
    return path


def test_help_gives_the_order_of_the_steps(cli: Any) -> None:
    result = cli("select", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "--where, then --attrs, then --sample or --fraction, then --shuffle" in text
    assert "then --shard or --split, then --head" in text


def test_default_copies_the_manifest_to_stdout(cli: Any, manifest: Path) -> None:
    result = cli("select", manifest)
    assert result.exit_code == 0 and result.stdout_bytes == DATA


def test_stdin_in_process(cli: Any) -> None:
    result = cli("select", "-", "--where", "class == `1`", "--attrs", "n", input=DATA)
    assert result.exit_code == 0
    assert result.stdout_bytes == b"".join(b'{"n":%d}\n' % n for n in range(50) if n % 3 == 1)


def test_stdin_through_a_real_pipe(run_augman: Any) -> None:
    result = run_augman("select", "-", "--shuffle", "--seed", "3", input=gzip.compress(DATA))
    assert result.returncode == 0, result.stderr
    assert sorted(result.stdout.splitlines(keepends=True)) == sorted(LINES)
    assert result.stdout != DATA


def test_a_pipeline_of_two_selects(tmp_path: Path, manifest: Path) -> None:
    env = subprocess_env()
    first = subprocess.Popen(
        augman_command("select", manifest, "--head", "20"), stdout=subprocess.PIPE, env=env
    )
    second = subprocess.run(
        augman_command("select", "-", "--shard", "1/2"), stdin=first.stdout, capture_output=True, env=env
    )  # fmt: skip
    assert first.stdout is not None
    first.stdout.close()
    assert first.wait(timeout=60) == 0 and second.returncode == 0
    assert second.stdout == b"".join(LINES[1:20:2])


def test_head_exits_before_the_input_ends() -> None:
    """The first lines leave, and augman exits, while the writer still holds the pipe open."""
    proc = subprocess.Popen(
        augman_command("select", "-", "--head", "2"), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(LINES[0] + LINES[1])
    proc.stdin.flush()
    assert proc.wait(timeout=60) == 0
    assert proc.stdout.read() == LINES[0] + LINES[1]
    proc.stdin.close()


def test_a_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    big = tmp_path / "big.manifest"
    big.write_bytes(DATA * 400)
    proc = subprocess.Popen(
        augman_command("select", big), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env()
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    assert proc.wait(timeout=60) in (0, 141)
    assert b"Traceback" not in proc.stderr.read()


@pytest.mark.parametrize("name", ["out.manifest", "out.manifest.gz"], ids=["plain", "gzip"])
def test_output_file(cli: Any, manifest: Path, name: str) -> None:
    result = cli("select", manifest, "--attrs", "class,source-ref", "--head", "2", "-o", name)
    assert result.exit_code == 0 and result.stdout_bytes == b""
    data = Path(name).read_bytes()
    expected = b'{"class":0,"source-ref":"s3://bucket/0.jpg"}\n{"class":1,"source-ref":"s3://bucket/1.jpg"}\n'
    assert (gzip.decompress(data) if name.endswith(".gz") else data) == expected


def test_gzip_in_gzip_out(cli: Any, manifest: Path) -> None:
    Path("m.manifest.gz").write_bytes(gzip.compress(DATA))
    assert cli("select", "m.manifest.gz", "-o", "copy.manifest.gz").exit_code == 0
    assert gzip.decompress(Path("copy.manifest.gz").read_bytes()) == DATA


def test_output_may_replace_the_input(cli: Any, manifest: Path) -> None:
    assert cli("select", manifest, "--shard", "0/5", "-o", manifest).exit_code == 0
    assert manifest.read_bytes() == b"".join(LINES[::5])


@pytest.mark.parametrize(
    ("suffix", "read"),
    [(".manifest", Path.read_bytes), (".manifest.gz", lambda p: gzip.decompress(p.read_bytes()))],
    ids=["plain", "gzip"],
)
def test_split_writes_a_partition_and_prints_the_counts(
    run_augman: Any, manifest: Path, suffix: str, read: Callable[[Path], bytes]
) -> None:
    result = run_augman(
        "select", manifest.resolve(), "--split", "train=0.8,validation=0.2", "--split-key",
        "source-ref", "--out-dir", manifest.resolve().parent / "splits", "--split-suffix", suffix,
        "--seed", "1",  # seed 0 sends all 7 keys to train
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == b""
    parts = {
        name: read(manifest.parent / "splits" / f"{name}{suffix}")
        for name in ("train", "validation")
    }
    assert sorted(b"".join(parts.values()).splitlines(keepends=True)) == sorted(LINES)
    for name, data in parts.items():
        count = len(data.splitlines())
        assert count and f"{name}" in result.stderr.decode()
        assert f" {count} lines" in result.stderr.decode()
    refs = [{orjson.loads(ln)["source-ref"] for ln in data.splitlines()} for data in parts.values()]
    assert not refs[0] & refs[1]


def test_an_invalid_line_stops_with_exit_1_and_leaves_no_output(cli: Any, manifest: Path) -> None:
    Path("bad.manifest").write_bytes(LINES[0] + b'{"class": 1\n' + LINES[1])
    result = cli("select", "bad.manifest", "-o", "out.manifest")
    assert result.exit_code == 1
    assert "bad.manifest:2:12: AM101 invalid JSON: unexpected end of data" in result.stderr
    assert "--on-error skip" in result.stderr
    assert not Path("out.manifest").exists()
    assert sorted(os.listdir()) == ["bad.manifest", "m.manifest"]


def test_skip_writes_the_valid_lines_lists_the_rest_and_exits_1(cli: Any, manifest: Path) -> None:
    Path("bad.manifest").write_bytes(LINES[0] + b"[1]\n" + LINES[1] + b'{"n": 5}\n')
    result = cli(
        "select", "bad.manifest", "--attrs", "n,class", "--on-error", "skip", "-o", "out.manifest"
    )
    assert result.exit_code == 1
    assert "bad.manifest:2:1: AM102 the line is a JSON array, not an object" in result.stderr
    assert "bad.manifest:4: AM201 missing attribute 'class'" in result.stderr
    assert "skipped 2 invalid lines of 4; wrote 2" in result.stderr
    assert Path("out.manifest").read_bytes() == b'{"n":0,"class":0}\n{"n":1,"class":1}\n'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "class =="], "--where: "),
        (["--where", "length(nope) > `0`"], "m.manifest:1: --where fails on this line"),
        (["--split", "a=0.5,b=0.5"], "--split needs --out-dir"),
        (["--out-dir", "d"], "--out-dir is for --split"),
        (["--split", "a=1", "--out-dir", "d", "-o", "x"], "-o cannot be used with it"),
        (["--split", "a=1", "--out-dir", "d", "--split-suffix", "gz"], "must start with '.'"),
        (["--split", "a=0.5,b=0.6", "--out-dir", "d"], "add up to 1.1"),
        (["--sample", "2", "--fraction", "0.5"], "cannot be used together"),
        (["--shard", "2/2"], "K must be in 0..N-1"),
        (["--attrs", "a,,b"], "has an empty name"),
    ],
    ids=["where-syntax", "where-runtime", "split-no-dir", "dir-no-split", "split-and-o",
         "suffix", "split-sum", "sample-fraction", "shard", "attrs"],
)  # fmt: skip
def test_usage_errors_exit_2_with_a_message(
    cli: Any, manifest: Path, args: list[str], message: str
) -> None:
    result = cli("select", manifest, *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not Path("d").exists()


def test_a_missing_manifest_exits_2(cli: Any, tmp_path: Path) -> None:
    result = cli("select", tmp_path / "nope.manifest")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_ctrl_c_removes_the_temp_file(tmp_path: Path) -> None:
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    proc = subprocess.Popen(
        augman_command("select", fifo, "-o", tmp_path / "out.manifest"),
        stderr=subprocess.PIPE, env=subprocess_env(),
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while not any(p.name.endswith(".tmp") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None, "no temp file appeared"
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)  # augman is waiting for a writer on the FIFO
    assert proc.wait(timeout=30) == 130
    assert [p.name for p in tmp_path.iterdir()] == ["in.fifo"]


@pytest.mark.s3server
def test_s3_manifest_over_http(server_s3: Any, moto_server: str, run_augman: Any) -> None:
    server_s3.create_bucket(Bucket="manifests")
    server_s3.put_object(Bucket="manifests", Key="m.manifest.gz", Body=gzip.compress(DATA))
    result = run_augman(
        "select", "s3://manifests/m.manifest.gz", "--sample", "5", "--seed", "1", "--endpoint-url", moto_server
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    picked = result.stdout.splitlines(keepends=True)
    assert len(picked) == 5 and set(picked) <= set(LINES)
