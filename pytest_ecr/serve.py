"""The cassettes over HTTP: an ECR endpoint for processes pytest-ecr's clients are not.

The plugin records and replays the calls of its own botocore clients in process
(:mod:`pytest_ecr.cassettes`). The AWS CLI, a Go or JavaScript program, or a deploy script
a test starts reach ECR over HTTP; for them this module has:

- :class:`ReplayServer`: answers ECR requests from the cassettes, on loopback;
- :class:`RecordingProxy`: forwards ECR requests to a live target and records them
  into the same cassettes, in the same format;
- :func:`serve_main`: ``pytest-ecr serve --cassette-dir DIR``, the replay endpoint
  outside pytest.

Point a program at either with ``AWS_ENDPOINT_URL_ECR`` (or its SDK's endpoint option).

AWS JSON 1.1 facts relied on (Smithy, "AWS JSON 1.1 protocol",
https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html):

- every request is an HTTP ``POST`` to ``/``; the operation is the ``X-Amz-Target``
  header, ``<targetPrefix>.<operation>`` (ECR's prefix is
  :data:`~pytest_ecr.wire.TARGET_PREFIX`), and the input is the JSON body, of
  ``Content-Type: application/x-amz-json-1.1``: so a request is identified by the
  operation and the body alone, whichever client or SDK sent it, and host, signature,
  dates and user agent never take part in matching;
- an error is a non-2xx status with a JSON body whose ``__type`` is the error code and
  ``message`` the message; clients read the code from ``__type`` (botocore's
  ``parsers.py``), and retry only throttling codes and 5xx statuses (botocore's
  ``retries/standard.py`` and the legacy ``_retry.json``), so a replay mismatch is a
  400 ``ReplayMismatch``: the client fails at once, with the message, never retrying;
- requests are signed with Signature Version 4 over the ``Host`` header among others
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
  service name ``ecr``: a client pointed at the proxy signed for the proxy's host, so
  the proxy signs again, for the upstream, with its own credentials.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from pathlib import Path
from types import FrameType
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

from .cassettes import (
    INDEX,
    CassetteError,
    Pool,
    cassette_path,
    first_difference,
    read_cassette,
    read_index,
    recording_meta,
    write_cassette,
    write_index,
)
from .scrub import Scrubber
from .wire import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange, canonical_body

__all__ = ["MAX_BODY", "RecordingProxy", "ReplayServer", "peer_process", "serve_main"]

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


class _Miss(Exception):
    """No recorded answer; the message says why (without who asked). ``repeated``: the
    request was recorded, fewer times than it is sent."""

    def __init__(self, message: str, *, repeated: bool = False) -> None:
        super().__init__(message)
        self.repeated = repeated


class _Playback:
    """The matching of :class:`pytest_ecr.cassettes.Engine`, without botocore: calls by
    ``(operation, canonical body)``; a scope's own cassette first, each interaction once
    and in order per key; then the pool of every cassette. Not thread-safe: the server
    holds its lock around each lookup."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._parsed: dict[Path, tuple[dict[str, Any], list[Exchange]]] = {}
        self._queues: dict[str, dict[Key, deque[Exchange]]] = {}
        self._pool: Pool | None = None
        #: Unscoped playback: every cassette's calls of a key, in file order.
        self._run: dict[Key, list[Exchange]] | None = None
        self._served: dict[Key, int] = {}

    def read(self, path: Path) -> tuple[dict[str, Any], list[Exchange]]:
        """Each cassette parsed once (the server replays; nothing rewrites them)."""
        if path not in self._parsed:
            self._parsed[path] = read_cassette(path)
        return self._parsed[path]

    def load_all(self) -> None:
        """Read every cassette now (a bad one is an error at start, not at a request)."""
        if self._run is None:
            run: dict[Key, list[Exchange]] = {}
            for path in sorted(self.root.rglob("*.yaml")):
                for interaction in self.read(path)[1]:
                    run.setdefault(interaction.key, []).append(interaction)
            self._run = run

    def forget(self, scope: str) -> None:
        self._queues.pop(scope, None)

    def _queue(self, scope: str) -> dict[Key, deque[Exchange]]:
        if scope not in self._queues:
            path = cassette_path(self.root, scope)
            queues: dict[Key, deque[Exchange]] = {}
            if path.exists():
                for interaction in self.read(path)[1]:
                    queues.setdefault(interaction.key, deque()).append(interaction)
            self._queues[scope] = queues
        return self._queues[scope]

    def answer(self, scope: str | None, key: Key) -> Exchange:
        if scope is None:
            return self._answer_unscoped(key)
        queues = self._queue(scope)
        if key in queues:
            if queues[key]:
                return queues[key].popleft()
            recorded = sum(i.key == key for i in self.read(cassette_path(self.root, scope))[1])
            raise _Miss(
                f"this request is sent more often than its cassette "
                f"{cassette_path(self.root, scope)} recorded it ({recorded} times)",
                repeated=True,
            )
        if self._pool is None:
            self._pool = Pool(self.root, lambda calls: [i.key for i in calls], self.read)
        found = self._pool.find(scope, key)
        if found is None:
            raise _Miss(
                f"no recorded interaction for it in {cassette_path(self.root, scope)} or "
                f"the other cassettes under {self.root}"
            )
        return found

    def _answer_unscoped(self, key: Key) -> Exchange:
        self.load_all()
        assert self._run is not None
        calls = self._run.get(key)
        if not calls:
            raise _Miss(f"no recorded interaction for it in the cassettes under {self.root}")
        served = self._served.get(key, 0)
        self._served[key] = served + 1
        return calls[min(served, len(calls) - 1)]

    def recorded_bodies(self, scope: str | None, operation: str) -> list[str]:
        """The recorded requests of ``operation``: the scope's own, else any cassette's."""
        if scope is not None:
            own = [body for (op, body) in self._queue(scope) if op == operation]
            if own:
                return own
        self.load_all()
        assert self._run is not None
        return [body for (op, body) in self._run if op == operation]


def _parsed(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


_ABSENT = object()


def _distance(recorded: Any, sent: Any) -> int:
    """How many leaves two parsed bodies differ in (to pick the closest recorded one)."""
    if isinstance(recorded, dict) and isinstance(sent, dict):
        return sum(
            _distance(recorded.get(k, _ABSENT), sent.get(k, _ABSENT))
            for k in set(recorded) | set(sent)
        )
    if isinstance(recorded, list) and isinstance(sent, list):
        pairs = sum(_distance(a, b) for a, b in zip(recorded, sent, strict=False))
        return pairs + abs(len(recorded) - len(sent))
    return 0 if recorded == sent else 1


def _closest_difference(recorded: list[str], sent: str) -> str | None:
    sent_data = _parsed(sent)
    candidates = [_parsed(body) for body in recorded]
    if not candidates:
        return None
    closest = min(candidates, key=lambda c: _distance(c, sent_data))
    return first_difference(closest, sent_data)


class ReplayServer(_Endpoint):
    """An ECR endpoint on loopback answering from the cassettes under ``root``.

    Matching is :mod:`pytest_ecr.cassettes`'s: the ``X-Amz-Target`` operation and the
    canonical JSON body (:func:`pytest_ecr.wire.canonical_body`), nothing else, so any
    client or SDK, signed for any host, matches.

    With ``scope`` (a callable giving the running test's node id, called in the
    server's thread for each request, so not a context variable): the test's own
    cassette (:func:`pytest_ecr.cassettes.cassette_path`) first, each interaction once
    and in order per key, a key asked for more often than recorded being a mismatch;
    then, for a request its cassette never had, any cassette under ``root``
    (:class:`pytest_ecr.cassettes.Pool`, the test's module first).

    Without ``scope`` (``pytest-ecr serve``): every cassette under ``root``, in path
    order; each call of a key once and in order, then the last one again, so a program
    that polls sees the recorded sequence and a second run of it still gets answers.

    A request the cassettes lack is answered at once with HTTP 400 and
    ``{"__type": "ReplayMismatch", "message": ...}``, the message naming the test, the
    operation, the process that sent it (:func:`peer_process`) and the first field in
    which it differs from the closest recorded request of the operation; the message is
    also kept in :attr:`mismatches` (and passed to ``on_mismatch``).
    """

    def __init__(
        self,
        root: Path,
        *,
        scope: Callable[[], str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        on_mismatch: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(host, port)
        self.root = Path(root)
        self._scope = scope
        self._on_mismatch = on_mismatch
        self._playback = _Playback(self.root)
        self._lock = threading.Lock()
        #: Every request that could not be answered from the cassettes, as answered.
        self.mismatches: list[str] = []
        #: How many requests were answered from the cassettes.
        self.answered = 0

    def _before_start(self) -> None:
        """Unscoped, every cassette is read before listening (a bad one raises
        :class:`~pytest_ecr.cassettes.CassetteError` from :meth:`start`)."""
        if self._scope is None:
            with self._lock:
                self._playback.load_all()

    def finish(self, scope: str) -> None:
        """Forget what ``scope`` replayed: the next request of it starts its cassette anew."""
        with self._lock:
            self._playback.forget(scope)

    def _respond(self, request: _Request) -> _Answer:
        operation = self._operation(request)
        scope = self._scope() if self._scope is not None else None
        if operation is None:
            target = request.header("X-Amz-Target")
            return self._mismatch(
                scope,
                request,
                f"{'no X-Amz-Target' if target is None else f'X-Amz-Target {target!r}'}: not an "
                f"ECR request (AWS JSON 1.1 names the operation as {TARGET_PREFIX}.<operation>)",
            )
        canonical = canonical_body(request.body)
        try:
            with self._lock:
                found = self._playback.answer(scope, (operation, canonical))
                self.answered += 1
        except _Miss as miss:
            detail = ""
            if not miss.repeated:
                with self._lock:
                    recorded = self._playback.recorded_bodies(scope, operation)
                difference = _closest_difference(recorded, canonical)
                detail = (
                    f" (first difference from the recorded {operation}: {difference})"
                    if difference
                    else f" (no cassette has a {operation} call)"
                )
            return self._mismatch(
                scope,
                request,
                f"{operation}: {miss}{detail}; re-record it against a live target "
                "(pytest_ecr.serve.RecordingProxy, or --ecr-record-mode=all)",
            )
        except CassetteError as exc:
            return self._mismatch(scope, request, str(exc))
        headers = list(found.headers.items())
        return _Answer(found.status or 200, headers, found.body)

    def _mismatch(self, scope: str | None, request: _Request, what: str) -> _Answer:
        who = scope if scope is not None else f"pytest-ecr serve {self.root}"
        sender = peer_process(request.client_port, request.server_port)
        message = f"{who}: {what} [sent by {sender}]"
        with self._lock:
            self.mismatches.append(message)
        if self._on_mismatch is not None:
            self._on_mismatch(message)
        return _error(400, "ReplayMismatch", message)


# -- recording ----------------------------------------------------------------------------


class RecordingProxy(_Endpoint):
    """A loopback proxy that forwards each ECR request to ``upstream`` (a moto server, an
    emulator, or ``https://api.ecr.REGION.amazonaws.com``) and records the exchange into
    the cassette of ``scope()`` (the running test's node id, called in the proxy's thread
    for each request), for :meth:`finish` to write.

    Only ECR requests (``POST`` with an ECR ``X-Amz-Target``) are forwarded, and only their
    operation, content type and body: the client's ``Authorization``,
    ``X-Amz-Security-Token`` and every other header stay here. The forwarded request is
    signed anew (Signature Version 4, service ``ecr``, ``region``) with ``credentials``
    (access key id, secret key, session token or ``None``), or with fixed fake
    credentials when they are ``None``, as emulator targets are: the client signed for
    the proxy's host, which a signature covers.

    What is recorded is scrubbed as :class:`pytest_ecr.cassettes.Engine` scrubs it: the
    request's body through ``scrubber.text``, the answer through
    ``scrubber.response_body``, and only the ``Content-Type``, ``x-amzn-RequestId`` and
    ``X-Amzn-ErrorType`` response headers kept. Every attempt a client makes is recorded
    as it happened (a 5xx and its retry alike), so a replay takes the same path. An
    upstream that cannot be reached gets the client a 502, which is not recorded.
    """

    def __init__(
        self,
        upstream: str,
        root: Path,
        *,
        scope: Callable[[], str],
        scrubber: Scrubber,
        credentials: tuple[str, str, str | None] | None,
        region: str,
        target: str = "url",
        host: str = "127.0.0.1",
        port: int = 0,
        timeout: float = 60.0,
    ) -> None:
        super().__init__(host, port)
        parts = urlsplit(upstream)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"upstream must be an http(s)://HOST[:PORT] URL, not {upstream!r}")
        self.upstream = upstream
        self.root = Path(root)
        self.scrubber = scrubber
        self.region = region
        self.timeout = timeout
        self._parts = parts
        self._scope = scope
        self._credentials = credentials
        self._meta = recording_meta(target)
        self._lock = threading.Lock()
        self._recorded: dict[str, list[Exchange]] = {}
        #: Requests that could not be forwarded (answered 502, not recorded).
        self.errors: list[str] = []
        #: The cassettes :meth:`finish` wrote.
        self.written: list[Path] = []

    def recorded(self, scope: str) -> list[Exchange]:
        """What ``scope`` recorded so far (scrubbed), not yet written."""
        with self._lock:
            return list(self._recorded.get(scope, []))

    def take(self, scope: str) -> list[Exchange]:
        """What ``scope`` recorded, handed over (to the run's engine, which writes it with
        the calls the test made in process); forgotten here."""
        with self._lock:
            return self._recorded.pop(scope, [])

    def finish(self, scope: str, *, complete: bool = True) -> Path | None:
        """Write ``scope``'s cassette, whole and atomically (replacing one that exists),
        and the directory's index if it has none; ``None`` if it recorded nothing. A
        recording that is not ``complete`` (its test failed) never replaces a cassette."""
        with self._lock:
            recorded = self._recorded.pop(scope, None)
        if not recorded:
            return None
        path = cassette_path(self.root, scope)
        if not complete and path.exists():
            return None
        write_cassette(path, recorded, self._meta)
        if not (self.root / INDEX).exists():
            write_index(self.root, self._meta)
        self.written.append(path)
        return path

    def _respond(self, request: _Request) -> _Answer:
        operation = self._operation(request)
        if operation is None:
            return _error(
                400,
                "RecordingProxyError",
                f"X-Amz-Target {request.header('X-Amz-Target')!r} is not an ECR operation "
                f"({TARGET_PREFIX}.<operation>): not forwarded",
            )
        scope = self._scope()
        try:
            status, headers, body = self._forward(request)
        except (OSError, http.client.HTTPException, _TooLarge) as exc:
            message = f"{scope}: {operation} could not be forwarded to {self.upstream}: {exc!r}"
            with self._lock:
                self.errors.append(message)
            return _error(502, "RecordingProxyError", message)
        keep = {h.lower() for h in KEEP_RESPONSE_HEADERS}
        with self._lock:  # the scrubber may learn the account id from an answer
            recorded = Exchange(
                operation,
                canonical=self.scrubber.text(canonical_body(request.body)),
                status=status,
                headers={k: v for k, v in headers if k.lower() in keep},
                body=self.scrubber.response_body(operation, body.decode("utf-8", "replace")),
            )
            self._recorded.setdefault(scope, []).append(recorded)
        passed = [(k, v) for k, v in headers if k.lower() not in _HOP_BY_HOP]
        return _Answer(status, passed, body)

    def _host_header(self) -> str:
        parts = self._parts
        default = 443 if parts.scheme == "https" else 80
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        return host if parts.port in (None, default) else f"{host}:{parts.port}"

    def _signed_headers(self, request: _Request) -> dict[str, str]:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        from .targets import FAKE_CREDENTIALS

        if self._credentials is None:
            credentials = Credentials(
                FAKE_CREDENTIALS["aws_access_key_id"], FAKE_CREDENTIALS["aws_secret_access_key"]
            )
        else:
            credentials = Credentials(*self._credentials)
        headers = {
            "Host": self._host_header(),
            "Content-Type": request.header("Content-Type") or JSON_CONTENT_TYPE,
            "X-Amz-Target": request.header("X-Amz-Target") or "",
        }
        url = f"{self._parts.scheme}://{self._parts.netloc}{self._parts.path or '/'}"
        aws = AWSRequest(method="POST", url=url, data=request.body, headers=headers)
        SigV4Auth(credentials, "ecr", self.region).add_auth(aws)
        return {str(k): str(v) for k, v in aws.headers.items()}

    def _forward(self, request: _Request) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = self._signed_headers(request)
        headers["User-Agent"] = "pytest-ecr-recording-proxy"
        parts = self._parts
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname or "", parts.port, timeout=self.timeout
            )
        try:
            connection.request("POST", parts.path or "/", body=request.body, headers=headers)
            response = connection.getresponse()
            body = response.read(MAX_BODY + 1)
            if len(body) > MAX_BODY:
                raise _TooLarge(f"the answer is over {MAX_BODY} bytes")
            return response.status, response.getheaders(), body
        finally:
            connection.close()


# -- pytest-ecr serve -------------------------------------------------------------------


def _bad_directory(root: Path) -> str | None:
    if not root.exists():
        return f"{root}: no such directory"
    if not root.is_dir():
        return f"{root}: not a directory"
    if not (root / INDEX).is_file():
        return (
            f"{root}: no {INDEX}, so not a cassette directory (record cassettes first, "
            "with --ecr-record-mode=all or pytest_ecr.serve.RecordingProxy)"
        )
    return None


def serve_main(argv: Sequence[str] | None = None) -> int:
    """``pytest-ecr serve --cassette-dir DIR [--port P] [--host 127.0.0.1]``: the replay
    endpoint outside pytest, answering from every cassette of DIR (no test scope), until
    Ctrl-C or SIGTERM. A directory that is not a cassette directory, or a cassette that
    cannot be read, is one line on stderr and exit status 2."""
    parser = argparse.ArgumentParser(
        prog="pytest-ecr serve",
        description="Answer ECR requests from recorded cassettes, on loopback, offline.",
    )
    parser.add_argument("--cassette-dir", type=Path, required=True, metavar="DIR")
    parser.add_argument("--port", type=int, default=0, help="0 (default): any free port")
    parser.add_argument("--host", default="127.0.0.1", help="a loopback address")
    args = parser.parse_args(argv)
    root: Path = args.cassette_dir

    def fail(message: str) -> int:
        print("pytest-ecr serve: " + " ".join(message.split()), file=sys.stderr)
        return 2

    problem = _bad_directory(root)
    if problem:
        return fail(problem)
    try:
        read_index(root)
        server = ReplayServer(
            root,
            host=args.host,
            port=args.port,
            on_mismatch=lambda message: print(message, file=sys.stderr, flush=True),
        )
        server.start()
    except (CassetteError, ValueError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"cannot listen on {args.host}:{args.port} ({exc.strerror or exc})")

    stop = threading.Event()
    previous: dict[int, Any] = {}
    in_main = threading.current_thread() is threading.main_thread()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Ctrl-C and SIGTERM only set the event: no KeyboardInterrupt can land halfway through
    # printing the address or stopping the server.
    if in_main:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, on_signal)
    try:
        print(f"serving {root} on {server.url} (set AWS_ENDPOINT_URL_ECR to it)", flush=True)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:  # a handler installed by whoever called us in a thread
        pass
    finally:
        server.stop()
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


if __name__ == "__main__":
    raise SystemExit(serve_main())


class RegistryServer(_Endpoint):
    """The in-process moto target's registry (:mod:`pytest_ecr.inprocess`) on loopback:
    another process (the AWS CLI, a script, another SDK) sees what the fixtures made."""

    def __init__(self, answer: Callable[[Any], Any], *, host: str = "127.0.0.1") -> None:
        super().__init__(host, 0)
        self._answer = answer

    def _respond(self, request: _Request) -> _Answer:
        from botocore.awsrequest import AWSPreparedRequest, HTTPHeaders

        if self._operation(request) is None:
            return _error(400, "UnknownOperationException", "not an ECR request")
        sent = HTTPHeaders()
        for key, value in request.headers.items():
            sent[key] = str(value)
        prepared = AWSPreparedRequest(
            method="POST",
            url=self.url + "/",
            headers=sent,
            body=request.body,
            stream_output=False,
        )
        response = self._answer(prepared)
        if response is None:
            return _error(400, "UnknownOperationException", "not an ECR request")
        headers = [(str(k), str(v)) for k, v in response.headers.items()]
        return _Answer(int(response.status_code), headers, bytes(response.content))
