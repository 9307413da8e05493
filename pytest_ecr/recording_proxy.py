"""The recording proxy: forwards the ECR requests of another process (the AWS CLI, a Go
program) to a live target and records them into the running test's cassette, in the
format of :mod:`pytest_ecr.cassettes`. See :mod:`pytest_ecr.serve` for the AWS JSON 1.1
facts relied on (requests identified by operation and body, SigV4 over ``Host``)."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .cassettes import (
    INDEX,
    cassette_path,
    recording_meta,
    write_cassette,
    write_index,
)
from .loopback import (
    _HOP_BY_HOP,
    KEEP_RESPONSE_HEADERS,
    MAX_BODY,
    _Answer,
    _Endpoint,
    _error,
    _Request,
    _TooLarge,
)
from .scrub import Scrubber
from .wire import JSON_CONTENT_TYPE, TARGET_PREFIX, Exchange, canonical_body

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
