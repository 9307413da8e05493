"""Baselines: the expected outcome of every contract test on one target.

An emulator's CI runs the suite with ``--ecr-baseline`` and fails only where an outcome
changed (a new failure, or a fixed one to promote). Format::

    {"format": "pytest-ecr-baseline", "version": 1, "target": "moto",
     "outcomes": {"contracts/test_put_image.py::test_wrong_digest": "deviation", ...}}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .deviations import suite_id

FORMAT = "pytest-ecr-baseline"
VERSION = 1


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file."""


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise BaselineError(f'{path}: not a pytest-ecr baseline ("format": "{FORMAT}")')
    if data.get("version") != VERSION or not isinstance(data.get("outcomes"), dict):
        raise BaselineError(f'{path}: expected version {VERSION} with an "outcomes" object')
    return data


def baseline_from_report(report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "target": report.get("outcomes_of", report["target"]),
        "outcomes": {suite_id(t["nodeid"]): t["outcome"] for t in report["tests"]},
    }


def compare_baseline(baseline: Mapping[str, Any], report: Mapping[str, Any]) -> list[str]:
    """One line per test whose outcome differs from the baseline (tests of this run only;
    a test that the baseline has and this run did not collect is not a difference)."""
    expected: Mapping[str, str] = baseline["outcomes"]
    lines = []
    if baseline.get("target") != report.get("outcomes_of", report["target"]):
        lines.append(
            f"the baseline is for target {baseline.get('target')!r}, this run is "
            f"{report['target']!r}"
        )
    for test in report["tests"]:
        was = expected.get(suite_id(test["nodeid"]))
        now = test["outcome"]
        if was is None:
            lines.append(f"{test['nodeid']}: new test, outcome {now} (not in the baseline)")
        elif was != now:
            hint = " (fixed: update the baseline)" if now == "pass" else ""
            lines.append(f"{test['nodeid']}: baseline {was}, now {now}{hint}")
    return lines


def write_baseline(path: Path, baseline: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")
