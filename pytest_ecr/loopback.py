"""Loopback HTTP endpoints for processes the plugin's clients are not: the server, its
request handler and the bounds on what it reads; which local process sent a request.
The endpoints themselves are :mod:`pytest_ecr.serve` (the registry, replayed cassettes)
and :mod:`pytest_ecr.recording_proxy`. AWS JSON 1.1 facts relied on: see
:mod:`pytest_ecr.serve`."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from .wire import JSON_CONTENT_TYPE, TARGET_PREFIX

#: The largest request body either endpoint reads; a larger one is refused with 413.
MAX_BODY = 64 * 1024 * 1024
#: Response headers a cassette keeps (as :class:`pytest_ecr.cassettes.Engine` does).
KEEP_RESPONSE_HEADERS = ("Content-Type", "x-amzn-RequestId", "X-Amzn-ErrorType")
#: Headers about one connection (RFC 9110, 7.6.1), never passed on by the proxy.
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "content-length",
        "date",
        "server",
    }
)

Key = tuple[str, str]
_E = TypeVar("_E", bound="_Endpoint")


# -- the HTTP part both endpoints share ------------------------------------------------


@dataclass(frozen=True)
class _Request:
    headers: Message
    body: bytes
    client_port: int
    server_port: int

    def header(self, name: str) -> str | None:
        value = self.headers.get(name)
        return None if value is None else str(value)


class _Answer(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def _error(status: int, code: str, message: str) -> _Answer:
    """An AWS JSON 1.1 error: ``__type`` is the code, ``message`` the message."""
    body = json.dumps({"__type": code, "message": message}).encode()
    headers = [
        ("Content-Type", JSON_CONTENT_TYPE),
        ("x-amzn-RequestId", "pytest-ecr-serve"),
        ("X-Amzn-ErrorType", code),
    ]
    return _Answer(status, headers, body)


class _TooLarge(Exception):
    pass


class _Server(ThreadingHTTPServer):
    """A thread per connection; :meth:`close_connections` ends the idle keep-alive ones
    (a client's connection pool) so that stopping is prompt."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], endpoint: _Endpoint) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.endpoint = endpoint
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def track(self, connection: socket.socket, opened: bool) -> None:
        with self._open_lock:
            if opened:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def close_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):  # closed meanwhile
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a client's pool reuses its connections
    #: TCP_NODELAY: the headers and the body are two writes, and Nagle's algorithm would
    #: hold the second until the client's delayed ACK (40 ms a call on Linux).
    disable_nagle_algorithm = True
    server: _Server
    #: An idle connection is closed after this many seconds.
    timeout = 300

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def handle_expect_100(self) -> bool:
        if self._declared_length() > MAX_BODY:
            self._send(_too_large())
            self.close_connection = True
            return False
        return super().handle_expect_100()

    def _declared_length(self) -> int:
        try:
            return int(self.headers.get("Content-Length") or 0)
        except ValueError:
            return 0

    def do_POST(self) -> None:
        try:
            body = self._body()
        except _TooLarge:
            self._send(_too_large())
            self.close_connection = True
            return
        except ValueError as exc:
            self._send(_error(400, "SerializationException", f"unreadable request: {exc}"))
            self.close_connection = True
            return
        request = _Request(self.headers, body, self.client_address[1], self.server.server_port)
        try:
            answer = self.server.endpoint._respond(request)
        except Exception as exc:
            # The endpoint's own failure: said at once, as a 400 (a 5xx would be retried).
            answer = _error(400, "PytestEcrServeError", f"pytest-ecr serve: {exc!r}")
        self._send(answer)

    def _not_post(self) -> None:
        self._send(
            _error(
                405,
                "UnknownOperationException",
                "AWS JSON 1.1 requests are POST / with an X-Amz-Target header",
            )
        )

    do_GET = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_post

    def _body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunked()
        raw = self.headers.get("Content-Length")
        length = int(raw) if raw is not None else 0
        if length < 0:
            raise ValueError(f"Content-Length {length}")
        if length > MAX_BODY:
            raise _TooLarge
        return self.rfile.read(length)

    def _chunked(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size = int(self.rfile.readline(1024).split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(parts)
            total += size
            if total > MAX_BODY:
                raise _TooLarge
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send(self, answer: _Answer) -> None:
        try:
            self.send_response(answer.status)
            names = set()
            for name, value in answer.headers:
                names.add(name.lower())
                self.send_header(name, value)
            if "content-type" not in names:
                self.send_header("Content-Type", JSON_CONTENT_TYPE)
            self.send_header("Content-Length", str(len(answer.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: nothing to answer


def _too_large() -> _Answer:
    return _error(413, "RequestEntityTooLarge", f"request bodies are limited to {MAX_BODY} bytes")


def _loopback(host: str) -> str:
    """``host`` when it is a loopback address (``localhost`` is 127.0.0.1); else an error:
    the endpoints answer anyone who can connect, so they never listen beyond this machine."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        loopback = ip_address(host.strip("[]")).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"{host!r} is not a loopback address: pytest-ecr serves 127.0.0.1 only")
    return host.strip("[]")


class _Endpoint:
    """A threaded HTTP server on loopback; subclasses answer in :meth:`_respond`."""

    def __init__(self, host: str, port: int) -> None:
        self._address = (_loopback(host), port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, once started."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self: _E) -> _E:
        if self._server is None:
            self._before_start()
            self._server = _Server(self._address, self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"pytest-ecr {type(self).__name__}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self: _E) -> _E:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _before_start(self) -> None:
        return None

    def _respond(self, request: _Request) -> _Answer:
        raise NotImplementedError

    @staticmethod
    def _operation(request: _Request) -> str | None:
        """The ECR operation named by ``X-Amz-Target``, or ``None`` if it names none."""
        target = request.header("X-Amz-Target") or ""
        prefix, _, operation = target.partition(".")
        return operation if prefix == TARGET_PREFIX and operation else None


# -- who sent it -------------------------------------------------------------------------


def peer_process(client_port: int, server_port: int) -> str:
    """The process holding the client end of a loopback TCP connection: ``pid N
    (command line)``, or ``unknown``.

    Linux only, best effort: ``/proc/net/tcp`` and ``tcp6`` list each socket with its
    local and remote ``address:port`` (hexadecimal) and its inode; ``/proc/PID/fd/*``
    link to ``socket:[inode]``. A process of another user (without privileges) or of
    another network namespace stays unknown.
    """
    inode = _client_socket_inode(client_port, server_port)
    if inode is None:
        return "unknown"
    pid = _pid_holding(f"socket:[{inode}]")
    if pid is None:
        return "unknown"
    return f"pid {pid} ({'this process: ' if pid == os.getpid() else ''}{_command_line(pid)})"


def _client_socket_inode(client_port: int, server_port: int) -> str | None:
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) < 10:
                continue
            try:
                local = int(fields[1].rsplit(":", 1)[1], 16)
                remote = int(fields[2].rsplit(":", 1)[1], 16)
            except (IndexError, ValueError):
                continue
            if local == client_port and remote == server_port and fields[9] != "0":
                return fields[9]
    return None


def _pid_holding(link: str) -> int | None:
    try:
        pids = [int(entry.name) for entry in os.scandir("/proc") if entry.name.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with os.scandir(f"/proc/{pid}/fd") as fds:
                for fd in fds:
                    try:
                        if os.readlink(fd.path) == link:
                            return pid
                    except OSError:
                        continue
        except OSError:
            continue
    return None


def _command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    text = " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)
    return text if len(text) <= 100 else text[:97] + "..."


# -- replay ----------------------------------------------------------------------------------
