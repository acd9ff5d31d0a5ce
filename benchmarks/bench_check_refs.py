"""``validate --check-refs`` throughput: HEAD vs LIST over 100,000 refs, 1% of them missing.

The endpoint is a small threaded HTTP stub on 127.0.0.1 that answers HeadBucket,
HeadObject, ListObjectsV2 and ranged GetObject from a dict, path-style, as S3 would
(moto_server answers a few hundred requests a second, which would measure moto).
Figures: the requests augman made (its own count, from a botocore event hook, which
the stub's count confirms) and distinct refs checked per second, for each strategy.

    python benchmarks/bench_check_refs.py                      # 100,000 refs, concurrency 16
    python benchmarks/bench_check_refs.py --refs 20000 --strategies head,list --content
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import os
import resource
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from augman import api
from augman.inputs import s3

BUCKET = "bench-check-refs"


class Store:
    """The objects: key → bytes, and the keys in S3's order for listing."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects
        self.keys = sorted(objects)
        self.requests = 0
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    """Path-style S3 from ``store``: HeadBucket, HeadObject, ListObjectsV2, ranged GetObject."""

    protocol_version = "HTTP/1.1"
    store: Store

    def log_message(self, *args: Any) -> None:
        pass

    def _count(self) -> tuple[str, str, dict[str, list[str]]]:
        with self.store.lock:
            self.store.requests += 1
        url = urllib.parse.urlsplit(self.path)
        bucket, _, key = urllib.parse.unquote(url.path[1:]).partition("/")
        return bucket, key, urllib.parse.parse_qs(url.query)

    def _send(self, status: int, body: bytes = b"", **headers: str) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        if "Content_Length" not in headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        bucket, key, _ = self._count()
        if bucket != BUCKET:
            self._send(404)
        elif not key:
            self._send(200, x_amz_bucket_region="us-east-1")
        elif key in self.store.objects:
            self._send(200, Content_Length=str(len(self.store.objects[key])), ETag='"e"')
        else:
            self._send(404)

    def do_GET(self) -> None:
        if self.path == "/__count":
            self._send(200, str(self.store.requests).encode())
            return
        bucket, key, query = self._count()
        if bucket != BUCKET:
            self._send(404, b"<Error><Code>NoSuchBucket</Code></Error>")
        elif not key:
            self._list(query)
        elif key not in self.store.objects:
            self._send(404, b"<Error><Code>NoSuchKey</Code><Message>x</Message></Error>")
        else:
            self._range(self.store.objects[key])

    def _range(self, data: bytes) -> None:
        spec = self.headers.get("Range", "")
        if not spec.startswith("bytes="):
            self._send(200, data)
            return
        first, _, last = spec[6:].partition("-")
        end = min(int(last or len(data) - 1), len(data) - 1)
        part = data[int(first) : end + 1]
        self._send(206, part, Content_Range=f"bytes {first}-{end}/{len(data)}")

    def _list(self, query: dict[str, list[str]]) -> None:
        prefix = query.get("prefix", [""])[0]
        after = query.get("start-after", [""])[0]
        limit = int(query.get("max-keys", ["1000"])[0])
        at = bisect.bisect_right(self.store.keys, max(after, prefix[:-1] if prefix else ""))
        found = []
        while at < len(self.store.keys) and len(found) <= limit:
            key = self.store.keys[at]
            if not key.startswith(prefix):
                if key > prefix:
                    break
            else:
                found.append(key)
            at += 1
        truncated = len(found) > limit
        items = "".join(
            f"<Contents><Key>{escape(k)}</Key><Size>{len(self.store.objects[k])}</Size></Contents>"
            for k in found[:limit]
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult>'
            f"<Name>{BUCKET}</Name><Prefix>{escape(prefix)}</Prefix><KeyCount>{min(len(found), limit)}"
            f"</KeyCount><MaxKeys>{limit}</MaxKeys><IsTruncated>{str(truncated).lower()}"
            f"</IsTruncated>{items}</ListBucketResult>"
        ).encode()
        self._send(200, body, Content_Type="application/xml")


def handler_for(store: Store) -> type[BaseHTTPRequestHandler]:
    return type("StoreHandler", (Handler,), {"store": store})


def _serve(store: Store, port: Any) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(store))
    server.daemon_threads = True
    port.value = server.server_address[1]
    server.serve_forever()


@contextlib.contextmanager
def serving(store: Store) -> Iterator[str]:
    """The stub in its own process, so that it does not share the client's GIL."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    port = context.Value("i", 0)
    process = context.Process(target=_serve, args=(store, port), daemon=True)
    process.start()
    try:
        while not port.value:
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port.value}"
    finally:
        process.terminate()
        process.join()


def served(endpoint: str) -> int:
    """The requests the stub has answered (this one not counted)."""
    import urllib.request

    with urllib.request.urlopen(endpoint + "/__count") as response:
        return int(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--refs", type=int, default=100_000)
    parser.add_argument("--missing", type=float, default=0.01)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--strategies", default="head,list,auto")
    parser.add_argument("--content", action="store_true", help="also run --check-refs=content")
    args = parser.parse_args()

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    jpeg = _tiny_jpeg()
    every = round(1 / args.missing) if args.missing else 0
    keys = [f"images/{i // 10_000:02}/{i:07}.jpg" for i in range(args.refs)]
    missing = {k for i, k in enumerate(keys) if every and i % every == every - 1}
    store = Store({k: jpeg for k in keys if k not in missing})
    with tempfile.TemporaryDirectory() as tmp, serving(store) as endpoint:
        manifest = Path(tmp) / "refs.manifest"
        manifest.write_text(
            "".join(f'{{"source-ref":"s3://{BUCKET}/{k}","class":1}}\n' for k in keys)
        )
        print(
            f"{args.refs:,} refs, {len(missing):,} missing, concurrency {args.concurrency}, "
            f"{os.cpu_count()} CPUs, stub endpoint {endpoint}"
        )
        runs = [(s, "all") for s in args.strategies.split(",")]
        runs += [("auto", "content")] if args.content else []
        for strategy, mode in runs:
            before = served(endpoint)
            factory = s3.client_factory(endpoint, "us-east-1", None, max(32, args.concurrency))
            started = time.perf_counter()
            report = api.validate(
                [str(manifest)], check_refs=mode, s3_client=factory,
                refs=api.RefCheckOptions(strategy=strategy, concurrency=args.concurrency),
            )  # fmt: skip
            wall = time.perf_counter() - started
            refs: Any = report.extra["refs"]
            found = report.counts.get("AM307", 0)
            assert found == len(missing), (found, len(missing))
            answered = served(endpoint) - before
            assert refs["requests"] == answered, (refs["requests"], answered)
            label = "content" if mode == "content" else strategy
            print(
                f"{label:8} requests {refs['requests']:>7,}  check {refs['seconds']:6.2f} s  "
                f"{refs['distinct'] / refs['seconds']:>8,.0f} refs/s  (validate {wall:5.2f} s, "
                f"{found:,} AM307, {refs['bytes_read']:,} bytes read)"
            )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of this process (client side, all runs): {peak:,.0f} MiB")


def _tiny_jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (1, 2, 3)).save(out, "JPEG")
    return out.getvalue()


if __name__ == "__main__":
    main()
