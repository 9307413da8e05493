"""A fault-injecting HTTP proxy for the plugin's own tests.

It sits between the suite and a moto server and, for the requests of one
operation, answers with a planned fault instead of (or made out of) the
server's answer. It listens on loopback only, forwards only to loopback,
bounds the bodies it reads, and shuts itself down after ``lifetime`` seconds
even if a test forgets to stop it.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from typing import Any, Literal
from urllib.parse import urlsplit

Fault = Literal[
    "500",
    "503",
    "throttle",
    "truncated",
    "html",
    "content-type",
    "reset",
    "empty",
    "slow",
    "trickle",
    "endless",
]
FAULTS: tuple[Fault, ...] = (
    "500",
    "503",
    "throttle",
    "truncated",
    "html",
    "content-type",
    "reset",
    "empty",
    "slow",
)

#: Faults botocore's standard retry mode retries: 500/502/503/504 and throttling
#: codes (botocore/retries/standard.py, ``TransientRetryableChecker`` and
#: ``ThrottledRetryableChecker``), and connection errors and read timeouts.
RETRIED: frozenset[Fault] = frozenset({"500", "503", "throttle", "html", "reset", "slow"})

MAX_BODY = 64 * 1024 * 1024
JSON = "application/x-amz-json-1.1"
GATEWAY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)


def _json_error(code: str, message: str) -> bytes:
    return json.dumps({"__type": code, "message": message}).encode()


class FaultProxy:
    """``with FaultProxy(upstream) as proxy: proxy.plan("DescribeRepositories", "500")``."""

    def __init__(self, upstream: str, *, lifetime: float = 300.0, slow_seconds: float = 3.0):
        parts = urlsplit(upstream)
        if parts.scheme != "http" or not parts.hostname or parts.port is None:
            raise ValueError(f"upstream must be http://HOST:PORT, not {upstream!r}")
        if not ip_address(socket.gethostbyname(parts.hostname)).is_loopback:
            raise ValueError(f"upstream {upstream!r} is not on loopback")
        self.upstream = (parts.hostname, parts.port)
        self.lifetime = lifetime
        self.slow_seconds = slow_seconds
        self._plans: dict[str, deque[Fault | None]] = defaultdict(deque)
        self._lock = threading.Lock()
        #: (operation, fault or None) for every request, in order.
        self.log: list[tuple[str, Fault | None]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def plan(self, operation: str, *faults: Fault | None) -> None:
        """The next requests of ``operation`` get these faults, in order (``None``: none)."""
        with self._lock:
            self._plans[operation].extend(faults)

    def faults_for(self, operation: str) -> list[Fault | None]:
        with self._lock:
            return [fault for op, fault in self.log if op == operation]

    def start(self) -> FaultProxy:
        self._thread.start()
        self._timer.start()
        return self

    def stop(self) -> None:
        if not self._stopped.is_set():
            self._stopped.set()
            self._timer.cancel()
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _next_fault(self, operation: str) -> Fault | None:
        with self._lock:
            queue = self._plans.get(operation)
            fault = queue.popleft() if queue else None
            self.log.append((operation, fault))
            return fault

    def _forward(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Any:
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read(MAX_BODY)
            return response.status, response.getheaders(), data
        finally:
            connection.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > MAX_BODY:
                    self.send_error(413)
                    return
                body = self.rfile.read(length)
                target = self.headers.get("X-Amz-Target") or ""
                operation = target.rsplit(".", 1)[-1]
                fault = proxy._next_fault(operation)
                if fault == "reset":
                    # SO_LINGER with a zero timeout: close() sends RST, not FIN.
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if fault == "500":
                    self._answer(500, JSON, _json_error("ServerException", "injected 500"))
                    return
                if fault == "503":
                    self._answer(503, JSON, _json_error("ServiceUnavailable", "injected 503"))
                    return
                if fault == "throttle":
                    self._answer(400, JSON, _json_error("ThrottlingException", "Rate exceeded"))
                    return
                if fault == "html":
                    self._answer(502, "text/html", GATEWAY_PAGE)
                    return
                if fault == "endless":
                    self._endless()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                status, upstream_headers, data = proxy._forward("POST", self.path, headers, body)
                content_type = dict((k.lower(), v) for k, v in upstream_headers).get(
                    "content-type", JSON
                )
                extra = [
                    (k, v)
                    for k, v in upstream_headers
                    if k.lower()
                    not in (
                        "content-type",
                        "content-length",
                        "connection",
                        "transfer-encoding",
                        "date",
                        "server",
                    )
                ]
                if fault == "truncated":
                    data = data[: len(data) // 2]
                elif fault == "empty":
                    data = b""
                elif fault == "content-type":
                    content_type = "text/plain; charset=utf-8"
                elif fault == "slow":
                    time.sleep(proxy.slow_seconds)
                elif fault == "trickle":
                    self._answer(status, content_type, data, extra, trickle=0.5)
                    return
                self._answer(status, content_type, data, extra)

            def _endless(self) -> None:
                """A 200 whose body never ends, as fast as the client reads it."""
                chunk = b"x" * (1024 * 1024)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", JSON)
                    self.send_header("Connection", "close")
                    self.end_headers()
                    deadline = time.monotonic() + proxy.lifetime
                    while time.monotonic() < deadline:
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            def _answer(
                self,
                status: int,
                content_type: str,
                body: bytes,
                extra: list[tuple[str, str]] | None = None,
                trickle: float = 0.0,
            ) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for key, value in extra or ():
                        self.send_header(key, value)
                    if not any(k.lower() == "x-amzn-requestid" for k, _ in extra or ()):
                        self.send_header("x-amzn-RequestId", "fault-proxy")
                    self.end_headers()
                    if not trickle:
                        self.wfile.write(body)
                        return
                    for n in range(len(body)):  # a byte at a time, each in time
                        self.wfile.write(body[n : n + 1])
                        self.wfile.flush()
                        time.sleep(trickle)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a read timeout): nothing to answer.
                    self.close_connection = True

        return Handler


@contextmanager
def fault_proxy(upstream: str, **options: Any) -> Iterator[FaultProxy]:
    with FaultProxy(upstream, **options) as proxy:
        yield proxy
