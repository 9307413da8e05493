"""Known deviations: per-target data that marks a contract a target is known to fail.

A deviation never weakens a contract: the test still runs, its failure shows as
"known deviation" (with the reason) in the report, and a deviation that no longer
happens fails the run so that the entry gets removed. The file format::

    {
      "format": "pytest-ecr-deviations",
      "version": 1,
      "deviations": [
        {"targets": ["moto", "moto-server"],
         "test": "contracts/test_put_image.py::test_validation[imageTag-max]",
         "reason": "moto does not check the length of imageTag"}
      ]
    }
"""

from __future__ import annotations

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
class Deviation:
    test: str
    reason: str
    targets: tuple[str, ...]


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
        out.append(Deviation(test, reason.strip(), tuple(targets)))
    return out


def suite_id(nodeid: str) -> str:
    """A node id as the suite names it wherever it is installed: from ``contracts/`` on.

    ``contracts/test_x.py::t`` run from a checkout and
    ``.../site-packages/pytest_ecr/contracts/test_x.py::t`` run from a wheel are one test.
    """
    path, sep, rest = nodeid.partition("::")
    index = path.rfind("contracts/")
    return (path[index:] if index >= 0 else path) + sep + rest


def for_target(deviations: list[Deviation], target: str) -> dict[str, str]:
    """Suite id -> reason, for one target."""
    return {suite_id(d.test): d.reason for d in deviations if target in d.targets}


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
        from .outcomes import DEVIATION_KEY

        try:
            known = for_target(load_deviations(self.path), self.target)
        except DeviationsError as exc:
            raise pytest.UsageError(f"pytest-ecr: --ecr-deviations: {exc}") from None
        for item in items:
            reason = known.get(suite_id(item.nodeid))
            if reason is not None:
                item.stash[DEVIATION_KEY] = reason
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
