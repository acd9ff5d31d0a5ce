"""A small S3 endpoint on 127.0.0.1 that misbehaves on purpose, for the fault-injection tests.

It speaks just enough S3 for boto3's GetObject and HeadObject with path-style
addressing (``--endpoint-url http://127.0.0.1:PORT``): ``/bucket/key``, ETags,
``Range: bytes=N-`` and ``If-Match``. Each object can be given a :class:`Fault`:

- ``hang``: read the request, never answer (until the server stops);
- ``reset``: close the connection with a TCP reset before answering;
- ``slowdown``: answer 503 SlowDown, as a throttled S3 does;
- ``break_at=N``: send the headers with the full length, N bytes of the body, then close;
- ``throttle=S``: send the body slowly, a 64 KiB piece every S seconds;
- ``change``: serve a new version of the object (another ETag).

An object gets a list of faults, one per request in turn: the first request meets
the first fault, and so on; ``None`` or the end of the list means a normal answer.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit


@dataclass
class Fault:
    hang: bool = False
    reset: bool = False
    slowdown: bool = False
    break_at: int | None = None
    throttle: float | None = None
    change: bool = False


@dataclass
class Request:
    method: str
    bucket: str
    key: str
    headers: dict[str, str]


@dataclass
class FakeS3:
    """The state behind the endpoint: objects, faults, and every request received."""

    url: str = ""
    objects: dict[tuple[str, str], bytes] = field(default_factory=dict)
    faults: dict[tuple[str, str], list[Fault | None]] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    hanging: threading.Event = field(default_factory=threading.Event)  # a request is being held
    lock: threading.Lock = field(default_factory=threading.Lock)

    def put(self, bucket: str, key: str, data: bytes, *faults: Fault | None) -> str:
        """Store an object and the faults of its requests, in turn; return its s3:// URI."""
        self.objects[bucket, key] = data
        self.faults[bucket, key] = list(faults)
        return f"s3://{bucket}/{key}"

    def gets(self, key: str) -> list[Request]:
        return [r for r in self.requests if r.key == key and r.method == "GET"]

    def fault_for(self, bucket: str, key: str) -> Fault | None:
        """The fault for the request just recorded for this object."""
        with self.lock:
            seen = sum(1 for r in self.requests if (r.bucket, r.key) == (bucket, key)) - 1
        faults = self.faults.get((bucket, key), [])
        return faults[seen] if seen < len(faults) else None


def etag(data: bytes) -> str:
    return '"' + hashlib.md5(data).hexdigest() + '"'


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def do_GET(self) -> None:
        self._serve(body=True)

    def _serve(self, body: bool) -> None:
        state = self.server.state
        path = unquote(urlsplit(self.path).path)
        bucket, _, key = path.lstrip("/").partition("/")
        with state.lock:
            state.requests.append(Request(self.command, bucket, key, dict(self.headers)))
        fault = state.fault_for(bucket, key)
        data = state.objects.get((bucket, key))
        if fault is not None and fault.change and data is not None:
            data = data[::-1] + b"v2"  # another version
        if fault is not None and fault.hang:
            state.hanging.set()
            state.stopping.wait()
            return self._reset()
        if fault is not None and fault.reset:
            return self._reset()
        if fault is not None and fault.slowdown:
            return self._error(503, "SlowDown", "Please reduce your request rate.")
        if data is None:
            return self._error(404, "NoSuchKey", "The specified key does not exist.")
        tag = etag(data)
        if_match = self.headers.get("If-Match")
        if if_match is not None and if_match != tag:
            return self._error(
                412, "PreconditionFailed", "At least one of the preconditions failed."
            )
        start = _range_start(self.headers.get("Range"))
        part = data[start:]
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(part)))
        self.send_header("ETag", tag)
        self.send_header("Content-Type", "application/octet-stream")
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if body:
            self._send_body(part, fault)

    def _send_body(self, part: bytes, fault: Fault | None) -> None:
        cut = fault.break_at if fault is not None and fault.break_at is not None else None
        pause = fault.throttle if fault is not None else None
        payload = part if cut is None else part[:cut]
        piece = 64 << 10 if pause else 1 << 20
        try:
            for at in range(0, len(payload), piece):
                if self.server.state.stopping.is_set():
                    return self._reset()
                self.wfile.write(payload[at : at + piece])
                if pause:
                    self.wfile.flush()
                    time.sleep(pause)
            self.wfile.flush()
        except OSError:
            return None
        if cut is not None:  # a clean close: the bytes sent all arrive, then the body ends early
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)

    def _error(self, status: int, code: str, message: str) -> None:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
            f"<Message>{message}</Message><RequestId>fake</RequestId></Error>"
        ).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0), as a dropped connection looks to the client."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


def _range_start(header: str | None) -> int:
    if not header or not header.startswith("bytes="):
        return 0
    return int(header[6:].split("-", 1)[0] or 0)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: FakeS3


@contextmanager
def serve() -> Iterator[FakeS3]:
    """Run a :class:`FakeS3` on a free port of 127.0.0.1 until the block ends."""
    server = _Server(("127.0.0.1", 0), _Handler)
    state = FakeS3(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.state = state
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
