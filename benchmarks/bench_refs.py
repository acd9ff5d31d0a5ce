"""-ref streaming throughput: augman's ordered prefetch vs unordered concurrent boto3 GETs.

Target: ``prefetch`` (objects delivered in manifest order, bounded memory) reaches at
least 0.9x the throughput of a plain ThreadPoolExecutor of ``get_object`` + ``read``
that takes objects in whatever order they finish, same client, same concurrency.

The endpoint is nginx serving a temporary folder as a path-style S3 endpoint on
127.0.0.1 (``<root>/<bucket>/<key>``), so the numbers measure the client side, not
the server; without nginx it falls back to ``moto_server`` and says so.

    python benchmarks/bench_refs.py                       # defaults below
    python benchmarks/bench_refs.py --sizes 4096 --objects 5000 --runs 7 --concurrency 32

``--memory`` measures ``augman stream`` itself instead: peak RSS (``wait4``'s ru_maxrss)
of a real process streaming 2,000 objects of 1 MiB at ``--concurrency 64`` to /dev/null
under several ``--max-buffer`` budgets, next to the RSS of the same process streaming one
object (the interpreter, boto3 and buffers: the overhead), with the throughput of each
run. Target: peak RSS <= budget + overhead + 128 MiB (reads in flight, the write buffer,
allocator arenas; see SLACK).
``--baseline DIR`` runs the augman of another checkout too, e.g. one from before the budget
(``git archive 28c52fc | tar -x -C /tmp/before``), with its default options.

    python benchmarks/bench_refs.py --memory --runs 3   # budgets 16M, the default (64M), 256M
    python benchmarks/bench_refs.py --memory --budgets default --runs 5 --baseline /tmp/before
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from augman.inputs import s3
from augman.refs import S3Resolver as Resolver
from augman.refs import prefetch
from augman.refs.prefetch import MAX_BUFFER

BUCKET = "bench-refs"
MAX_FILES = 100

NGINX_CONF = """
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    sendfile on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        location / {{ limit_except GET {{ deny all; }} }}
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return  # it answers: good enough
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the endpoint at {url} did not start") from None
            time.sleep(0.1)


def write_objects(root: Path, count: int, size: int) -> list[str]:
    """``count`` keys of ``size`` bytes each; beyond 100 files the keys repeat (cached anyway)."""
    folder = root / BUCKET / f"size-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    payload = os.urandom(size)
    files = []
    for n in range(min(count, MAX_FILES)):
        (folder / f"{n:06d}.bin").write_bytes(payload)
        files.append(f"size-{size}/{n:06d}.bin")
    return [files[n % len(files)] for n in range(count)]


@contextlib.contextmanager
def nginx_endpoint(root: Path, tmp: Path) -> Iterator[str]:
    port = free_port()
    conf = tmp / "nginx.conf"
    conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=root))
    for path in (tmp, root, *root.rglob("*")):  # nginx workers may run as nobody
        path.chmod(0o755 if path.is_dir() else 0o644)
    proc = subprocess.Popen(
        ["nginx", "-p", str(tmp), "-e", str(tmp / "error.log"), "-c", str(conf)]
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/", proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def moto_endpoint(root: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/moto-api/", proc)
        client = s3.make_client(endpoint_url=url)
        client.create_bucket(Bucket=BUCKET)
        for path in (root / BUCKET).rglob("*.bin"):
            key = path.relative_to(root / BUCKET).as_posix()
            client.put_object(Bucket=BUCKET, Key=key, Body=path.read_bytes())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def unordered(client: Any, keys: list[str], concurrency: int) -> int:
    """Plain boto3: every GET at once on a pool, bodies taken as they finish."""

    def get(key: str) -> int:
        return len(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())

    with ThreadPoolExecutor(concurrency) as pool:
        return sum(f.result() for f in as_completed([pool.submit(get, k) for k in keys]))


def ordered(resolver: Resolver, keys: list[str], concurrency: int) -> int:
    """augman: the same objects through prefetch, consumed strictly in order."""
    total = 0
    uris = [f"s3://{BUCKET}/{key}" for key in keys]
    for _, objects in prefetch(uris, lambda u: [u], resolver, concurrency=concurrency):
        for fetched in objects:
            total += sum(len(chunk) for chunk in fetched.chunks)
    return total


def timed(run: Callable[[], int]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def compare(endpoint: str, keys: list[str], size: int, args: argparse.Namespace) -> float:
    factory = s3.client_factory(endpoint_url=endpoint, max_pool_connections=args.concurrency)
    client = factory()
    resolver = Resolver(s3_client=factory)
    plain = lambda: unordered(client, keys, args.concurrency)  # noqa: E731
    augman = lambda: ordered(resolver, keys, args.concurrency)  # noqa: E731
    assert plain() == augman() == size * len(keys)  # warm-up, and both read everything
    times: dict[str, list[float]] = {"boto3 unordered": [], "augman prefetch": []}
    for _ in range(args.runs):  # interleaved, so machine noise hits both alike
        times["boto3 unordered"].append(timed(plain))
        times["augman prefetch"].append(timed(augman))
    rates = {}
    for name, seconds in times.items():
        median = statistics.median(seconds)
        rates[name] = len(keys) / median
        print(
            f"  {name:16} {size * len(keys) / median / 1e6:8.1f} MB/s "
            f"{len(keys) / median:8.0f} objects/s  (median of {args.runs}: {median:.3f} s, "
            f"range {min(seconds):.3f}-{max(seconds):.3f} s)"
        )
    ratio = rates["augman prefetch"] / rates["boto3 unordered"]
    print(f"  ratio augman/boto3: {ratio:.2f}  (target >= 0.90)")
    return ratio


def object_count(objects: int, size: int, memory: bool = False) -> int:
    """``objects`` small ones; enough large ones for 1 GiB per run, so a run lasts a while."""
    return (1 << 30) // size if size > 256 << 10 and not memory else objects


HERE = Path(__file__).resolve().parent.parent


def stream_rss(
    endpoint: str, manifest: Path, budget: str | None, concurrency: int, root: Path = HERE
) -> tuple[int, float]:
    """Peak RSS (bytes) and wall time of one ``augman stream`` process writing to /dev/null.

    ``root`` is the checkout whose augman runs; ``budget`` None leaves --max-buffer out.
    """
    argv = [
        sys.executable, "-m", "augman", "stream", str(manifest), "--attrs", "source-ref",
        "--endpoint-url", endpoint, "--concurrency", str(concurrency),
        *(["--max-buffer", budget] if budget else []),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=str(root))
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, env=env, cwd=root)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"augman stream exited {proc.returncode}")
    return usage.ru_maxrss * 1024, seconds


# Beyond the budget: reads in flight (a 1 MiB read copies through http.client and urllib3),
# the write buffer, and what glibc keeps in its per-thread arenas (up to 8 per CPU): 64 threads
# moving 1 MiB buffers leave up to ~100 MiB there, whatever the budget. MALLOC_ARENA_MAX=2 in
# the environment halves that, at some throughput.
SLACK = 128 << 20


def memory(endpoint: str, keys: list[str], size: int, tmp: Path, args: argparse.Namespace) -> bool:
    """Peak RSS of ``augman stream`` per budget; True when every run is within its bound."""
    many, one = tmp / "many.manifest", tmp / "one.manifest"
    lines = [f'{{"source-ref": "s3://{BUCKET}/{key}"}}\n' for key in keys]
    many.write_text("".join(lines))
    one.write_text(lines[0])
    overhead = min(stream_rss(endpoint, one, None, args.concurrency)[0] for _ in range(args.runs))
    print(f"  overhead (one object): peak RSS {overhead / 2**20:.0f} MiB")
    within = True
    runs: dict[str, list[tuple[int, float]]] = {}
    for _ in range(args.runs):  # interleaved, so machine noise hits every budget alike
        if args.baseline:
            baseline = Path(args.baseline)
            runs.setdefault("baseline", []).append(
                stream_rss(endpoint, many, None, args.concurrency, baseline)
            )
        for budget in args.budgets.split(","):
            flag = None if budget == "default" else budget
            runs.setdefault(budget, []).append(stream_rss(endpoint, many, flag, args.concurrency))
    for budget, measured in runs.items():
        peak = max(rss for rss, _ in measured)
        median = statistics.median(seconds for _, seconds in measured)
        rate = (
            f"{size * len(keys) / median / 1e6:7.1f} MB/s (median of {args.runs}: {median:.2f} s)"
        )
        if budget == "baseline":
            print(f"  {args.baseline}: peak RSS {peak / 2**20:5.0f} MiB {rate}")
            continue
        bytes_ = MAX_BUFFER if budget == "default" else parse_size(budget)
        limit = overhead + bytes_ + SLACK
        within &= peak <= limit
        print(
            f"  --max-buffer {budget:>7}: peak RSS {peak / 2**20:5.0f} MiB "
            f"(= overhead + {(peak - overhead) / 2**20:4.0f} MiB; bound {limit / 2**20:.0f} MiB) "
            + rate
        )
    return within


def parse_size(text: str) -> int:
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(text[:-1]) * units[text[-1]] if text[-1] in units else int(text)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="16384,262144,4194304,16777216", help="object sizes in bytes"
    )
    parser.add_argument(
        "--objects", type=int, default=1000, help="objects per size (fewer above 256 KiB)"
    )
    parser.add_argument("--concurrency", type=int, help="default 16; 64 with --memory")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moto", action="store_true", help="use moto_server even if nginx exists")
    parser.add_argument(
        "--memory", action="store_true", help="peak RSS of `augman stream` per --max-buffer"
    )
    parser.add_argument(
        "--budgets", default="16M,default,256M", help="with --memory; default: no --max-buffer"
    )
    parser.add_argument(
        "--baseline", help="with --memory: also run the augman of this checkout (an older one)"
    )
    args = parser.parse_args()
    if args.memory and args.sizes == parser.get_default("sizes"):
        args.sizes, args.objects = "1048576", 2000
    if args.concurrency is None:
        args.concurrency = 64 if args.memory else 16
    return args


def main() -> int:
    args = parse_args()
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ.setdefault(name, "bench")  # the endpoint ignores them; botocore wants some
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    sizes = [int(s) for s in args.sizes.split(",")]
    use_nginx = shutil.which("nginx") is not None and not args.moto
    with tempfile.TemporaryDirectory(prefix="bench-refs-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "root"
        keys = {
            size: write_objects(root, object_count(args.objects, size, args.memory), size)
            for size in sizes
        }
        endpoint = nginx_endpoint(root, tmp) if use_nginx else moto_endpoint(root)
        with endpoint as url:
            server = (
                "nginx"
                if use_nginx
                else "moto_server (nginx not found: slower server, less telling)"
            )
            print(
                f"endpoint: {server} at {url}; concurrency {args.concurrency}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs"
            )
            if args.memory:
                ok = True
                for size in sizes:
                    print(f"augman stream, {len(keys[size])} objects of {size} bytes:")
                    ok &= memory(url, keys[size], size, tmp, args)
                return 0 if ok else 1
            ratios = []
            for size in sizes:
                print(f"{len(keys[size])} objects of {size} bytes:")
                ratios.append(compare(url, keys[size], size, args))
    return 0 if min(ratios) >= 0.9 else 1


if __name__ == "__main__":
    sys.exit(main())
