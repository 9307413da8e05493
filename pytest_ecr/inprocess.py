"""The embedded ``moto`` target: an ECR registry of moto's code that belongs to the run.

moto keeps its state in one set of backends per process, and ``mock_aws()`` resets them
whenever the first mock of the process starts. Holding ``mock_aws()`` open for a whole
session (as this target once did) meant that a user's own ``@mock_aws`` tests after the
first ECR fixture were no longer isolated: they saw what earlier tests had created, for
every service (89 of moto's own 144 ECR tests failed that way). So the run keeps an
ECR backend of its own, answered through moto's own ``ECRResponse`` and ``ECRBackend``
code, and touches no mock and no global state of moto's:

- the run's clients (``ecr_client``, the contract client) are answered by it always;
- while a test that uses the ECR fixtures runs, so is every other ECR client of the
  process (code under test that builds its own ``boto3.client("ecr")``, inside a
  ``mock_aws()`` of its own or not): a handler placed in front of botocore's built-in
  ones answers them, and answers nothing at any other time;
- a user's ``@mock_aws`` tests keep moto's behaviour, isolation included, in any order.

Nothing else is mocked: a test that calls other AWS services mocks them itself.
"""

from __future__ import annotations

import threading
from typing import Any

from .wire import TARGET_PREFIX, RawBody


class PrivateRegistry:
    """moto's ECR, with backends of its own. ``enforcer``: the model enforced on it."""

    def __init__(self, enforcer: Any = None) -> None:
        from moto.core.base_backend import BackendDict
        from moto.ecr.models import ECRBackend
        from moto.ecr.responses import ECRResponse

        class OwnBackends(BackendDict):  # type: ignore[type-arg]
            """Backends no ``mock_aws()`` resets: moto resets every BackendDict that lists
            itself in ``BackendDict._instances`` when a first mock starts."""

            def _create_account_specific_backend(self, account_id: str) -> None:
                super()._create_account_specific_backend(account_id)
                instances: list[Any] = getattr(BackendDict, "_instances")  # noqa: B009
                if self in instances:
                    instances.remove(self)

        backends = OwnBackends(ECRBackend, "ecr")

        class Response(ECRResponse):
            @property
            def ecr_backend(self) -> Any:
                return backends[self.current_account][self.region]

        self._response = Response
        self.enforcer = enforcer
        self._answer_with: Any = self._process
        if enforcer is not None:
            from .enforcement import enforced_process

            self._answer_with = enforced_process(self._process, enforcer)
        self._active = 0
        self._lock = threading.Lock()

    # -- answering ------------------------------------------------------------------------

    def _process(self, request: Any) -> tuple[int, dict[str, str], Any]:
        from moto.core.request import normalize_request
        from werkzeug.exceptions import HTTPException

        normalized = normalize_request(request)
        try:
            status, headers, body = self._response.dispatch(
                normalized, normalized.raw_url, normalized.headers
            )
        except HTTPException as exc:
            return int(exc.code or 500), dict(exc.get_headers()), exc.get_body()
        return int(status), dict(headers), body

    def answer(self, request: Any) -> Any:
        """The answer to an ECR request (``None`` for any other service's)."""
        from botocore.awsrequest import AWSResponse, HTTPHeaders

        target = request.headers.get("X-Amz-Target")
        target = target.decode() if isinstance(target, bytes) else str(target or "")
        if not target.startswith(TARGET_PREFIX + "."):
            return None
        status, headers, body = self._answer_with(request)
        out = HTTPHeaders()
        for key, value in headers.items():
            out[key] = str(value)
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        return AWSResponse(request.url, status, out, RawBody(data))

    def __call__(self, request: Any, **_: Any) -> Any:
        """``before-send`` of the run's own clients."""
        return self.answer(request)

    # -- every other client of the process, while a test uses ECR ------------------------

    def activate(self) -> None:
        with self._lock:
            self._active += 1
            _ROUTE.registry = self

    def deactivate(self) -> None:
        with self._lock:
            self._active = max(0, self._active - 1)
            if not self._active and _ROUTE.registry is self:
                _ROUTE.registry = None


class _Route:
    """The one handler botocore sessions get from ``BUILTIN_HANDLERS``: it answers ECR
    requests of any client with the active registry, and lets everything through when
    no test that uses ECR is running."""

    registry: PrivateRegistry | None = None

    def __call__(self, request: Any, **_: Any) -> Any:
        registry = self.registry
        return registry.answer(request) if registry is not None else None


_ROUTE = _Route()


def install_route() -> None:
    """Put the route in front of botocore's built-in handlers (moto's stubber among them),
    for every session made from now on (boto3's default session is made on first use,
    after pytest loaded its plugins)."""
    from botocore.handlers import BUILTIN_HANDLERS

    entry = ("before-send.ecr", _ROUTE)
    if entry not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.insert(0, entry)
    # boto3's default session, if code made one already (``boto3.client(...)`` before the
    # first ECR fixture): its clients from now on get the route too.
    import sys

    boto3 = sys.modules.get("boto3")
    default = getattr(boto3, "DEFAULT_SESSION", None) if boto3 is not None else None
    if default is not None:
        emitter = default._session.get_component("event_emitter")
        emitter.unregister("before-send.ecr", _ROUTE)
        emitter.register_first("before-send.ecr", _ROUTE)


def remove_route() -> None:
    from botocore.handlers import BUILTIN_HANDLERS

    entry = ("before-send.ecr", _ROUTE)
    while entry in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.remove(entry)
    _ROUTE.registry = None
