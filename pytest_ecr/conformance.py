"""The conformance matrix of a run: operations x aspects, from the outcome of every
contract test; the report it becomes (JSON, HTML, terminal); and baselines, the expected
outcome of every contract test on one target, so that an emulator's CI fails only where
an outcome changed.

Baseline format::

    {"format": "pytest-ecr-baseline", "version": 1, "target": "moto",
     "outcomes": {"contracts/test_put_image.py::test_wrong_digest": "deviation", ...}}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from .deviations import suite_id
from .jsonfiles import FileFormatError, dump, load
from .report import REPORT, render_html, render_terminal, write_json
from .report import VERSION as REPORT_VERSION
from .settings import SETTINGS_KEY
from .terms import ASPECTS, OUTCOMES, TIERS, Outcome

BASELINE = "pytest-ecr-baseline"
VERSION = 1

#: How a cell with several tests is summarised: the worst outcome wins.
SEVERITY = {
    "error": 0,
    "fail": 1,
    "unconfirmed": 2,
    "deviation": 3,
    "blocked": 4,
    "unsupported": 5,
    "skipped": 6,
    "pass": 7,
}


class BaselineError(FileFormatError):
    """A baseline file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Result:
    nodeid: str
    operation: str
    aspect: str
    outcome: Outcome
    reason: str = ""
    violations: tuple[dict[str, str], ...] = ()
    request: dict[str, Any] | None = None
    #: ``{"tier": ..., "source": ...}``: what the contract's expectation rests on.
    evidence: dict[str, str] | None = None
    #: A failure that is no contract violation: ``"<exception type>: <message>"``.
    failure: str = ""


def worst(counts: Mapping[str, int]) -> str:
    return min((o for o, n in counts.items() if n), key=lambda o: SEVERITY[o])


def score(results: Iterable[Result]) -> float | None:
    """Passed / (everything but skipped and blocked: neither says anything of the
    operation)."""
    counted = [r for r in results if r.outcome not in ("skipped", "blocked")]
    if not counted:
        return None
    return sum(r.outcome == "pass" for r in counted) / len(counted)


@dataclass
class Matrix:
    results: list[Result] = field(default_factory=list)

    def add(self, result: Result) -> None:
        self.results.append(result)

    def replace(self, result: Result) -> None:
        """Record ``result`` as the test's one outcome (a teardown error beats a pass)."""
        self.results = [r for r in self.results if r.nodeid != result.nodeid]
        self.results.append(result)

    def to_json(self, meta: Mapping[str, Any]) -> dict[str, Any]:
        by_op: dict[str, list[Result]] = defaultdict(list)
        for r in self.results:
            by_op[r.operation].append(r)
        operations: dict[str, Any] = {}
        for op in sorted(by_op):
            aspects: dict[str, Any] = {}
            for aspect in ASPECTS:
                counts: Counter[str] = Counter(
                    str(r.outcome) for r in by_op[op] if r.aspect == aspect
                )
                if counts:
                    aspects[aspect] = {
                        "outcome": worst(counts),
                        "counts": dict(sorted(counts.items())),
                    }
            operations[op] = {"score": score(_contracts(by_op[op])), "aspects": aspects}
        contracts = _contracts(self.results)
        totals: Counter[str] = Counter(str(r.outcome) for r in contracts)
        summary: dict[str, Any] = {**{o: totals[o] for o in OUTCOMES}, "score": score(contracts)}
        summary["evidence"] = evidence_summary(contracts)
        compared = [r for r in self.results if r.aspect == "reference"]
        if compared:
            tally: Counter[str] = Counter(str(r.outcome) for r in compared)
            summary["reference"] = {**{o: tally[o] for o in OUTCOMES}, "score": score(compared)}
        return {
            "format": REPORT,
            "version": REPORT_VERSION,
            **meta,
            "summary": summary,
            "operations": operations,
            "tests": [
                {
                    k: v
                    for k, v in asdict(r).items()
                    if v not in (None, (), []) and not (k == "failure" and not v)
                }
                for r in sorted(self.results, key=lambda r: r.nodeid)
            ],
        }


#: The outcomes that say the target differs from the contract.
FAILURES = ("fail", "unconfirmed", "error")


def evidence_summary(results: Iterable[Result]) -> dict[str, dict[str, int]]:
    """Per evidence tier: how many contract tests rest on it, and how many of them failed
    (an emulator's author sees at a glance which findings are certain)."""
    out: dict[str, dict[str, int]] = {tier: {"tests": 0, "failures": 0} for tier in TIERS}
    for r in results:
        tier = (r.evidence or {}).get("tier", "inferred")
        entry = out.setdefault(tier, {"tests": 0, "failures": 0})
        entry["tests"] += 1
        entry["failures"] += r.outcome in FAILURES
    return out


def _contracts(results: Iterable[Result]) -> list[Result]:
    """The contract tests' results: the conformance score is theirs alone. Comparisons
    with a reference (the ``reference`` aspect) are counted apart."""
    return [r for r in results if r.aspect != "reference"]


# -- baselines --------------------------------------------------------------------------


def load_baseline(path: Path) -> dict[str, Any]:
    try:
        data = load(path, BASELINE, version=VERSION)
    except FileFormatError as exc:
        raise BaselineError(str(exc)) from None
    if not isinstance(data.get("outcomes"), dict):
        raise BaselineError(f'{path}: a baseline needs an "outcomes" object')
    return data


def baseline_from_report(report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "format": BASELINE,
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
    dump(path, BASELINE, {k: v for k, v in baseline.items() if k not in ("format", "version")})


def _baseline_lines(writer: Any, differences: list[str], path: str | None, most: int = 50) -> None:
    """How the run compares with its baseline: every outcome that differs is counted and
    (up to ``most``) listed; the JSON report keeps them all."""
    if not differences:
        writer.write_line("baseline: every outcome as recorded")
        return
    outcomes = [line for line in differences if "::" in line]
    other = [line for line in differences if "::" not in line]
    for line in other:
        writer.write_line(f"baseline: {line}", red=True)
    if outcomes:
        writer.write_line(f"baseline: {len(outcomes)} outcomes differ from {path}", red=True)
        for line in outcomes[:most]:
            writer.write_line(f"  {line}")
        if len(outcomes) > most:
            writer.write_line(
                f"  ... and {len(outcomes) - most} more (all of them are in the JSON report, "
                "--ecr-report-json)"
            )


# -- the plugin object -----------------------------------------------------------------

MATRIX_KEY = pytest.StashKey[Matrix]()


@dataclass
class Collector:
    """Turns the reports of a run into the conformance report (on the controller under
    pytest-xdist): the matrix in the terminal summary, the JSON and HTML files, and the
    comparison with a baseline.

    ``sections`` lets an optional part of the run (differential mode) add a section of
    its own to the report, computed from the matrix when the session ends.
    """

    config: pytest.Config
    meta: Callable[[], dict[str, Any]]
    matrix: Matrix = field(default_factory=Matrix)
    sections: dict[str, Callable[[Matrix], dict[str, Any]]] = field(default_factory=dict)
    report: dict[str, Any] | None = None
    baseline_differences: list[str] | None = None

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        from .outcomes import result_of

        result = result_of(report)
        if not result:
            return
        # One result per test: a teardown error replaces the call's outcome.
        self.matrix.replace(
            Result(
                report.nodeid,
                result["operation"],
                result["aspect"],
                result["outcome"],
                result["reason"],
                tuple(result.get("violations", ())),
                result.get("request"),
                result.get("evidence"),
                result.get("failure", ""),
            )
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        settings = self.config.stash[SETTINGS_KEY]
        asked = settings.report_json or settings.report_html or settings.baseline
        if not self.matrix.results and not asked:
            return
        extra = {name: section(self.matrix) for name, section in self.sections.items()}
        report = self.matrix.to_json(
            {
                **extra,
                **self.meta(),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            }
        )
        self.report = report
        if settings.baseline:
            try:
                differences = compare_baseline(load_baseline(Path(settings.baseline)), report)
            except BaselineError as exc:
                raise pytest.UsageError(f"pytest-ecr: --ecr-baseline: {exc}") from None
            self.baseline_differences = differences
            report["baseline"] = {"file": settings.baseline, "differences": differences}
            if differences and session.exitstatus == pytest.ExitCode.OK:
                session.exitstatus = pytest.ExitCode.TESTS_FAILED
        try:
            if settings.report_json:
                write_json(Path(settings.report_json), report)
            if settings.report_html:
                Path(settings.report_html).parent.mkdir(parents=True, exist_ok=True)
                Path(settings.report_html).write_text(render_html(report), encoding="utf-8")
        except OSError as exc:
            raise pytest.UsageError(f"pytest-ecr: cannot write the report: {exc}") from None

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> Generator[None, None, None]:
        """The matrix comes last, after pytest's short test summary, where it stays on
        screen; the known deviations are counted in it (``-rx`` lists them)."""
        yield
        report = self.report
        if report is None:
            return
        settings = self.config.stash[SETTINGS_KEY]
        terminalreporter.section("ECR conformance")
        if report["tests"]:
            for line in render_terminal(report):
                terminalreporter.write_line(line)
        else:  # the report was asked for: say why it is empty
            terminalreporter.write_line("no contract test ran (no test is marked ecr_contract)")
        for path in (settings.report_json, settings.report_html):
            if path:
                terminalreporter.write_line(f"report written: {path}")
        differences = self.baseline_differences
        if differences is not None:
            _baseline_lines(terminalreporter, differences, settings.baseline)
        notes = sorted(
            {
                note
                for r in terminalreporter.stats.get("passed", [])
                for note in ((getattr(r, "ecr_result", None) or {}).get("notes") or [])
            }
        )
        if notes:
            terminalreporter.write_line(f"notes ({len(notes)}): what the model does not know")
            for note in notes[:20]:
                terminalreporter.write_line(f"  {note}")
