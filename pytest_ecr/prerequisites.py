"""Prerequisites: what a contract test needs before it can say anything of its operation
(a repository, a pushed image, a layer upload, a scenario's set-up).

When a prerequisite fails at another operation than the one under test, the test is
**blocked**: it is no verdict on its operation, and the report names the prerequisite and
the operation that failed. Run against an emulator that lacks the layer-upload API, every
test that needs a pushed image is blocked by that operation, instead of failing the
operation it is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Blocked:
    """A prerequisite that failed: ``what`` it was, at which ``operation``, and why.

    It rides on the exception itself (:func:`blocked_by`), which is raised unchanged: code
    that catches ``ClientError`` around a factory still catches it.
    """

    what: str
    operation: str | None
    cause: BaseException
    #: The answer that failed it, when a tapped client received one.
    exchange: Any = None

    def __str__(self) -> str:
        at = f" at {self.operation}" if self.operation else ""
        return f"{self.what} failed{at}: {type(self.cause).__name__}: {_first_line(self.cause)}"


_ATTRIBUTE = "pytest_ecr_blocked"


def blocked_by(exc: BaseException) -> Blocked | None:
    """The prerequisite ``exc`` failed, if it is a prerequisite's failure."""
    found = getattr(exc, _ATTRIBUTE, None)
    return found if isinstance(found, Blocked) else None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else ""


@contextmanager
def prerequisite(what: str) -> Iterator[None]:
    """Failures of the target inside the block are marked as the failure of ``what``.

    Only what the target answered (or failed to answer) counts: botocore's errors,
    moto's ``NotImplementedError``, an answer the image pusher cannot use, a contract
    violation or an unsupported operation. A bug of the suite (a ``TypeError``, say)
    stays what it is. The innermost prerequisite names the failure.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from .contract import ContractViolation, Unsupported
    from .images import PushError
    from .wire import last_exchange, last_operation

    try:
        yield
    except (
        ClientError,
        BotoCoreError,
        NotImplementedError,
        PushError,
        Unsupported,
        ContractViolation,
    ) as exc:
        if blocked_by(exc) is None:
            operation = getattr(exc, "operation_name", None) or getattr(exc, "operation", None)
            operation = operation or last_operation()
            answer = last_exchange()
            answer = answer if answer is not None and answer.operation == operation else None
            blocked = Blocked(what, operation, exc, answer)
            with suppress(AttributeError):  # an exception type without a __dict__
                setattr(exc, _ATTRIBUTE, blocked)
        raise
