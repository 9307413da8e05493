"""The adapters that put an :class:`~.core.Enforcer` in front of moto: in-process
(``mock_aws``, whose one botocore stubber answers every client) and ``ThreadedMotoServer``
(a WSGI app)."""

from __future__ import annotations

import http
import io
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from moto.server import ThreadedMotoServer

from .answers import Answer
from .core import Enforcer

# -- adapter: in-process moto --------------------------------------------------


_lock = threading.RLock()
_active: list[Enforcer] = []
_MISSING: Any = object()
_saved: Any = _MISSING


def _stubber() -> Any:
    from moto.core.models import botocore_stubber

    return botocore_stubber


def _header(headers: Any, name: str) -> Any:
    try:
        return headers.get(name)
    except AttributeError:
        return None


def _copy_headers(headers: Any) -> Any:
    """A copy of a request's headers (botocore's ``HeadersDict``, or a mapping)."""
    copy = getattr(headers, "copy", None)
    if callable(copy):
        return copy()
    return {k: v for k, v in headers.items()}


def _innermost() -> Enforcer | None:
    return _active[-1] if _active else None


def enforced_process(original: Callable[[Any], Any], enforcer: Enforcer) -> Callable[[Any], Any]:
    """``original`` (a ``process_request(request) -> (status, headers, body)`` of moto's)
    with ``enforcer`` in front of it."""
    return _make_in_process(original, lambda: enforcer)


def _make_in_process(
    original: Callable[[Any], Any], current: Callable[[], Enforcer | None] = _innermost
) -> Callable[[Any], Any]:
    from botocore.awsrequest import AWSPreparedRequest

    def enforced_process_request(request: Any) -> Any:
        enforcer = current()
        if enforcer is None:
            return original(request)
        operation = enforcer.operation_for_target(_header(request.headers, "X-Amz-Target"))
        if operation is None:
            return original(request)
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)):
            return original(request)  # a stream: not an AWS JSON request

        def call_next(new_body: bytes) -> Answer:
            forwarded = request
            if new_body != body:
                headers = _copy_headers(request.headers)
                if "Content-Length" in headers:
                    headers["Content-Length"] = str(len(new_body))
                forwarded = AWSPreparedRequest(
                    method=request.method,
                    url=request.url,
                    headers=headers,
                    body=new_body,
                    stream_output=request.stream_output,
                    context=getattr(request, "context", None),
                )
            result = original(forwarded)
            if result is None:
                raise RuntimeError(f"moto passed the ECR {operation} request through")
            status, headers_out, body_out = result
            return Answer(int(status), dict(headers_out), body_out)

        answer = enforcer.handle(operation, body, call_next)
        if answer is None:
            return original(request)
        return answer.status, answer.headers, answer.body

    enforced_process_request.__pytest_ecr_enforcement__ = True  # type: ignore[attr-defined]
    return enforced_process_request


def start_in_process(enforcer: Enforcer | None = None) -> Enforcer:
    """Make in-process moto enforce ``enforcer`` (default: a new :class:`Enforcer`).

    moto answers in-process requests from one ``BotocoreStubber`` object, registered as
    a botocore ``before-send`` handler in ``botocore.handlers.BUILTIN_HANDLERS``
    (``moto/core/models.py``); every client, made before or after ``mock_aws()``
    started, calls that same object, and it calls its ``process_request(request)``
    while a mock is active. This sets an instance attribute ``process_request`` on it
    that enforces and then calls the original, so a ``mock_aws()`` of the user's own is
    enforced too, and nothing of moto's is replaced for good: :func:`stop_in_process`
    removes the attribute. Calls nest; the innermost enforcer answers.
    """
    global _saved
    enforcer = enforcer or Enforcer()
    with _lock:
        stubber = _stubber()
        if not _active:
            _saved = stubber.__dict__.get("process_request", _MISSING)
            stubber.process_request = _make_in_process(stubber.process_request)
        _active.append(enforcer)
    return enforcer


def stop_in_process(enforcer: Enforcer) -> None:
    """Undo one :func:`start_in_process`; the last one restores moto as it was."""
    global _saved
    with _lock:
        for index in range(len(_active) - 1, -1, -1):
            if _active[index] is enforcer:
                del _active[index]
                break
        else:
            raise RuntimeError("this enforcer is not active in-process")
        if not _active:
            stubber = _stubber()
            if _saved is _MISSING:
                stubber.__dict__.pop("process_request", None)
            else:
                stubber.process_request = _saved
            _saved = _MISSING


@contextmanager
def enforce_in_process(enforcer: Enforcer | None = None) -> Iterator[Enforcer]:
    """Enforce the model on in-process moto inside the ``with`` block.

    Works whether the block starts ``moto.mock_aws()`` itself or runs inside one; on
    exit (also on an exception) moto is as it was::

        with moto.mock_aws(), enforce_in_process():
            client.create_repository(repositoryName="Bad_Name")  # InvalidParameterException
    """
    active = start_in_process(enforcer)
    try:
        yield active
    finally:
        stop_in_process(active)


def in_process_active() -> Enforcer | None:
    """The enforcer answering in-process requests now, if any."""
    return _active[-1] if _active else None


# -- adapter: WSGI (moto-server) ------------------------------------------------

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _read_body(environ: dict[str, Any]) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        return bytes(stream.read(int(length)))
    if environ.get("wsgi.input_terminated"):
        return bytes(stream.read())
    return b""


@dataclass
class EnforcedWsgiApp:
    """A WSGI app that enforces the model on ECR requests and passes the rest to ``app``."""

    app: WsgiApp
    enforcer: Enforcer = field(default_factory=Enforcer)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        enforcer = self.enforcer
        operation = enforcer.operation_for_target(environ.get("HTTP_X_AMZ_TARGET"))
        if operation is None:
            return self.app(environ, start_response)
        body = _read_body(environ)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        def call_next(new_body: bytes) -> Answer:
            env = dict(environ)
            env["wsgi.input"] = io.BytesIO(new_body)
            env["CONTENT_LENGTH"] = str(len(new_body))
            return self._call_app(env)

        answer = enforcer.handle(operation, body, call_next)
        if answer is None:
            return self.app(environ, start_response)
        data = answer.body_bytes()
        headers = [(k, v) for k, v in answer.headers.items() if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(data))))
        start_response(f"{answer.status} {_reason(answer.status)}", headers)
        return [data]

    def _call_app(self, environ: dict[str, Any]) -> Answer:
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            captured["status"] = status
            captured["headers"] = headers
            return chunks.append

        result = self.app(environ, start_response)
        try:
            chunks.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = int(str(captured.get("status", "500")).split(" ", 1)[0])
        headers = dict(captured.get("headers", []))
        return Answer(status, headers, b"".join(chunks))


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def wrap_wsgi(app: WsgiApp, enforcer: Enforcer | None = None) -> EnforcedWsgiApp:
    """``app`` with the model enforced on its ECR requests (``X-Amz-Target`` of ECR's)."""
    return EnforcedWsgiApp(app, enforcer or Enforcer())


def enforce_server(server: ThreadedMotoServer, enforcer: Enforcer | None = None) -> Enforcer:
    """Enforce the model on a started ``ThreadedMotoServer``.

    ``ThreadedMotoServer._server_entry`` makes a werkzeug server around a
    ``DomainDispatcherApplication`` (``moto/moto_server/threaded_moto_server.py``), and
    werkzeug's request handler calls ``self.server.app`` for each request
    (``werkzeug/serving.py``, ``WSGIRequestHandler.run_wsgi``). This replaces that
    ``app`` with :func:`wrap_wsgi` of it; call it right after ``server.start()``, before
    any client uses the server. :func:`unenforce_server` puts the original back.
    """
    wsgi_server = getattr(server, "_server", None)
    if wsgi_server is None:
        raise RuntimeError("enforce_server: start the ThreadedMotoServer first")
    current = wsgi_server.app
    if isinstance(current, EnforcedWsgiApp):
        if enforcer is not None:
            current.enforcer = enforcer
        return current.enforcer
    wrapped = wrap_wsgi(current, enforcer)
    wsgi_server.app = wrapped
    return wrapped.enforcer


def unenforce_server(server: ThreadedMotoServer) -> None:
    """Undo :func:`enforce_server`."""
    wsgi_server = getattr(server, "_server", None)
    if wsgi_server is not None and isinstance(wsgi_server.app, EnforcedWsgiApp):
        wsgi_server.app = wsgi_server.app.app
