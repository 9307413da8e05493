"""Known deviations: per-target data that marks what a target is known to get wrong in a
contract, as precisely as the contract says it.

A deviation never weakens a contract. The test still runs with its full assertion; it
becomes a known deviation only when what went wrong is what the entry expects (each of
the contract's violations matches one of ``expect``, by path and message, or the failure
is the named exception with a message the pattern finds). Any other failure of a listed
test is a failure, with its traceback, and a deviation that no longer happens fails the
run so that the entry gets removed. The file format::

    {
      "format": "pytest-ecr-deviations",
      "version": 1,
      "deviations": [
        {"targets": ["moto", "moto-server"],
         "test": "contracts/test_put_image.py::test_validation[imageTag-max]",
         "reason": "moto does not check the length of imageTag",
         "expect": [{"path": "status", "message": "expected an error, got success"}]},
        {"targets": ["moto"],
         "test": "contracts/test_describe_images.py::test_image_size_covers_its_layers",
         "reason": "moto reports a few hundred bytes for 30 KB of layers",
         "expect": [{"raises": "AssertionError", "match": "imageSizeInBytes"}]}
      ]
    }

In ``expect``, ``path``, ``message`` and ``actual`` are shell-style patterns (``*``, ``?``)
matched against a violation's JSON path, message and the value the target answered;
``raises`` names an exception class (or a base class of it) and ``match`` is a regular
expression searched in its message. ``pytest-ecr deviations REPORT.json`` proposes
entries, with ``expect`` filled in, for every failure of a report.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .jsonfiles import FileFormatError, load

FORMAT = "pytest-ecr-deviations"
VERSION = 1


class DeviationsError(FileFormatError):
    """A deviations file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Expectation:
    """One thing a deviation expects to go wrong: a violation, or an exception."""

    path: str | None = None
    message: str | None = None
    actual: str | None = None
    raises: str | None = None
    match: str | None = None

    def covers(self, violation: Any) -> bool:
        """Whether a contract violation (``path``, ``message``, ``actual``) is this one."""
        if self.path is None:
            return False
        pairs = ((self.path, violation.path), (self.message, violation.message))
        if any(p is not None and not fnmatch.fnmatchcase(str(v), p) for p, v in pairs):
            return False
        return self.actual is None or fnmatch.fnmatchcase(repr(violation.actual), self.actual)

    def catches(self, exc: BaseException) -> bool:
        """Whether an exception that is no contract violation is this one."""
        if self.raises is None:
            return False
        names = {cls.__name__ for cls in type(exc).__mro__}
        return self.raises in names and re.search(self.match or "", str(exc)) is not None

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class Deviation:
    test: str
    reason: str
    targets: tuple[str, ...]
    expect: tuple[Expectation, ...] = ()

    def matches(self, exc: BaseException) -> bool:
        """Whether ``exc`` is what this deviation expects, and nothing else: every
        violation of a contract violation is expected, or the exception is."""
        violations = getattr(exc, "violations", None)
        if violations and any(e.path is not None for e in self.expect):
            return all(any(e.covers(v) for e in self.expect) for v in violations)
        return any(e.catches(exc) for e in self.expect)


def _expectation(entry: Any, where: str) -> Expectation:
    fields = ("path", "message", "actual", "raises", "match")
    if not isinstance(entry, dict) or set(entry) - set(fields) or not entry:
        raise DeviationsError(f"{where}: an expectation is an object of {', '.join(fields)}")
    if not all(isinstance(v, str) for v in entry.values()):
        raise DeviationsError(f"{where}: expectation values are strings")
    if ("path" in entry) == ("raises" in entry):
        raise DeviationsError(
            f'{where}: an expectation names a violation ("path") or an exception ("raises")'
        )
    if "match" in entry:
        try:
            re.compile(entry["match"])
        except re.error as exc:
            raise DeviationsError(f'{where}: "match" is not a regular expression ({exc})') from None
    return Expectation(**entry)


def load_deviations(path: Path) -> list[Deviation]:
    try:
        data: Any = load(path, FORMAT, version=VERSION, legacy=True)
    except FileFormatError as exc:
        raise DeviationsError(str(exc)) from None
    entries = data.get("deviations")
    if not isinstance(entries, list):
        raise DeviationsError(f'{path}: "deviations" must be a list')
    out = []
    for index, entry in enumerate(entries):
        where = f"{path}: deviations[{index}]"
        if not isinstance(entry, dict):
            raise DeviationsError(f"{where} is not an object")
        test, reason, targets = entry.get("test"), entry.get("reason"), entry.get("targets")
        if not isinstance(test, str) or "::" not in test:
            raise DeviationsError(f'{where}: "test" must be a pytest node id')
        if not isinstance(reason, str) or not reason.strip():
            raise DeviationsError(f'{where}: "reason" must say why ({test})')
        if not (isinstance(targets, list) and targets and all(isinstance(t, str) for t in targets)):
            raise DeviationsError(f'{where}: "targets" must be a list of target names')
        expect = entry.get("expect")
        if not isinstance(expect, list) or not expect:
            raise DeviationsError(
                f'{where}: "expect" must name what goes wrong in {test} (violations by '
                '"path" and "message", or an exception by "raises" and "match"); '
                "`pytest-ecr deviations REPORT.json` proposes it"
            )
        expectations = tuple(_expectation(e, f"{where}.expect[{n}]") for n, e in enumerate(expect))
        out.append(Deviation(test, reason.strip(), tuple(targets), expectations))
    return out


def suite_id(nodeid: str) -> str:
    """A node id as the suite names it wherever it is installed: from ``contracts/`` on.

    ``contracts/test_x.py::t`` run from a checkout and
    ``.../site-packages/pytest_ecr/contracts/test_x.py::t`` run from a wheel are one test.
    """
    path, sep, rest = nodeid.partition("::")
    index = path.rfind("contracts/")
    return (path[index:] if index >= 0 else path) + sep + rest


def for_target(deviations: list[Deviation], target: str) -> dict[str, Deviation]:
    """Suite id -> deviation, for one target."""
    return {suite_id(d.test): d for d in deviations if target in d.targets}


#: A volatile part of a failure message: run-specific names, digests, numbers.
_VOLATILE = re.compile(r"\S*/\S*|sha256:[0-9a-f]{64}|\b\d+(?:\.\d+)?\b|'[^']*'")


def propose(report: Mapping[str, Any], targets: Sequence[str]) -> list[dict[str, Any]]:
    """Deviation entries for every failure in a report, ``expect`` filled in from what went
    wrong (a starting point: say why in each ``reason``)."""
    out = []
    for test in report.get("tests", []):
        if test.get("outcome") not in ("fail", "unconfirmed", "deviation"):
            continue
        violations = test.get("violations") or []
        expect: list[dict[str, str]] = []
        for v in violations:
            entry = {"path": str(v["path"]), "message": _glob(str(v["message"]))}
            if v["path"] == "$.__type":
                entry["actual"] = str(v["actual"])
            if entry not in expect:
                expect.append(entry)
        failure = str(test.get("failure") or "")
        if not expect and failure:
            name, _, message = failure.partition(": ")
            first = message.splitlines()[0] if message else ""
            pattern = ".*".join(_escape(p) for p in _VOLATILE.split(first) if p.strip())
            expect.append({"raises": name, "match": pattern[:300]})
        if expect:
            out.append(
                {
                    "targets": list(targets),
                    "test": suite_id(test["nodeid"]),
                    "reason": test.get("reason") or "TODO: say why",
                    "expect": expect,
                }
            )
    return out


def _escape(text: str) -> str:
    """``text`` as a regular expression that reads like it (spaces left alone)."""
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


def _glob(message: str) -> str:
    """A message as a pattern: its volatile parts (names, numbers) as ``*``."""
    return _VOLATILE.sub("*", message).replace("[", "[[]")


#: A test's known deviation on this run's target, set at collection.
DEVIATION_KEY = pytest.StashKey[Deviation]()


@dataclass
class DeviationsPlugin:
    """Marks the tests a deviations file lists for this run's target, and names the entries
    that match no collected test (registered when a deviations file is given)."""

    path: Path
    #: The target whose deviations apply (for replay: the one the cassettes were recorded
    #: against).
    target: str
    stale: list[str] = field(default_factory=list)

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        try:
            known = for_target(load_deviations(self.path), self.target)
        except DeviationsError as exc:
            raise pytest.UsageError(f"pytest-ecr: --ecr-deviations: {exc}") from None
        for item in items:
            deviation = known.get(suite_id(item.nodeid))
            if deviation is not None:
                item.stash[DEVIATION_KEY] = deviation
        # Entries for a module that was collected whole, naming no test of it, are stale.
        if any("::" in str(arg) for arg in config.args):
            return
        collected = {suite_id(item.nodeid) for item in items}
        files = {nodeid.split("::", 1)[0] for nodeid in collected}
        self.stale = sorted(
            nodeid
            for nodeid in known
            if nodeid.split("::", 1)[0] in files and nodeid not in collected
        )

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.stale:
            terminalreporter.write_line(
                f"stale deviations ({len(self.stale)}): entries that match no test of this run"
            )
            for nodeid in self.stale[:20]:
                terminalreporter.write_line(f"  {nodeid}")
