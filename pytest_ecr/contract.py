"""The assertion API that contract modules use.

:class:`ContractClient` sends an operation and checks what came back *on the
wire* (status, headers and the raw JSON body, captured through botocore's
``before-parse`` event), not only the dict botocore parsed from it: parsing
hides wrong JSON types, unknown members and the error's wire format.

Every request the suite sends is first checked against the operation's input
schema; a request that breaks it is the suite's bug (:class:`SuiteError`),
never blamed on the target. Requests sent with :meth:`ContractClient.send_invalid`
or :meth:`ContractClient.expect_invalid` are deliberately invalid and skip that
check, and botocore's own client-side validation is always off so that the
*server's* validation is what gets tested.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from botocore import xform_name
from botocore.client import BaseClient
from botocore.exceptions import ClientError

from . import schema
from .model import COMMON_SERVER_ERRORS, SERVER_ERRORS, load_model
from .schema import Violation
from .targets import Target
from .wire import (
    JSON_CONTENT_TYPE,
    REQUEST_ID_HEADER,
    Exchange,
    Subscriber,
    Tap,
    classify_unsupported,
    error_code,
    tap_of,
)


class Unsupported(Exception):
    """The target does not implement the operation a contract needs."""

    def __init__(self, operation: str, reason: str) -> None:
        super().__init__(f"{operation} is not supported by the target: {reason}")
        self.operation = operation
        self.reason = reason


class SuiteError(Exception):
    """A mistake in the contract suite itself (for example a request that breaks the model)."""


class ContractViolation(AssertionError):
    """A target's answer broke a contract; lists every violation with its path."""

    def __init__(
        self, operation: str, violations: Collection[Violation], exchange: Exchange | None
    ) -> None:
        self.operation = operation
        self.violations = tuple(violations)
        self.exchange = exchange
        lines = [f"{operation}: the target's answer breaks the contract"]
        lines += [f"  {v}" for v in self.violations]
        if exchange is not None:
            lines.append(f"  exchange: {exchange.summary()}")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class _Unparsable:
    """botocore received an answer but could not parse it."""

    error: Exception


def _short(body: bytes, limit: int = 200) -> bytes:
    return body if len(body) <= limit else body[:limit] + b"..."


@dataclass(frozen=True)
class ErrorResult:
    code: str
    message: str
    status: int
    exchange: Exchange


#: The contract client of the test under way (``item.stash``): its exchanges, notes and
#: the error codes it expected.
CONTRACT_KEY: pytest.StashKey[ContractClient] = pytest.StashKey()


class ContractClient(Subscriber):
    """Sends ECR operations to a target and checks the answers against the model.

    One instance per test; :attr:`exchanges` holds every request of the test.
    """

    def __init__(self, client: BaseClient, target: Target, *, strict: bool = False) -> None:
        self.client = client
        self.target = target
        self.strict = strict
        self.model = load_model()
        self.exchanges: list[Exchange] = []
        #: Every error code a test expected, in order (see ``triggers=`` on the marker).
        self.expected_codes: list[str] = []
        #: Unknown members seen in responses (notes, unless strict).
        self.notes: list[str] = []
        self._invalid = False
        self._current: Exchange | None = None
        tap = tap_of(client) or Tap(client, [])
        tap.subscribe(self)
        self._tap = tap

    def close(self) -> None:
        self._tap.unsubscribe(self)

    # -- what the tap hands over ------------------------------------------------

    def on_request(self, exchange: Exchange) -> None:
        exchange.deliberately_invalid = self._invalid
        self.exchanges.append(exchange)
        self._current = exchange
        if self._invalid:
            return
        result = schema.validate(exchange.operation, "input", exchange.request)
        problems = [*result.violations, *result.unknown_members]
        if problems:
            details = "\n".join(f"  {v}" for v in problems)
            raise SuiteError(
                f"the suite's own {exchange.operation} request breaks the model (a bug in the "
                f"contract, not in the target):\n{details}"
            )

    def answer(self, exchange: Exchange) -> Exchange | None:
        return None

    def on_response(self, exchange: Exchange) -> None:
        if self._current is None:
            self._current = exchange
        implemented = self.target.implements(exchange.operation)
        reason = classify_unsupported(exchange, implemented=implemented)
        probe = getattr(self.target, "probe", None)
        if reason is not None and implemented is None and probe is not None:
            # A bare 5xx page of an operation whose support is not known yet: ask once.
            reason = classify_unsupported(exchange, implemented=probe(exchange.operation))
        if reason is not None:
            raise Unsupported(exchange.operation, reason)

    # -- sending ----------------------------------------------------------------

    def unchecked(self) -> Any:
        """A context in which requests on :attr:`client` skip the input-schema check
        (for cleaning up after a target that accepted a deliberately invalid request)."""
        return self._mode(invalid=True)

    @contextmanager
    def _mode(self, invalid: bool) -> Iterator[None]:
        previous, self._invalid = self._invalid, invalid
        try:
            yield
        finally:
            self._invalid = previous

    def _send(self, operation: str, params: dict[str, Any]) -> tuple[Exchange, Any]:
        """Send; return the exchange and the parsed response or the ClientError."""
        self.model.operation(operation)  # unknown operation -> UnknownOperationError
        method = getattr(self.client, xform_name(operation))
        self._current = None
        try:
            outcome: Any = method(**params)
        except ClientError as exc:
            outcome = exc
        except NotImplementedError as exc:
            # moto in-process raises this for an action it lacks.
            raise Unsupported(operation, str(exc) or "not implemented") from None
        except (Unsupported, SuiteError):
            raise
        except Exception as exc:
            if self._current is None:
                raise SuiteError(
                    f"{operation}: botocore could not build the request: {exc!r}"
                ) from exc
            if self._current.status is None:
                # A connection error or timeout; in-process moto raising instead of
                # answering lands here too.
                raise ContractViolation(
                    operation,
                    [
                        Violation(
                            "response", "an HTTP answer", type(exc).__name__, f"no answer: {exc}"
                        )
                    ],
                    self._current,
                ) from exc
            outcome = _Unparsable(exc)
        exchange = self._current
        if exchange is None or exchange.status is None:
            raise SuiteError(f"{operation}: no response was captured on the wire")
        return exchange, outcome

    def call(self, operation: str, **params: Any) -> dict[str, Any]:
        """Send a valid request and check the success answer on the wire.

        Returns botocore's parsed response.
        """
        exchange, outcome = self._send(operation, params)
        violations = self._success_violations(operation, exchange, outcome)
        if violations:
            raise ContractViolation(operation, violations, exchange)
        assert isinstance(outcome, dict)
        return outcome

    def call_or_error(
        self, operation: str, codes: Collection[str], /, **params: Any
    ) -> dict[str, Any] | ErrorResult:
        """For behaviour AWS does not pin down: a success or one of ``codes``, each checked
        on the wire as :meth:`call` and :meth:`expect_error` check them."""
        expected = frozenset(codes)
        allowed = self.model.allowed_errors(operation)
        if not expected <= allowed:
            raise SuiteError(f"{operation}: {sorted(expected - allowed)} are not modeled")
        exchange, outcome = self._send(operation, params)
        if (exchange.status or 0) < 300:
            violations = self._success_violations(operation, exchange, outcome)
            if violations:
                raise ContractViolation(operation, violations, exchange)
            assert isinstance(outcome, dict)
            return outcome
        self.expected_codes += sorted(expected)
        violations, code, message = self._error_violations(operation, exchange, expected)
        if violations:
            raise ContractViolation(operation, violations, exchange)
        return ErrorResult(code, message, exchange.status or 0, exchange)

    def send_invalid(self, operation: str, **params: Any) -> Exchange:
        """Send a deliberately invalid request, unchecked; return the exchange."""
        with self._mode(invalid=True):
            exchange, _ = self._send(operation, params)
        return exchange

    def expect_error(
        self, operation: str, code: str | Collection[str], /, **params: Any
    ) -> ErrorResult:
        """Send a valid request that must fail with ``code`` (or one of several codes)."""
        return self._expect(operation, code, params, invalid=False)

    def expect_invalid(
        self, operation: str, code: str | Collection[str], /, **params: Any
    ) -> ErrorResult:
        """Send a deliberately invalid request that the server must refuse with ``code``."""
        return self._expect(operation, code, params, invalid=True)

    def _expect(
        self, operation: str, code: str | Collection[str], params: dict[str, Any], *, invalid: bool
    ) -> ErrorResult:
        expected = frozenset({code} if isinstance(code, str) else code)
        allowed = self.model.allowed_errors(operation)
        if not expected or not expected <= allowed:
            raise SuiteError(
                f"{operation}: expected error(s) {sorted(expected - allowed) or '(none)'} "
                "are neither modeled for the operation nor common AWS errors"
            )
        self.expected_codes += sorted(expected)
        with self._mode(invalid=invalid):
            exchange, _ = self._send(operation, params)
        violations, got_code, message = self._error_violations(operation, exchange, expected)
        if violations:
            raise ContractViolation(operation, violations, exchange)
        assert exchange.status is not None
        return ErrorResult(got_code, message, exchange.status, exchange)

    # -- checks -----------------------------------------------------------------

    def _common_violations(self, exchange: Exchange) -> list[Violation]:
        out: list[Violation] = []
        content_type = exchange.header("content-type")
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        if media_type != JSON_CONTENT_TYPE:
            out.append(
                Violation(
                    "header Content-Type", JSON_CONTENT_TYPE, content_type, "wrong media type"
                )
            )
        if not exchange.header(REQUEST_ID_HEADER):
            out.append(
                Violation("header x-amzn-RequestId", "a request id", None, "no request id header")
            )
        return out

    def _success_violations(
        self, operation: str, exchange: Exchange, outcome: Any
    ) -> list[Violation]:
        if isinstance(outcome, ClientError):
            err = outcome.response.get("Error", {})
            data, why = exchange.json_body()
            if why is not None or not isinstance(data, dict):
                content_type = exchange.header("content-type") or "no content type"
                got = f"HTTP {exchange.status} with a non-JSON body ({content_type}): " + repr(
                    _short(exchange.body)
                )
            else:
                got = f"HTTP {exchange.status} {err.get('Code')}: {err.get('Message')}"
            return [Violation("status", "HTTP 200", got, "expected success, got an error")]
        out: list[Violation] = []
        if exchange.status != 200:
            out.append(Violation("status", "HTTP 200", exchange.status, "wrong status"))
        out += self._common_violations(exchange)
        data, why = exchange.json_body()
        if why is not None and exchange.body == b"":
            # botocore reads an empty body as {} too; AWS sends "{}".
            self.notes.append(f"{operation}: empty response body read as {{}}")
            data, why = {}, None
        if why is not None:
            out.append(Violation("$", "a JSON object", _short(exchange.body), why))
            return out
        if not isinstance(data, dict):
            out.append(Violation("$", "a JSON object", data, "the body is not a JSON object"))
            return out
        result = schema.validate(operation, "output", data)
        out += result.violations
        if self.strict:
            out += result.unknown_members
        else:
            self.notes += [f"{operation}: {v}" for v in result.unknown_members]
        if isinstance(outcome, _Unparsable) and not out:
            out.append(
                Violation(
                    "$",
                    "a body botocore can parse",
                    _short(exchange.body),
                    f"botocore could not parse it: {outcome.error}",
                )
            )
        return out

    def _error_violations(
        self, operation: str, exchange: Exchange, expected: frozenset[str]
    ) -> tuple[list[Violation], str, str]:
        status = exchange.status or 0
        if status < 300:
            return (
                [
                    Violation(
                        "status",
                        f"an error {sorted(expected)}",
                        f"HTTP {status}",
                        "expected an error, got success",
                    )
                ],
                "",
                "",
            )
        out = self._common_violations(exchange)
        data, why = exchange.json_body()
        if why is not None or not isinstance(data, dict):
            out.append(
                Violation(
                    "$",
                    "a JSON error object",
                    _short(exchange.body),
                    why or "the error body is not a JSON object",
                )
            )
            return out, "", ""
        raw_type = data.get("__type")
        code = error_code(raw_type) if isinstance(raw_type, str) else ""
        if not isinstance(raw_type, str):
            header = exchange.header("x-amzn-errortype")
            out.append(
                Violation(
                    "$.__type",
                    "the error code",
                    raw_type,
                    "no __type member (botocore reads the code from __type)"
                    + (f"; X-Amzn-ErrorType header says {header!r}" if header else ""),
                )
            )
        elif code not in expected:
            out.append(
                # The code as botocore reads it (a namespace or a suffix after ':' is
                # no part of it), so a known deviation names the code, not its spelling.
                Violation("$.__type", f"one of {sorted(expected)}", code, "wrong error code")
            )
        if code and code not in self.model.allowed_errors(operation):
            out.append(
                Violation(
                    "$.__type",
                    "an error the model lists for the operation",
                    code,
                    "error code not modeled",
                )
            )
        server_side = code in SERVER_ERRORS or code in COMMON_SERVER_ERRORS
        if code and server_side and status < 500:
            out.append(Violation("status", "HTTP 5xx", status, f"{code} is a server error"))
        elif code and not server_side and status != 400:
            out.append(Violation("status", "HTTP 400", status, f"{code} is a client error"))
        message = data.get("message", data.get("Message"))
        if not isinstance(message, str) or not message:
            out.append(Violation("$.message", "a non-empty message", message, "no error message"))
            message = ""
        return out, code, message
