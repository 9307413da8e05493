"""The plugin object of differential mode (registered only with ``--ecr-reference``):
each test's comparison when its teardown is done, the ``reference`` section of the
report, and its part of the terminal summary."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..conformance import Collector, Matrix, Result
from ..deviations import suite_id
from ..model import load_model
from ..run import EcrRun
from .diff import describe
from .files import Reference, ReferenceFileError, load_known_deviations

#: The report attribute that carries a test's comparisons (crosses pytest-xdist).
ATTRIBUTE = "ecr_reference"


@dataclass
class ReferencePlugin:
    run: EcrRun
    collector: Collector

    def __post_init__(self) -> None:
        self.collector.sections["reference"] = self.summary

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.when != "teardown" or self.run.differ is None:
            return report
        try:
            results = self.run.differ.finish(suite_id(item.nodeid))
        except ReferenceFileError as exc:
            pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
        if results:
            setattr(report, ATTRIBUTE, results)
            differences = [
                f"{r['operation']} {describe(v)}" + (" (known)" if v.get("known") else "")
                for r in results
                for v in r["violations"]
            ]
            if differences:
                report.sections.append(
                    ("pytest-ecr: differences from the reference", "\n".join(differences))
                )
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for compared in getattr(report, ATTRIBUTE, None) or ():
            self.collector.matrix.replace(
                Result(
                    f"{report.nodeid}::reference[{compared['operation']}]",
                    compared["operation"],
                    "reference",
                    compared["outcome"],
                    compared["reason"],
                    tuple(compared["violations"]),
                    {"calls": compared["calls"], "deviations": compared["deviations"]},
                )
            )

    def summary(self, matrix: Matrix) -> dict[str, Any]:
        """What the run was compared with, and what of it no longer holds: operations
        whose model changed since the reference was recorded, and known deviations that
        match no difference any more (among the operations this run compared)."""
        settings = self.run.settings
        assert settings.reference is not None
        reference = Reference.open(Path(settings.reference))
        compared = [r for r in matrix.results if r.aspect == "reference"]
        operations = sorted({r.operation for r in compared})
        model = load_model()
        stale_operations = {
            op: why
            for op in operations
            if (why := reference.stale(op, model.operation_checksum(op))) is not None
        }
        matched = {d for r in compared for d in (r.request or {}).get("deviations", ())}
        stale_deviations: list[str] = []
        if settings.reference_deviations:
            _, entries = load_known_deviations(Path(settings.reference_deviations))
            stale_deviations = sorted(
                e.ident
                for e in entries
                if (e.operation == "*" or e.operation in operations) and e.ident not in matched
            )
        counts = {
            "differences": sum(1 for r in compared for v in r.violations if not v.get("known")),
            "known": sum(1 for r in compared for v in r.violations if v.get("known")),
        }
        return {
            "dir": settings.reference,
            "recorded_against": reference.recorded_against,
            "botocore": reference.index.get("botocore"),
            "deviations_file": settings.reference_deviations,
            **counts,
            "stale_operations": stale_operations,
            "stale_deviations": stale_deviations,
        }

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        report = self.collector.report
        summary = report.get("reference") if report else None
        if summary and summary["differences"] and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        report = self.collector.report
        summary = report.get("reference") if report else None
        if not report or not summary:
            return
        writer = terminalreporter
        against = f"{summary['dir']} (recorded against {summary['recorded_against']})"
        if summary["differences"]:
            writer.write_line(
                f"reference: {summary['differences']} differences from {against}, "
                f"{summary['known']} known",
                red=True,
            )
            shown = 0
            for test in report["tests"]:
                for v in test.get("violations", []) if test["aspect"] == "reference" else []:
                    if not v.get("known") and shown < 30:
                        shown += 1
                        writer.write_line(f"  {test['nodeid']} {describe(v)}")
        else:
            writer.write_line(
                f"reference: no differences from {against}"
                + (f" but the {summary['known']} known ones" if summary["known"] else "")
            )
        for op, why in sorted(summary["stale_operations"].items()):
            writer.write_line(f"reference: stale for {op}: {why}", yellow=True)
        for ident in summary["stale_deviations"]:
            writer.write_line(
                f"reference: stale known deviation (matches nothing): {ident}", yellow=True
            )
