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
import json
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .cassettes import (
    INDEX,
    CassetteError,
    Pool,
    cassette_path,
    first_difference,
    read_cassette,
    read_index,
)
from .wire import TARGET_PREFIX, Exchange, canonical_body

__all__ = ["MAX_BODY", "RecordingProxy", "ReplayServer", "peer_process", "serve_main"]
from .loopback import (
    MAX_BODY,
    Key,
    _Answer,
    _Endpoint,
    _error,
    _Request,
    peer_process,
)
from .recording_proxy import RecordingProxy


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
