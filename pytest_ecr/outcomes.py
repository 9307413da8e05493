"""The outcomes a contract test can have beyond pass and fail, through pytest's public
outcome API: an operation the target lacks is **unsupported** (a skip, shown as ``U``), a
known deviation that happened is an ``xfail`` with its reason, one that no longer happens
fails, and a test that declares ``triggers=`` but never expects that error is the suite's
error.

Each contract test's outcome, with its violations, goes into the report as one entry
(:data:`RESULT_KEY` in the item's stash, and the report's ``ecr_result``
attribute, which crosses pytest-xdist with the report).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from .deviations import DEVIATION_KEY
from .markers import check_contract_marks, contract_of
from .settings import SETTINGS_KEY

UNSUPPORTED_PREFIX = "unsupported: "
BLOCKED_PREFIX = "blocked: "
DEVIATION_PREFIX = "known deviation: "
#: A listed deviation that did not explain the test's failure (its reason).
UNEXPECTED_KEY = pytest.StashKey[str]()
#: The test's entry of the conformance report (``item.stash``), from its report hook.
RESULT_KEY = pytest.StashKey[dict[str, Any]]()
#: The report attribute that carries a contract test's entry of the conformance report.
RESULT_ATTRIBUTE = "ecr_result"


def result_of(report: pytest.TestReport) -> dict[str, Any] | None:
    """The conformance entry a report carries (see :data:`RESULT_ATTRIBUTE`)."""
    result: dict[str, Any] | None = getattr(report, RESULT_ATTRIBUTE, None)
    return result


def _missing(item: pytest.Item, exc: BaseException, answer: Any = None) -> str | None:
    """Why ``exc`` (or the ``answer`` behind it) means the target lacks the operation it
    was about, or ``None``."""
    from .contract import Unsupported
    from .wire import classify_unsupported

    if isinstance(exc, Unsupported):
        return str(exc.reason)
    if isinstance(exc, NotImplementedError) and item.config.stash[SETTINGS_KEY].target == "moto":
        # In-process moto raises this for an action it lacks, also from inside botocore's
        # waiters and paginators, where the contract client cannot catch it.
        return str(exc) or "not implemented"
    if answer is None:
        return None
    from .run import RUN_KEY

    target = item.config.stash[RUN_KEY].target
    implemented = target.implements(answer.operation)
    reason = classify_unsupported(answer, implemented=implemented)
    probe = getattr(target, "probe", None)
    if reason is not None and implemented is None and probe is not None:
        reason = classify_unsupported(answer, implemented=probe(answer.operation))
    return reason


def _lacks(item: pytest.Item, operation: str | None) -> str | None:
    """Why the target lacks ``operation``, when it knows (or a probe tells) it does."""
    from .run import RUN_KEY

    if operation is None:
        return None
    target = item.config.stash[RUN_KEY].target
    implemented = target.implements(operation)
    probe = getattr(target, "probe", None)
    if implemented is None and probe is not None:
        implemented = probe(operation)
    return f"the target lacks {operation}" if implemented is False else None


def _translate(item: pytest.Item, exc: BaseException) -> BaseException:
    """The exception a phase raises for ``exc``.

    A failure at the operation under test (or at an operation nobody knows) is the test's
    own: unsupported when the target lacks it, else the failure itself. A failure at
    another operation, needed before the test can say anything (a prerequisite, or a call
    the target lacks), blocks a contract test, and names that operation. A test that is no
    contract gets the error as it happened.
    """
    mark = contract_of(item)
    if mark is None or not mark.complete:
        return exc
    from .contract import Unsupported
    from .prerequisites import blocked_by
    from .wire import last_operation

    blocked = blocked_by(exc)
    if blocked is not None:
        what, operation, cause, answer = (
            blocked.what,
            blocked.operation,
            blocked.cause,
            blocked.exchange,
        )
    elif isinstance(exc, Unsupported):
        what, operation, cause, answer = "a call", exc.operation, exc, None
    elif isinstance(exc, NotImplementedError):
        what, operation, cause, answer = "a call", last_operation(), exc, None
    else:
        return exc
    missing = _missing(item, cause, answer)
    if operation in (None, mark.operation):
        return pytest.skip.Exception(UNSUPPORTED_PREFIX + missing) if missing else exc
    own = _lacks(item, mark.operation)
    if own is not None:
        # Blocked, but by nothing that matters: the target lacks the operation under test too.
        return pytest.skip.Exception(UNSUPPORTED_PREFIX + own)
    lacks = f" (the target lacks {operation}: {missing})" if missing else ""
    if blocked is not None:
        return pytest.skip.Exception(f"{BLOCKED_PREFIX}{blocked}{lacks}")
    return pytest.skip.Exception(f"{BLOCKED_PREFIX}{what} to {operation} failed{lacks}")


def _skipped_reason(report: pytest.TestReport) -> str:
    if isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        return reason.removeprefix("Skipped: ")
    return ""


def is_unsupported(report: pytest.TestReport) -> bool:
    return report.skipped and _skipped_reason(report).startswith(UNSUPPORTED_PREFIX)


def is_blocked(report: pytest.TestReport) -> bool:
    return report.skipped and _skipped_reason(report).startswith(BLOCKED_PREFIX)


class Outcomes:
    """The plugin object (registered when pytest-ecr is active)."""

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        problems = check_contract_marks(items)
        if problems:
            raise pytest.UsageError("pytest-ecr: " + "\n".join(problems))

    def _phase(self, item: pytest.Item) -> Generator[None, Any, Any]:
        try:
            return (yield)
        except Exception as exc:
            translated = _translate(item, exc)
            if translated is exc:
                raise
            raise translated from None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> Generator[None, Any, Any]:
        return (yield from self._phase(item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_teardown(self, item: pytest.Item) -> Generator[None, Any, Any]:
        return (yield from self._phase(item))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, Any, Any]:
        deviation = item.stash.get(DEVIATION_KEY, None)
        runxfail = item.config.option.runxfail
        try:
            result = yield
        except Exception as raised:
            exc = _translate(item, raised)
            if isinstance(exc, pytest.skip.Exception):
                raise exc from None
            if deviation is not None and not runxfail:
                if deviation.matches(exc):
                    item.stash[RESULT_KEY] = _details(exc)
                    # No traceback: only the reason is shown (formatting tracebacks was a
                    # third of a replayed run, bench/run.py); the report keeps the details.
                    raise pytest.xfail.Exception(
                        DEVIATION_PREFIX + deviation.reason, pytrace=False
                    ) from None
                item.stash[UNEXPECTED_KEY] = deviation.reason
            if exc is raised:
                raise
            raise exc from None
        _check_triggers(item)
        if deviation is not None and not runxfail:
            pytest.fail(
                f"[XPASS(strict)] {DEVIATION_PREFIX}{deviation.reason} (it no longer happens: "
                "remove its entry from the deviations file)",
                pytrace=False,
            )
        return result

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if is_unsupported(report) or is_blocked(report):
            # Where the test is, not where the skip was raised.
            path, lineno, _ = item.reportinfo()
            report.longrepr = (str(path), (lineno or 0) + 1, _skipped_reason(report))
        mark = contract_of(item)
        if mark is None or not mark.complete:
            return report
        contract = _contract(item)
        if contract is not None and report.when == "call" and report.failed:
            _explain_failure(report, contract, call.excinfo)
        unexpected = item.stash.get(UNEXPECTED_KEY, None)
        if unexpected is not None and report.when == "call" and report.failed:
            report.sections.append(
                (
                    "pytest-ecr: a failure the known deviation does not explain",
                    f"the deviations file lists this test ({unexpected}), but what went "
                    "wrong is not what its entry expects: this is a failure",
                )
            )
        outcome = _outcome(report, call.excinfo)
        if outcome is None:
            return report
        if outcome == "fail" and mark.tier == "inferred":
            # Reasoning alone says the target is wrong here: a lead, not a verdict.
            outcome = "unconfirmed"
        result: dict[str, Any] = {
            "operation": mark.operation,
            "aspect": mark.aspect,
            "outcome": outcome,
            "reason": _reason(report),
            "evidence": {"tier": mark.tier, "source": mark.source},
        }
        if contract is not None and report.when == "call":
            result["notes"] = list(contract.notes)
        if call.excinfo is not None and report.failed:
            result.update(_details(call.excinfo.value))
        earlier = item.stash.get(RESULT_KEY, None)
        if report.when == "call" and earlier is not None:
            result.update(earlier)
        item.stash[RESULT_KEY] = result
        setattr(report, RESULT_ATTRIBUTE, result)
        return report

    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
        if is_unsupported(report):
            return "unsupported", "U", ("UNSUPPORTED", {"yellow": True})
        if is_blocked(report):
            return "blocked", "B", ("BLOCKED", {"yellow": True})
        return None


def _check_triggers(item: pytest.Item) -> None:
    """A test that declares ``triggers=`` must have expected that error."""
    mark = contract_of(item)
    contract = _contract(item)
    if mark is None or mark.triggers is None or contract is None:
        return
    from .contract import SuiteError

    if mark.triggers not in contract.expected_codes:
        raise SuiteError(
            f"{item.nodeid} declares triggers={mark.triggers!r} but never expects that "
            f"error (it expected {contract.expected_codes or 'none'})"
        )


def _details(exc: BaseException) -> dict[str, Any]:
    """The failing assertions and the request behind them, JSON-ready for the report."""
    from .contract import ContractViolation

    if not isinstance(exc, ContractViolation):
        return {"failure": f"{type(exc).__name__}: {str(exc)[:1000]}"}
    out: dict[str, Any] = {
        "violations": [
            {
                "path": v.path,
                "expected": v.expected,
                "actual": repr(v.actual)[:500],
                "message": v.message,
            }
            for v in exc.violations
        ]
    }
    exchange = exc.exchange
    if exchange is not None:
        out["request"] = {
            "operation": exchange.operation,
            "body": _shorten(exchange.request),
            "status": exchange.status,
            "response": exchange.body[:2000].decode("utf-8", "replace"),
        }
    return out


def _shorten(value: Any, limit: int = 300) -> Any:
    """The request as the report keeps it: long strings and lists cut, the rest as sent."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]}... ({len(value)} characters)"
    if isinstance(value, list):
        head = [_shorten(v, limit) for v in value[:20]]
        return head if len(value) <= 20 else [*head, f"... ({len(value)} items)"]
    if isinstance(value, dict):
        return {k: _shorten(v, limit) for k, v in value.items()}
    return value


def _explain_failure(report: pytest.TestReport, contract: Any, excinfo: Any) -> None:
    """Show what the target answered beside a failure the contract client did not raise
    itself (a behaviour assertion): the notes on its answers and the last exchange."""
    from .contract import ContractViolation

    lines = [f"note: {note}" for note in contract.notes]
    violation = excinfo is not None and isinstance(excinfo.value, ContractViolation)
    if contract.exchanges and not violation:
        lines.append(f"last exchange: {contract.exchanges[-1].summary()}")
    if lines:
        report.sections.append(("pytest-ecr: the target's answers", "\n".join(lines)))


def _outcome(report: pytest.TestReport, excinfo: Any) -> str | None:
    from .contract import SuiteError

    if is_unsupported(report):
        return "unsupported"
    if is_blocked(report):
        return "blocked"
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            return "deviation" if report.skipped else "fail"
        if report.passed:
            return "pass"
        if report.skipped:
            return "skipped"
        if excinfo is not None and isinstance(excinfo.value, SuiteError):
            return "error"
        return "fail"
    # Setup or teardown: only what keeps the call from meaning anything.
    if report.failed:
        return "error"
    if report.when == "setup" and report.skipped:
        return "skipped"
    return None


def _reason(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    if report.skipped:
        return _skipped_reason(report)
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = getattr(crash, "message", None) if crash is not None else None
        if message:
            return str(message)[:1000]
        text = report.longreprtext.strip()
        return text.splitlines()[-1][:1000] if text else ""
    return ""


def _contract(item: pytest.Item) -> Any:
    """The test's contract client, if it used one (imported late: a run that never asks
    for ECR loads none of it)."""
    import sys

    contract = sys.modules.get("pytest_ecr.contract")
    return item.stash.get(contract.CONTRACT_KEY, None) if contract is not None else None
