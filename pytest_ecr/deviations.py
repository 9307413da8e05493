"""Known deviations: per-target data that marks a contract a target is known to fail.

A deviation never weakens a contract: the test still runs, its failure shows as
"known deviation" (with the reason) in the report, and a deviation that no longer
happens fails the run so that the entry gets removed. The file format::

    {
      "version": 1,
      "deviations": [
        {"targets": ["moto", "moto-server"],
         "test": "contracts/test_put_image.py::test_validation[imageTag-max]",
         "reason": "moto does not check the length of imageTag"}
      ]
    }
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1


class DeviationsError(ValueError):
    """A deviations file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Deviation:
    test: str
    reason: str
    targets: tuple[str, ...]


def load_deviations(path: Path) -> list[Deviation]:
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DeviationsError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise DeviationsError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        raise DeviationsError(f'{path}: expected an object with "version": {FORMAT_VERSION}')
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
