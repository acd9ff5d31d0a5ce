"""Fault injection: an S3 endpoint that hangs, resets, throttles and breaks bodies; signals to
real processes; FIFOs, links and loops in mirrors. Each case checks the exit code, the
message, and that nothing was lost (the output is byte-exact up to a line boundary) or left
behind (no temporary file, no partial output).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from augman.recordio import codec
from tests.conftest import ROOT, augman_command, subprocess_env
from tests.faults.s3server import FakeS3, Fault

BUCKET = "bkt"
MIB = 1 << 20


def manifest(path: Path, uris: Sequence[str]) -> Path:
    """One line per URI: ``{"source-ref": uri, "class": n}``, n from 1."""
    lines = [json.dumps({"source-ref": uri, "class": n}) for n, uri in enumerate(uris, 1)]
    path.write_text("".join(line + "\n" for line in lines))
    return path


def records(*objects: bytes) -> bytes:
    """The stream of ``--attrs source-ref,class`` for lines whose objects are ``objects``."""
    return b"".join(
        codec.encode(data) + codec.encode(str(n).encode()) for n, data in enumerate(objects, 1)
    )


def blob(size: int, seed: int = 0) -> bytes:
    """``size`` bytes that repeat every 251 (a prime): a splice at another offset would show."""
    cycle = bytes((i + seed) % 251 for i in range(251))
    return (cycle * (size // 251 + 1))[:size]


def stream_args(fake: FakeS3, path: Path | str, out: Path, *more: str) -> list[str]:
    return [
        "stream", str(path), "--attrs", "source-ref,class", "--endpoint-url", fake.url,
        "-o", str(out), *more,
    ]  # fmt: skip


def run_stream(
    fake: FakeS3, path: Path, *more: str, **env: str
) -> subprocess.CompletedProcess[bytes]:
    """``augman stream`` in a real process, its records on stdout (kept when it fails)."""
    env.setdefault("AWS_MAX_ATTEMPTS", "1")  # botocore's own retries are slow; ours are checked
    return subprocess.run(
        augman_command(*stream_args(fake, path, Path("-"), *more)), capture_output=True,
        env=subprocess_env(**env), cwd=ROOT, timeout=60,
    )  # fmt: skip


def left_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- bodies that break ------------------------------------------------------------------------


def test_a_ref_object_cut_mid_body_is_resumed_byte_exact(
    fake_s3: FakeS3, cli: Any, tmp_path: Path
) -> None:
    small, middle = blob(100_000), blob(3 * MIB, seed=7)
    uris = [
        fake_s3.put(BUCKET, "small", small, Fault(break_at=40_000)),
        fake_s3.put(BUCKET, "middle", middle, Fault(break_at=MIB + 5), Fault(break_at=MIB)),
    ]
    out = tmp_path / "out.rec"
    result = cli(*stream_args(fake_s3, manifest(tmp_path / "m.manifest", uris), out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == records(small, middle)
    # Each retry asks for the rest from the byte reached, with the first answer's ETag.
    gets = fake_s3.gets("middle")
    starts = [None, f"bytes={MIB + 5}-", f"bytes={2 * MIB + 5}-"]
    assert [r.headers.get("Range") for r in gets] == starts
    assert {r.headers["If-Match"] for r in gets[1:]} == {_etag(middle)}


def _etag(data: bytes) -> str:
    from tests.faults.s3server import etag

    return etag(data)


def test_an_s3_manifest_cut_mid_body_is_resumed(fake_s3: FakeS3, cli: Any, tmp_path: Path) -> None:
    text = "".join(json.dumps({"class": n, "pad": "x" * 50}) + "\n" for n in range(20_000))
    cut = len(text) // 2 + 3  # inside a line
    fake_s3.put(BUCKET, "big.manifest", text.encode(), Fault(break_at=cut))
    out = tmp_path / "out.rec"
    result = cli(
        "stream", f"s3://{BUCKET}/big.manifest", "--attrs", "class",
        "--endpoint-url", fake_s3.url, "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == b"".join(codec.encode(str(n).encode()) for n in range(20_000))
    second = fake_s3.gets("big.manifest")[1]
    assert second.headers["Range"] == f"bytes={cut}-"
    assert second.headers["If-Match"] == _etag(text.encode())


def test_an_s3_manifest_replaced_while_read_is_an_error_not_a_splice(
    fake_s3: FakeS3, cli: Any, tmp_path: Path
) -> None:
    text = "".join(json.dumps({"class": n, "pad": "x" * 50}) + "\n" for n in range(20_000))
    fake_s3.put(BUCKET, "m.manifest", text.encode(), Fault(break_at=100_000), Fault(change=True))
    result = cli(
        "validate", f"s3://{BUCKET}/m.manifest", "--endpoint-url", fake_s3.url
    )  # fmt: skip
    assert result.exit_code == 2
    assert "changed while it was read" in result.output
    assert "Traceback" not in result.output


def test_a_ref_that_keeps_breaking_stops_on_the_line_before_naming_line_and_attribute(
    fake_s3: FakeS3, cli: Any, tmp_path: Path
) -> None:
    first = blob(1000)
    broken = [Fault(break_at=MIB)] + [Fault(reset=True)] * 10
    uris = [fake_s3.put(BUCKET, "ok", first), fake_s3.put(BUCKET, "bad", blob(3 * MIB), *broken)]
    path = manifest(tmp_path / "m.manifest", [uris[0], uris[1], uris[0], uris[1]])
    result = run_stream(fake_s3, path, "--on-error", "skip")
    assert result.returncode == 2
    assert f"m.manifest:2: source-ref: {uris[1]}:".encode() in result.stderr  # not line 4
    assert result.stdout == records(first)


@pytest.mark.slow
def test_a_large_ref_object_that_breaks_is_never_half_written(
    fake_s3: FakeS3, tmp_path: Path
) -> None:
    """A real process and a 33 MiB object (written through a spool): no torn record."""
    first, large = blob(10), blob(33 * MIB, seed=3)
    broken = [Fault(break_at=20 * MIB)] + [Fault(reset=True)] * 10
    uris = [fake_s3.put(BUCKET, "first", first), fake_s3.put(BUCKET, "large", large, *broken)]
    path = manifest(tmp_path / "m.manifest", uris)
    spool_dir = tmp_path / "tmp"
    spool_dir.mkdir()
    result = run_stream(fake_s3, path, TMPDIR=str(spool_dir))
    assert result.returncode == 2, result.stderr
    assert b"m.manifest:2: source-ref: s3://bkt/large:" in result.stderr
    assert result.stdout == records(first)  # line 1 whole, not a byte of line 2
    assert left_in(spool_dir) == []


def test_a_spooled_ref_object_cut_once_is_streamed_whole(
    fake_s3: FakeS3, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from augman.streaming import framing

    monkeypatch.setattr(framing, "DIRECT", MIB)  # spooled from 1 MiB on, not 32 MiB
    large = blob(9 * MIB, seed=5)  # over READ_AHEAD_LIMIT too: read by the writer, not ahead
    uri = fake_s3.put(BUCKET, "large", large, Fault(break_at=5 * MIB + 1))
    out = tmp_path / "out.rec"
    result = cli(*stream_args(fake_s3, manifest(tmp_path / "m.manifest", [uri, uri]), out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == records(large, large)


# --- throttling, hangs, resets ------------------------------------------------------------------


def test_throttling_is_retried(fake_s3: FakeS3, cli: Any, tmp_path: Path) -> None:
    data = blob(5000)
    uri = fake_s3.put(BUCKET, "k", data, Fault(slowdown=True))
    out = tmp_path / "out.rec"
    result = cli(*stream_args(fake_s3, manifest(tmp_path / "m.manifest", [uri]), out))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == records(data)
    assert len(fake_s3.gets("k")) == 2


def test_throttling_that_never_ends_stops_with_the_line_named(
    fake_s3: FakeS3, cli: Any, tmp_path: Path
) -> None:
    data = blob(10)
    slow = [Fault(slowdown=True)] * 4
    uris = [fake_s3.put(BUCKET, "ok", data), fake_s3.put(BUCKET, "k", data, *slow)]
    result = run_stream(fake_s3, manifest(tmp_path / "m.manifest", uris))
    assert result.returncode == 2
    assert b"m.manifest:2: source-ref: s3://bkt/k: S3 answered SlowDown" in result.stderr
    assert result.stdout == records(data)


@pytest.mark.parametrize("fault", [Fault(hang=True), Fault(reset=True)], ids=["hang", "reset"])
def test_an_endpoint_that_hangs_or_resets_is_an_error_with_a_hint(
    fake_s3: FakeS3, cli: Any, tmp_path: Path, fault: Fault
) -> None:
    uri = fake_s3.put(BUCKET, "k", b"data", *[fault] * 4)
    out = tmp_path / "out.rec"
    started = time.monotonic()
    result = cli(*stream_args(fake_s3, manifest(tmp_path / "m.manifest", [uri]), out))
    assert time.monotonic() - started < 15  # 2 attempts of 1 s, not minutes
    assert result.exit_code == 2
    assert "m.manifest:1: source-ref: s3://bkt/k:" in result.output
    assert "hint: check --endpoint-url" in result.output
    assert not out.exists()
    assert left_in(tmp_path) == ["m.manifest"]


def test_a_missing_object_stops_even_with_on_error_skip(
    fake_s3: FakeS3, cli: Any, tmp_path: Path
) -> None:
    data = blob(10)
    ok, other = fake_s3.put(BUCKET, "ok", data), fake_s3.put(BUCKET, "b", data)
    path = manifest(tmp_path / "m.manifest", [ok, f"s3://{BUCKET}/missing", other])
    result = run_stream(fake_s3, path, "--on-error", "skip")
    assert result.returncode == 1
    assert b"m.manifest:2: source-ref: s3://bkt/missing: no such object" in result.stderr
    assert result.stdout == records(data)


# --- signals to a real process ------------------------------------------------------------------


def start(args: Sequence[str], **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        augman_command(*args), env=subprocess_env(**env), cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip


def wait_until(condition: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.01)


SIGINT = (signal.SIGINT, 130, b"interrupted")
SIGTERM = (signal.SIGTERM, 143, b"terminated")
SIGNAL_CASES = {
    "hang-SIGINT": ("hang", *SIGINT),
    "hang-SIGTERM": ("hang", *SIGTERM),
    "slow body-SIGTERM": pytest.param("slow body", *SIGTERM, marks=pytest.mark.slow),
    "manifest hangs-SIGINT": ("manifest hangs", *SIGINT),
}


@pytest.mark.parametrize(
    ("how", "signum", "code", "said"), SIGNAL_CASES.values(), ids=list(SIGNAL_CASES)
)
def test_a_signal_ends_a_stream_within_a_second_while_a_fetch_hangs(
    fake_s3: FakeS3, tmp_path: Path, signum: int, code: int, said: bytes, how: str
) -> None:
    path = str(tmp_path / "m.manifest")
    if how == "hang":
        manifest(tmp_path / "m.manifest", [fake_s3.put(BUCKET, "k", b"data", Fault(hang=True))])
        started = fake_s3.hanging.is_set
    elif how == "slow body":  # a 40 MiB object sent 64 KiB every 50 ms: the writer is spooling it
        uri = fake_s3.put(BUCKET, "k", blob(40 * MIB), Fault(throttle=0.05))
        manifest(tmp_path / "m.manifest", [uri])
        started = lambda: len(fake_s3.gets("k")) > 0  # noqa: E731
    else:  # the manifest itself is on the endpoint, which never answers
        path = fake_s3.put(BUCKET, "m.manifest", b'{"class": 1}\n', Fault(hang=True))
        started = fake_s3.hanging.is_set
    out_dir, spool_dir = tmp_path / "out", tmp_path / "tmp"
    out_dir.mkdir()
    spool_dir.mkdir()
    proc = start(stream_args(fake_s3, path, out_dir / "out.rec"), TMPDIR=str(spool_dir))
    try:
        wait_until(started, "the request")
        time.sleep(0.3)  # well inside the fetch
        proc.send_signal(signum)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    assert (proc.returncode, took < 2.0) == (code, True), (took, stderr)
    assert stderr.strip() == b"augman: " + said
    assert left_in(out_dir) == []  # no out.rec, no temporary output file
    assert left_in(spool_dir) == []


@pytest.mark.parametrize("command", ["validate", "stats", "select"])
def test_ctrl_c_ends_a_command_whose_manifest_never_arrives(
    fake_s3: FakeS3, tmp_path: Path, command: str
) -> None:
    uri = fake_s3.put(BUCKET, "m.manifest", b'{"class": 1}\n', Fault(hang=True))
    proc = start([command, uri, "--endpoint-url", fake_s3.url])
    try:
        wait_until(fake_s3.hanging.is_set, "the hanging request")
        time.sleep(0.3)
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    assert (proc.returncode, took < 2.0) == (130, True), (took, stderr)
    assert stderr.strip().endswith(b"augman: interrupted")


def test_sigterm_while_a_fetch_hangs_removes_the_fifo_augman_made(
    fake_s3: FakeS3, tmp_path: Path
) -> None:
    ok = fake_s3.put(BUCKET, "ok", b"first")
    path = manifest(tmp_path / "m.manifest", [ok, fake_s3.put(BUCKET, "k", b"x", Fault(hang=True))])
    fifo = tmp_path / "channel"
    args = ["stream", str(path), "--attrs", "source-ref,class", "--endpoint-url", fake_s3.url]
    proc = start([*args, "--fifo", str(fifo)])
    received = bytearray()

    def read() -> None:
        wait_until(fifo.exists, "the FIFO")
        with open(fifo, "rb") as reader:
            received.extend(reader.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        wait_until(fake_s3.hanging.is_set, "the hanging request")
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)
        sent = time.monotonic()
        _, stderr = proc.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        proc.kill()
    reader.join(10)
    assert (proc.returncode, took < 2.0) == (143, True), (took, stderr)
    assert bytes(received) == records(b"first")  # line 1, whole, before the hang
    assert not fifo.exists()


# --- mirrors: FIFOs, links, loops ---------------------------------------------------------------


def mirror_run(cli: Any, tmp_path: Path, folder: Path, key: str) -> Any:
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/{key}"])
    out = tmp_path / "out.rec"
    return cli(
        "stream", str(path), "--attrs", "source-ref,class", "--mirror", f"s3://{BUCKET}={folder}",
        "-o", str(out),
    )  # fmt: skip


def test_a_fifo_in_a_mirror_is_refused_not_read(run_augman: Any, tmp_path: Path) -> None:
    folder = tmp_path / "mirror"
    folder.mkdir()
    os.mkfifo(folder / "k.jpg")  # nobody writes: reading it would hang forever
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k.jpg"])
    result = run_augman(
        "stream", path, "--attrs", "source-ref,class", "--mirror", f"s3://{BUCKET}={folder}",
        "-o", tmp_path / "out.rec", timeout=20,
    )  # fmt: skip
    assert result.returncode == 2
    assert (
        f"m.manifest:1: source-ref: s3://{BUCKET}/k.jpg: {folder}/k.jpg is a FIFO, not a regular file".encode()
        in result.stderr
    )
    assert not (tmp_path / "out.rec").exists()


LINKS = {
    "outside": ("k.jpg", lambda d, o: os.symlink(o / "secret", d / "k.jpg")),
    "inside": ("k.jpg", lambda d, o: os.symlink(d / "real.jpg", d / "k.jpg")),
    "folder": ("sub/secret", lambda d, o: os.symlink(o, d / "sub")),
    "loop": ("a", lambda d, o: (os.symlink(d / "b", d / "a"), os.symlink(d / "a", d / "b"))),
}


def linked_mirror(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A mirror folder with the link of ``case`` in it; the key that reaches the link."""
    folder, outside = tmp_path / "mirror", tmp_path / "outside"
    folder.mkdir()
    outside.mkdir()
    (outside / "secret").write_bytes(b"SECRET")
    (folder / "real.jpg").write_bytes(b"real")
    key, make = LINKS[case]
    make(folder, outside)
    return folder, key


@pytest.mark.parametrize("case", LINKS, ids=list(LINKS))
def test_links_below_a_mirror_folder_are_refused(cli: Any, tmp_path: Path, case: str) -> None:
    folder, key = linked_mirror(tmp_path, case)
    result = mirror_run(cli, tmp_path, folder, key)
    assert result.exit_code == 2
    assert "is a symbolic link" in result.output
    assert "hint: a mirror is read without following symbolic links" in result.output
    assert not (tmp_path / "out.rec").exists()


def check_refs_in_mirror(run: Any, tmp_path: Path, folder: Path, key: str) -> Any:
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/{key}"])
    args = ["validate", str(path), "--check-refs", "--mirror", f"s3://{BUCKET}={folder}"]
    return run(*args, "--format", "json")


@pytest.mark.parametrize("case", LINKS, ids=list(LINKS))
def test_check_refs_refuses_the_links_stream_refuses(cli: Any, tmp_path: Path, case: str) -> None:
    """--check-refs maps keys to mirror files as stream does: a link below the folder is AM313."""
    folder, key = linked_mirror(tmp_path, case)
    result = check_refs_in_mirror(cli, tmp_path, folder, key)
    assert result.exit_code == 1, result.output
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["code"] == "AM313"
    assert "is a symbolic link" in finding["message"]


def test_a_fifo_in_a_mirror_is_ref_unreadable_under_check_refs_never_waited_for(
    run_augman: Any, tmp_path: Path
) -> None:
    folder = tmp_path / "mirror"
    folder.mkdir()
    os.mkfifo(folder / "k.jpg")  # nobody writes: opening it for reading would hang forever
    (folder / "ok.jpg").write_bytes(b"\xff\xd8")
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k.jpg", f"s3://{BUCKET}/ok.jpg"])
    result = run_augman(
        "validate", path, "--check-refs=content", "--mirror", f"s3://{BUCKET}={folder}",
        "--format", "json", timeout=20,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    found = [(f["line"], f["code"]) for f in json.loads(result.stdout)["findings"]]
    assert found[0] == (1, "AM313") and all(line != 1 for line, _ in found[1:])
    message = json.loads(result.stdout)["findings"][0]["message"]
    assert f"{folder}/k.jpg is a FIFO, not a regular file" in message


def test_a_folder_swapped_for_a_link_after_the_mirror_is_set_up_is_refused(tmp_path: Path) -> None:
    from augman.refs import Mirror, RefError, S3Resolver

    folder, outside = tmp_path / "mirror", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    (folder / "sub" / "k").write_bytes(b"mine")
    (outside / "k").write_bytes(b"SECRET")
    resolver = S3Resolver([Mirror.parse(f"s3://{BUCKET}={folder}")], s3_client=lambda: None)
    assert b"".join(resolver.fetch(f"s3://{BUCKET}/sub/k").chunks) == b"mine"
    (folder / "sub" / "k").unlink()
    (folder / "sub").rmdir()
    os.symlink(outside, folder / "sub")  # the swap an attacker would race in
    with pytest.raises(RefError, match="is a symbolic link"):
        resolver.fetch(f"s3://{BUCKET}/sub/k")


# --- --endpoint-url ---------------------------------------------------------------------------

BAD_ENDPOINTS = ["127.0.0.1:9000", "http://", "http://host:99999", "ftp://host", "http://[::1"]


@pytest.mark.parametrize("url", BAD_ENDPOINTS)
@pytest.mark.parametrize("command", ["stream", "validate"])
def test_a_malformed_endpoint_url_is_a_usage_error(
    cli: Any, tmp_path: Path, url: str, command: str
) -> None:
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k"])
    extra = (
        ["--attrs", "source-ref,class", "-o", str(tmp_path / "o")] if command == "stream" else []
    )
    result = cli(command, str(path), *extra, "--endpoint-url", url)
    assert result.exit_code == 2
    assert result.output.startswith("augman: error: --endpoint-url ")
    assert "Traceback" not in result.output


def test_a_password_in_the_endpoint_url_is_refused_and_never_printed(
    cli: Any, tmp_path: Path
) -> None:
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k"])
    result = cli("validate", str(path), "--endpoint-url", "http://alice:s3cr3t@127.0.0.1:9")
    assert result.exit_code == 2
    assert "http://***@127.0.0.1:9" in result.output
    assert "s3cr3t" not in result.output and "alice" not in result.output


def test_a_password_in_aws_endpoint_url_is_never_printed(
    fake_s3: FakeS3, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://alice:s3cr3t@127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k"])
    result = cli("stream", str(path), "--attrs", "source-ref,class", "-o", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "s3cr3t" not in result.output
    assert "***@127.0.0.1:9" in result.output


def test_a_malformed_aws_endpoint_url_is_an_error_not_a_traceback(
    fake_s3: FakeS3, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "not a url")
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k"])
    result = cli("stream", str(path), "--attrs", "source-ref,class", "-o", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert "cannot create an S3 client" in result.output
    assert "Traceback" not in result.output


# --- --max-buffer -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", ["1", "1K", "64M", "1.5G", "256MiB"])
def test_any_budget_streams_every_object_in_order(
    fake_s3: FakeS3, cli: Any, tmp_path: Path, size: str
) -> None:
    data = [blob(3000 * n, seed=n) for n in range(1, 9)]
    uris = [fake_s3.put(BUCKET, f"k{n}", d) for n, d in enumerate(data)]
    out = tmp_path / "out.rec"
    path = manifest(tmp_path / "m.manifest", uris)
    result = cli(*stream_args(fake_s3, path, out, "--max-buffer", size, "--concurrency", "4"))
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == records(*data)


@pytest.mark.parametrize("size", ["lots", "-1M", "64X", ""])
def test_a_budget_that_is_not_a_size_is_a_usage_error(cli: Any, tmp_path: Path, size: str) -> None:
    path = manifest(tmp_path / "m.manifest", [f"s3://{BUCKET}/k"])
    result = cli(
        "stream", str(path), "--attrs", "source-ref,class", "-o", str(tmp_path / "o"),
        "--max-buffer", size,
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"augman: error: --max-buffer {size!r} is not a size" in result.output
