"""A write that fails (a full disk, ``> /dev/full``) is a clean ``augman: error:`` and exit 2 in
every command, and no temporary output file is left behind: not on a write error, not on
SIGTERM or Ctrl-C. Real processes throughout; full file systems are a 64 KiB tmpfs mounted
in a private mount namespace (gone with the process), or the tests say why they cannot.
"""

from __future__ import annotations

import json
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.acceptance.test_stream_process import WAIT, start, wait_for
from tests.conftest import ROOT, augman_command, subprocess_env

LINE = '{"source-ref": "s3://bucket-a/images/%06d.jpg", "class": %d}\n'
NO_SPACE = b"augman: error: stdout: write failed: No space left on device\n"


def _with_id(line: str) -> str:
    return line.replace("}", f', "id": "{secrets.token_hex(16)}"}}')


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 500 KB manifest (random ids: gzip cannot make it fit), its stream, and a manifest
    whose report is large (short bucket names)."""
    folder = tmp_path_factory.mktemp("manifests")
    good, bad = folder / "good.manifest", folder / "bad.manifest"
    good.write_text("".join(_with_id(LINE % (n, n % 3)) for n in range(6000)))
    bad.write_text("".join((LINE % (n, 1)).replace("bucket-a", "b") for n in range(2000)))
    records = folder / "good.rec"
    subprocess.run(
        augman_command("stream", good, "--attrs", "class,id", "-o", records),
        env=subprocess_env(), check=True, cwd=ROOT,
    )  # fmt: skip
    return {"good": good, "bad": bad, "records": records}


COMMANDS = {
    "validate": ["validate", "{bad}"],
    "validate-json": ["validate", "{bad}", "--format", "json"],
    "select": ["select", "{good}"],
    "stream": ["stream", "{good}", "--attrs", "class,id", "-o", "-"],
    "stats": ["stats", "{good}"],
    "stats-json": ["stats", "{good}", "--format", "json"],
    "dump": ["dump", "{records}"],
    "rules": ["rules"],
    "rules-one": ["rules", "AM101"],
    "help": ["validate", "--help"],
    "version": ["--version"],
}


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_dev_full_as_stdout_is_a_clean_error(name: str, manifests: dict[str, Path]) -> None:
    args = [arg.format(**manifests) for arg in COMMANDS[name]]
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            augman_command(*args), stdout=full, stderr=subprocess.PIPE, env=subprocess_env(),
            cwd=ROOT, timeout=WAIT,
        )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(NO_SPACE), done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    assert done.stderr.count(b"augman: error:") == 1


# -- a full file system -----------------------------------------------------------------------


def _on_a_full_disk(tmp_path: Path, *args: str) -> tuple[int, bytes, list[str]]:
    """Run augman with ``{disk}`` in ``args`` a fresh 64 KiB tmpfs; its exit, stderr and what it left."""
    if shutil.which("unshare") is None:
        pytest.skip("no unshare(1) here to mount a private tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    script = 'mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; shift; "$@"; code=$?; ls -A "$0"; exit $code'
    command = [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        script,
        str(disk),
        str(disk),
    ]
    argv = [arg.replace("{disk}", str(disk)) for arg in augman_command(*args)]
    done = subprocess.run(
        command + argv, capture_output=True, env=subprocess_env(), cwd=ROOT, timeout=WAIT
    )
    if done.returncode == 99 or b"unshare failed" in done.stderr:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    return done.returncode, done.stderr, done.stdout.decode().split()


@pytest.mark.parametrize(
    "args",
    [
        ["select", "{good}", "-o", "{disk}/out.manifest"],
        ["select", "{good}", "-o", "{disk}/out.manifest.gz", "--shuffle"],
        ["select", "{good}", "--split", "a=0.5,b=0.5", "--out-dir", "{disk}/parts"],
        ["stream", "{good}", "--attrs", "class,id", "-o", "{disk}/out.rec"],
        ["validate", "{bad}", "-o", "{disk}/report.txt"],
    ],
    ids=["select", "select-gzip-shuffled", "select-split", "stream", "validate"],
)
def test_a_full_file_system_is_a_clean_error_and_leaves_nothing(
    tmp_path: Path, manifests: dict[str, Path], args: list[str]
) -> None:
    args = [arg.format(disk="{disk}", **manifests) for arg in args]
    code, stderr, left = _on_a_full_disk(tmp_path, *args)
    assert code == 2, stderr
    assert stderr.startswith(b"augman: error: ") and b"No space left on device" in stderr
    assert b"Traceback" not in stderr
    assert [name for name in left if name != "parts"] == []  # no .tmp file, no partial output


# -- signals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["sigterm", "sigint"]
)
@pytest.mark.parametrize(
    "output", [["-o", "out.manifest"], ["--split", "a=0.5,b=0.5", "--out-dir", "."]],
    ids=["file", "split"],
)  # fmt: skip
def test_a_signal_during_select_leaves_no_temp_file(
    tmp_path: Path, sent: signal.Signals, code: int, output: list[str]
) -> None:
    args = [arg if arg.startswith("-") or "=" in arg else str(tmp_path / arg) for arg in output]
    process = start("select", "-", *args, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None and process.stderr is not None
    process.stdin.write((LINE % (1, 1)).encode())
    process.stdin.flush()
    wait_for(lambda: any(p.name.endswith(".tmp") for p in tmp_path.iterdir()), "a temp file")
    process.send_signal(sent)
    assert process.wait(WAIT) == code
    assert list(tmp_path.iterdir()) == []
    assert b"Traceback" not in process.stderr.read()


def test_an_earlier_output_survives_a_failed_select(tmp_path: Path) -> None:
    out = tmp_path / "out.manifest"
    out.write_text(json.dumps({"kept": True}) + "\n")
    process = start("select", "-", "-o", out, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdin is not None
    process.stdin.write((LINE % (1, 1)).encode())
    process.stdin.flush()
    wait_for(lambda: len(list(tmp_path.iterdir())) == 2, "a temp file")
    process.send_signal(signal.SIGTERM)
    assert process.wait(WAIT) == 143
    assert [p.name for p in tmp_path.iterdir()] == ["out.manifest"]
    assert json.loads(out.read_text()) == {"kept": True}


# -- a closed stdout ----------------------------------------------------------------------------

CLOSED = {
    **{name: args for name, args in COMMANDS.items()},
    "stream-epochs": ["stream", "{good}", "--attrs", "class,id", "--epochs", "3", "-o", "-"],
    "select-projected": ["select", "{good}", "--attrs", "id"],
}
BIG = {  # more than a pipe holds (stream grows its pipe to 1 MiB): the writer meets EPIPE
    "validate", "validate-json", "select", "select-projected", "stream-epochs", "dump",
}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "reads"),
    [(name, False) for name in sorted(CLOSED)] + [(name, True) for name in sorted(BIG)],
    ids=[f"{name}-closed-at-once" for name in sorted(CLOSED)]
    + [f"{name}-closed-after-a-byte" for name in sorted(BIG)],
)
def test_a_closed_stdout_exits_141_quietly(
    name: str, reads: bool, manifests: dict[str, Path]
) -> None:
    args = [arg.format(**manifests) for arg in CLOSED[name]]
    process = subprocess.Popen(
        augman_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=subprocess_env(), cwd=ROOT,
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    if reads:
        assert process.stdout.read(1)
    process.stdout.close()  # as `| head -c1` does
    stderr = process.stderr.read()
    assert (process.wait(WAIT), stderr) == (141, b"")
