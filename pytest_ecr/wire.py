"""The one botocore tap: every ECR call as one exchange record, and the AWS JSON 1.1 facts.

botocore emits three events per attempt of a call: ``request-created`` (the signed request
exists), ``before-send`` (a handler may answer instead of the network) and
``before-parse`` (the raw answer, before botocore's parser hides anything). A
:class:`Tap` registers on them once per client and hands one :class:`Exchange` to its
subscribers, in the order :data:`ORDER` gives:

- ``observe``: learns from every answer (which operations a target implements);
- ``cassettes``: answers from a recording (replay) or records the answer;
- ``reference``: keeps the answer for differential mode;
- ``contract``: checks the request against the model and classifies the answer (it
  may raise, so it comes last: everything before it has seen the answer).

Protocol facts are from Smithy's "AWS JSON 1.1 protocol"
(https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html) and botocore's JSON
parser (``botocore/parsers.py``).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import threading
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Final

#: The ``X-Amz-Target`` prefix of ECR operations (the model's ``targetPrefix``).
TARGET_PREFIX: Final = "AmazonEC2ContainerRegistry_V20150921"
#: AWS JSON 1.1 bodies carry this media type, both ways.
JSON_CONTENT_TYPE: Final = "application/x-amz-json-1.1"
#: The request id header; botocore reads it into ``ResponseMetadata.RequestId``
#: (``botocore/parsers.py``, ``_inject_response_metadata``).
REQUEST_ID_HEADER: Final = "x-amzn-requestid"
#: Where a server may send the error code besides the body's ``__type``.
ERROR_TYPE_HEADER: Final = "x-amzn-errortype"

#: Error codes that emulators use for an operation they do not implement.
UNSUPPORTED_CODES: Final = frozenset(
    {
        "UnknownOperationException",  # Smithy/Coral front ends for an unknown X-Amz-Target
        "InvalidAction",  # documented common error: "The action or operation requested is invalid"
        "NotImplemented",
        "NotImplementedException",
        "NotImplementedError",
    }
)
#: Statuses that mean "no such operation here".
UNSUPPORTED_STATUSES: Final = frozenset({404, 405, 501})

#: Request bodies' strings longer than this are matched and stored as their digest.
LARGE: Final = 1024


def header_of(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def error_code(type_value: str) -> str:
    """The code in an ``__type`` value: drop a ``namespace#`` prefix and a ``:uri`` suffix.

    Smithy, "awsJson1_1 protocol", Operation error serialization: "If a # character
    is present, then take only the contents after the first # character", and
    likewise the contents before the first ``:``.
    """
    code = type_value.split("#", 1)[1] if "#" in type_value else type_value
    return code.split(":", 1)[0]


def _digest_large(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LARGE:
        digest = hashlib.sha256(value.encode()).hexdigest()
        return f"<sha256:{digest}; {len(value)} characters>"
    if isinstance(value, list):
        return [_digest_large(v) for v in value]
    if isinstance(value, dict):
        return {k: _digest_large(v) for k, v in value.items()}
    return value


def canonical_body(body: bytes | str | None) -> str:
    """The form a request body is matched and stored in: parsed, keys sorted, strings
    over :data:`LARGE` characters replaced by their digest."""
    if not body:
        return "{}"
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return text
    return canonical_json(data)


def canonical_json(data: Any) -> str:
    return json.dumps(_digest_large(data), sort_keys=True, separators=(",", ":"))


#: The test (node id) whose setup, call or teardown is running; "session" outside tests.
CURRENT_SCOPE: contextvars.ContextVar[str] = contextvars.ContextVar(
    "pytest_ecr_scope", default="session"
)


@contextmanager
def in_scope(scope: str) -> Iterator[None]:
    """Everything inside belongs to ``scope`` (its names, its cassette)."""
    token = CURRENT_SCOPE.set(scope)
    try:
        yield
    finally:
        CURRENT_SCOPE.reset(token)


_UNSET: Any = object()


class Exchange:
    """One call: the request, and the answer as it came over the wire (or from a cassette).

    The parsed request and its canonical form are each derived from the other on first
    use, so a live call pays for no canonical form nobody needs, and a recorded one for
    no parse.
    """

    __slots__ = (
        "_canonical",
        "_request",
        "answered_by",
        "body",
        "deliberately_invalid",
        "headers",
        "operation",
        "scope",
        "status",
    )

    def __init__(
        self,
        operation: str,
        *,
        request: Any = _UNSET,
        canonical: str | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | str = b"",
        scope: str = "session",
    ) -> None:
        self.operation = operation
        self._request = request
        self._canonical = canonical
        self.status = status
        self.headers: dict[str, str] = dict(headers or {})
        self.body: bytes = body.encode("utf-8") if isinstance(body, str) else body
        self.scope = scope
        self.deliberately_invalid = False
        #: The subscriber that answered instead of the network (a replayed call).
        self.answered_by: str | None = None

    @classmethod
    def sent(cls, operation: str, raw: bytes | str | None, scope: str) -> Exchange:
        """The exchange of a request botocore is about to send."""
        try:
            request: Any = json.loads(raw) if raw else {}
        except (TypeError, ValueError):
            request = raw
        return cls(operation, request=request, scope=scope)

    @property
    def request(self) -> Any:
        """The request body, parsed (the text where it is not JSON)."""
        if self._request is _UNSET:
            text = self._canonical or "{}"
            try:
                self._request = json.loads(text)
            except json.JSONDecodeError:
                self._request = text
        return self._request

    @property
    def canonical(self) -> str:
        """The request in the form it is matched and stored in (:func:`canonical_body`)."""
        if self._canonical is None:
            request = self._request
            self._canonical = (
                request
                if isinstance(request, str)
                else "{}"
                if request is _UNSET
                else canonical_json(request)
            )
        return self._canonical

    @property
    def key(self) -> tuple[str, str]:
        return (self.operation, self.canonical)

    @property
    def text(self) -> str:
        """The answer's body as text."""
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        return header_of(self.headers, name)

    def json_body(self) -> tuple[Any, str | None]:
        """The parsed answer, or ``(None, why it is not JSON)``."""
        if not self.body:
            return None, "the body is empty"
        try:
            return json.loads(self.body), None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return None, f"the body is not JSON ({exc}): {self.body[:120]!r}"

    def json(self) -> Any:
        """The parsed answer; ``{}`` for an empty body, ``None`` where it is not JSON."""
        if not self.body:
            return {}
        data, why = self.json_body()
        return None if why else data

    def summary(self) -> str:
        request = "" if self._request is _UNSET and self._canonical is None else self.canonical
        return f"{self.operation} {request[:300]} -> HTTP {self.status} {self.body[:300]!r}"

    def _identity(self) -> tuple[Any, ...]:
        return (self.operation, self.canonical, self.status, self.headers, self.body)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Exchange):
            return NotImplemented
        return self._identity() == other._identity()

    def __repr__(self) -> str:
        return f"Exchange({self.operation!r}, status={self.status!r}, scope={self.scope!r})"


def _modeled(operation: str, code: str | None) -> bool:
    """Whether ``code`` is an error the model lists for ``operation`` itself: a target
    that answers one knows the operation, whatever the status (a RepositoryNotFound
    answered with 404 is a wrong status, a finding, not a missing operation)."""
    if not code:
        return False
    from .model import load_model

    try:
        return code in load_model().modeled_errors(operation)
    except Exception:  # an operation the model does not have
        return False


def classify_unsupported(exchange: Exchange, *, implemented: bool | None = None) -> str | None:
    """Why an answer means "operation not implemented", or ``None`` if it does not.

    ``implemented`` is what the target knows of itself: a target that implements the
    operation never answers "unsupported" through a bare 5xx page (that is a crash, and
    a finding).
    """
    status = exchange.status
    if status is None or status < 300:
        return None
    data, _ = exchange.json_body()
    if isinstance(data, dict):
        raw_type = data.get("__type") or exchange.header(ERROR_TYPE_HEADER) or ""
        code = error_code(str(raw_type))
        if code in UNSUPPORTED_CODES:
            return f"HTTP {status} {code}"
        message = str(data.get("message") or data.get("Message") or "")
        if status in UNSUPPORTED_STATUSES and not _modeled(exchange.operation, code):
            return f"HTTP {status} {code or ''} {message}".strip()
        return None
    if status in UNSUPPORTED_STATUSES:
        return f"HTTP {status} with a non-JSON body"
    if status == 500 and implemented is not True:
        # moto's server answers an action it lacks with Flask's HTML 500 page. A 502, 503
        # or 504 page is a gateway or an overloaded server, not a missing operation.
        content_type = exchange.header("content-type") or "no content type"
        return f"HTTP {status} with a non-JSON body ({content_type})"
    return None


# -- the tap ---------------------------------------------------------------------------

#: The order in which subscribers see an exchange (see the module docstring).
ORDER: Final = ("observe", "cassettes", "reference", "contract")


class Subscriber:
    """What a tap's subscriber may do; every step is optional."""

    stage: str = "contract"

    def on_request(self, exchange: Exchange) -> None:
        """The request is built (may raise to stop it being sent)."""

    def answer(self, exchange: Exchange) -> Exchange | None:
        """An answer instead of the network (replay), or ``None``."""
        return None

    def on_response(self, exchange: Exchange) -> None:
        """The answer arrived; ``exchange`` holds status, headers and body."""


class RawBody:
    """The part of a urllib3 response botocore reads, over bytes already in hand."""

    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, *_: Any, **__: Any) -> Iterator[bytes]:
        yield self._body


def aws_response(url: str, answer: Exchange) -> Any:
    """A botocore ``AWSResponse`` carrying ``answer``'s status, headers and body."""
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    headers = HTTPHeaders()
    for key, value in answer.headers.items():
        headers[key] = value
    return AWSResponse(url, answer.status or 0, headers, RawBody(answer.body))


class Tap:
    """The three botocore handlers of one client, dispatching to ordered subscribers.

    ``shared`` are the run's subscribers (every client of the run); :meth:`subscribe`
    adds one for this client only (a test's contract client).
    """

    def __init__(self, client: Any, shared: list[Subscriber]) -> None:
        self.shared = shared
        self.own: list[Subscriber] = []
        self._local = threading.local()
        events = client.meta.events
        # First, so that a replayed answer pre-empts any other handler (moto's own).
        events.register_first("request-created.ecr", self._request_created)
        events.register_first("before-send.ecr", self._before_send)
        events.register_first("before-parse.ecr", self._before_parse)
        _TAPS[client] = self

    def subscribe(self, subscriber: Subscriber) -> None:
        self.own.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        if subscriber in self.own:
            self.own.remove(subscriber)

    def _subscribers(self) -> list[Subscriber]:
        return sorted([*self.shared, *self.own], key=lambda s: ORDER.index(s.stage))

    def _request_created(self, request: Any, operation_name: str, **_: Any) -> None:
        exchange = Exchange.sent(operation_name, request.body, CURRENT_SCOPE.get())
        self._local.current = exchange
        _TAPPED.request = request  # the process-wide tap leaves this call to this tap
        _LAST.operation = operation_name
        for subscriber in self._subscribers():
            subscriber.on_request(exchange)

    def _before_send(self, request: Any, **_: Any) -> Any:
        exchange: Exchange | None = getattr(self._local, "current", None)
        if exchange is None:
            return None
        for subscriber in self._subscribers():
            answer = subscriber.answer(exchange)
            if answer is not None:
                exchange.answered_by = subscriber.stage
                return aws_response(request.url, answer)
        return None

    def _before_parse(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        exchange: Exchange | None = getattr(self._local, "current", None)
        self._local.current = None
        if exchange is None:
            exchange = Exchange(operation_model.name, scope=CURRENT_SCOPE.get())
        exchange.status = int(response_dict.get("status_code") or 0)
        exchange.headers = {str(k): str(v) for k, v in dict(response_dict["headers"]).items()}
        body = response_dict.get("body") or b""
        exchange.body = body if isinstance(body, bytes) else str(body).encode()
        _LAST.exchange = exchange
        for subscriber in self._subscribers():
            subscriber.on_response(exchange)


_TAPS: weakref.WeakKeyDictionary[Any, Tap] = weakref.WeakKeyDictionary()
_LAST = threading.local()


def last_operation() -> str | None:
    """The operation a tapped client of this thread sent last."""
    return getattr(_LAST, "operation", None)


def last_exchange() -> Exchange | None:
    """The last answer a tapped client of this thread received."""
    return getattr(_LAST, "exchange", None)


def tap_of(client: Any) -> Tap | None:
    """The tap of a client the run made, if it has one."""
    return _TAPS.get(client)


# -- every other client of the process -------------------------------------------------

_TAPPED = threading.local()


class ProcessTap:
    """The run's subscribers (cassettes, reference) for ECR clients the run did not make:
    the code under test's own ``boto3.client("ecr")``, made before or during the test.

    Its handlers come first among botocore's built-in ones (``BUILTIN_HANDLERS``), so every
    botocore session made after the run started has them; they leave alone a call of a
    client with a :class:`Tap` of its own, and do nothing while no run needs them.
    ``forward``: where a call of such a client goes when the run talks to a live emulator
    (its answer, or ``None`` to let botocore send it where it was going).
    """

    def __init__(self) -> None:
        self.subscribers: list[Subscriber] = []
        self.forward: Any = None
        #: Tests that use ECR running now: the tap acts only while one does.
        self.tests = 0
        self._local = threading.local()

    @property
    def active(self) -> bool:
        return self.tests > 0 and (bool(self.subscribers) or self.forward is not None)

    def _request_created(self, request: Any, operation_name: str, **_: Any) -> None:
        self._local.current = None
        if not self.active or getattr(_TAPPED, "request", None) is request:
            return
        exchange = Exchange.sent(operation_name, request.body, CURRENT_SCOPE.get())
        self._local.current = exchange
        _LAST.operation = operation_name
        for subscriber in self._ordered():
            subscriber.on_request(exchange)

    def _before_send(self, request: Any, **_: Any) -> Any:
        exchange: Exchange | None = getattr(self._local, "current", None)
        if exchange is None:
            return None
        for subscriber in self._ordered():
            answer = subscriber.answer(exchange)
            if answer is not None:
                exchange.answered_by = subscriber.stage
                return aws_response(request.url, answer)
        return self.forward(request) if self.forward is not None else None

    def _before_parse(self, operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        exchange: Exchange | None = getattr(self._local, "current", None)
        self._local.current = None
        if exchange is None:
            return
        exchange.status = int(response_dict.get("status_code") or 0)
        exchange.headers = {str(k): str(v) for k, v in dict(response_dict["headers"]).items()}
        body = response_dict.get("body") or b""
        exchange.body = body if isinstance(body, bytes) else str(body).encode()
        _LAST.exchange = exchange
        for subscriber in self._ordered():
            subscriber.on_response(exchange)

    def _ordered(self) -> list[Subscriber]:
        return sorted(self.subscribers, key=lambda s: ORDER.index(s.stage))

    def handlers(self) -> list[tuple[str, Any]]:
        return [
            ("request-created.ecr", self._request_created),
            ("before-send.ecr", self._before_send),
            ("before-parse.ecr", self._before_parse),
        ]


PROCESS_TAP = ProcessTap()


def install_process_tap() -> None:
    """Put :data:`PROCESS_TAP`'s handlers first among botocore's built-in ones, and on
    boto3's default session if code made one already."""
    import sys

    from botocore.handlers import BUILTIN_HANDLERS

    for entry in reversed(PROCESS_TAP.handlers()):
        if entry not in BUILTIN_HANDLERS:
            BUILTIN_HANDLERS.insert(0, entry)
    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if default is not None:
        emitter = default._session.get_component("event_emitter")
        for event, handler in PROCESS_TAP.handlers():
            emitter.unregister(event, handler)
            emitter.register_first(event, handler)


def remove_process_tap() -> None:
    import sys

    handlers = sys.modules.get("botocore.handlers")  # not imported: nothing installed
    installed = handlers.BUILTIN_HANDLERS if handlers is not None else []
    for entry in PROCESS_TAP.handlers():
        while entry in installed:
            installed.remove(entry)
    PROCESS_TAP.subscribers = []
    PROCESS_TAP.forward = None
    PROCESS_TAP.tests = 0
