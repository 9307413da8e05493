"""pytest hooks: options, ini keys, markers, fixture registration and reporting."""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import botocore
import pytest

from . import __version__
from .baseline import BaselineError, compare_baseline, load_baseline
from .cassettes import CassetteError
from .contract import ASPECTS, ContractClient, ContractViolation, SuiteError, Unsupported
from .deviations import DeviationsError, for_target, load_deviations, suite_id
from .fixtures import (
    CONTRACT_KEY,
    RUN_KEY,
    SETTINGS_KEY,
    EcrRun,
    _ecr_contract_boto_client,
    ecr_client,
    ecr_contract,
    ecr_image,
    ecr_image_factory,
    ecr_registry,
    ecr_repository,
    ecr_repository_factory,
    ecr_scenario,
    ecr_settings,
    ecr_target,
    run_id_for,
)
from .model import load_model
from .reference import Reference, ReferenceError, describe, load_known_deviations
from .report import Matrix, Outcome, Result, render_html, render_terminal, write_json
from .resources import CURRENT_SCOPE
from .settings import SPECS, SettingsError, resolve_settings
from .targets import AwsTarget

__all__ = [
    "_ecr_contract_boto_client",
    "ecr_client",
    "ecr_contract",
    "ecr_image",
    "ecr_image_factory",
    "ecr_registry",
    "ecr_repository",
    "ecr_repository_factory",
    "ecr_scenario",
    "ecr_settings",
    "ecr_target",
]

MATRIX_KEY = pytest.StashKey[Matrix]()
STALE_KEY = pytest.StashKey[list[str]]()
REPORT_KEY = pytest.StashKey[dict[str, Any]]()
BASELINE_KEY = pytest.StashKey[list[str]]()
CONTRACT_MARKER = "ecr_contract"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("ecr", "ECR contracts and fixtures (pytest-ecr)")
    for spec in SPECS:
        if spec.is_flag:
            group.addoption(spec.flag, action="store_true", default=None, help=spec.help)
        else:
            group.addoption(
                spec.flag,
                default=None,
                choices=spec.choices,
                help=spec.help,
                metavar=spec.name.upper(),
            )
        if spec.ini:
            parser.addini(spec.ini, help=spec.help, default=None)
    deviations_help = (
        "A JSON file of known deviations per target (see pytest_ecr.deviations); the "
        "listed contracts are reported as known deviations on those targets."
    )
    group.addoption("--ecr-deviations", default=None, metavar="PATH", help=deviations_help)
    group.addoption(
        "--ecr-report-json",
        default=None,
        metavar="PATH",
        help="Write the conformance report as JSON (format pytest-ecr-report, version 1).",
    )
    group.addoption(
        "--ecr-report-html",
        default=None,
        metavar="PATH",
        help="Write the conformance report as one self-contained HTML page.",
    )
    group.addoption(
        "--ecr-examples",
        default=None,
        type=int,
        metavar="N",
        help="Examples per property-based contract (default 10; 3 against aws).",
    )
    group.addoption(
        "--ecr-label",
        default=None,
        metavar="NAME",
        help="The name of the target in reports and comparisons (default: the target, "
        "for example url).",
    )
    group.addoption(
        "--ecr-baseline",
        default=None,
        metavar="PATH",
        help="A baseline of every contract's expected outcome on this target; the run fails "
        "where an outcome differs (write one with `pytest-ecr baseline update`).",
    )
    parser.addini(
        "ecr_deviations", help=deviations_help + " Relative to the ini file.", default=None
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{CONTRACT_MARKER}(operation=None, aspect=None): tie a contract test to one ECR "
        f"operation and one aspect ({', '.join(ASPECTS)}) for the conformance report.",
    )
    config.addinivalue_line(
        "markers",
        "ecr_repository(**options): options for the ecr_repository fixture (the keywords "
        "of ecr_repository_factory.create: tag_mutability, exclusion_filters, scan_on_push, "
        "encryption, kms_key, tags).",
    )
    config.addinivalue_line(
        "markers",
        "ecr_image(**options): options for the ecr_image fixture (the keywords of "
        "ecr_image_factory.push: tags, layers, layer_size, manifest_format, platforms, seed, "
        "artifact_type, subject).",
    )
    cli = {spec.name: config.getoption(spec.flag) for spec in SPECS}
    ini = {spec.name: config.getini(spec.ini) for spec in SPECS if spec.ini}
    try:
        settings = resolve_settings(cli, ini)
    except SettingsError as exc:
        raise pytest.UsageError(f"pytest-ecr: {exc}") from None
    config.stash[SETTINGS_KEY] = settings
    config.stash[RUN_KEY] = EcrRun(settings, run_id_for(config, settings), config.rootpath)
    config.stash[MATRIX_KEY] = Matrix()
    if settings.target == "aws" and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_AwsGuard(), "ecr-aws-guard")
    config.pluginmanager.register(_ShortReports(), "ecr-short-reports")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker uses the controller's run id."""
    node.workerinput["ecr_run_id"] = node.config.stash[RUN_KEY].namer.run_id


def pytest_report_header(config: pytest.Config) -> str:
    settings = config.stash[SETTINGS_KEY]
    src = settings.sources
    endpoint = settings.endpoint_url or (
        "started for the run"
        if settings.target == "moto-server"
        else "in-process"
        if settings.target == "moto"
        else "AWS"
    )
    run = config.stash[RUN_KEY]
    if isinstance(run.target, AwsTarget) and run.target.account:
        endpoint = f"AWS account {run.target.account}"
    return (
        f"ecr: target={settings.target} ({src['target']}), endpoint={endpoint}, "
        f"region={settings.region}, strict={settings.strict}, names={run.namer.prefix}/"
        f"{run.namer.run_id}/"
    )


def _contract_of(item: pytest.Item) -> tuple[str | None, str | None]:
    operation = aspect = None
    for marker in item.iter_markers(CONTRACT_MARKER):
        args = list(marker.args)
        op = marker.kwargs.get("operation", args[0] if args else None)
        asp = marker.kwargs.get("aspect", args[1] if len(args) > 1 else None)
        operation = operation or op
        aspect = aspect or asp
    return operation, aspect


def _deviations_path(config: pytest.Config) -> Path | None:
    option = config.getoption("--ecr-deviations")
    if option:
        return Path(option)
    ini = config.getini("ecr_deviations")
    if ini:
        base = config.inipath.parent if config.inipath else config.rootpath
        return base / str(ini)
    return None


def _mark_deviations(config: pytest.Config, items: list[pytest.Item]) -> None:
    path = _deviations_path(config)
    if path is None:
        return
    try:
        known = for_target(load_deviations(path), config.stash[RUN_KEY].outcome_target())
    except DeviationsError as exc:
        raise pytest.UsageError(f"pytest-ecr: --ecr-deviations: {exc}") from None
    for item in items:
        reason = known.get(suite_id(item.nodeid))
        if reason is not None:
            item.add_marker(pytest.mark.xfail(reason=f"{DEVIATION_PREFIX}{reason}", strict=True))
    # Entries for a module that was collected whole, naming no test of it, are stale.
    if any("::" in str(arg) for arg in config.args):
        return
    collected = {suite_id(item.nodeid) for item in items}
    files = {nodeid.split("::", 1)[0] for nodeid in collected}
    config.stash[STALE_KEY] = sorted(
        nodeid for nodeid in known if nodeid.split("::", 1)[0] in files and nodeid not in collected
    )


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _mark_deviations(config, items)
    model = load_model()
    problems = []
    for item in items:
        operation, aspect = _contract_of(item)
        if operation is None and aspect is None:
            continue
        if operation not in model.operation_names:
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} operation {operation!r} is not "
                f"an operation of the installed botocore ECR model"
            )
        if aspect not in ASPECTS:
            problems.append(
                f"{item.nodeid}: {CONTRACT_MARKER} aspect {aspect!r} is not one of "
                f"{', '.join(ASPECTS)}"
            )
    if problems:
        raise pytest.UsageError("pytest-ecr: " + "\n".join(problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None]:
    """Everything a test's setup, call and teardown do belongs to that test (its names, its
    cassette)."""
    scope = suite_id(item.nodeid)
    token = CURRENT_SCOPE.set(scope)
    try:
        return (yield)
    finally:
        CURRENT_SCOPE.reset(token)
        run = item.config.stash.get(RUN_KEY, None)
        if run is not None and run.engine is not None:
            try:
                run.engine.finish(scope)
            except CassetteError as exc:
                # A recording that cannot be written is lost: stop, saying where and why.
                pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.INTERNAL_ERROR)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.when == "teardown":
        _compare_with_reference(item, report)
    excinfo = call.excinfo
    reason = _unsupported_reason(item, excinfo)
    if reason is not None:
        # A distinct outcome: shown as UNSUPPORTED, counted apart from passes and failures.
        report.outcome = "skipped"
        path, lineno, _ = item.reportinfo()
        report.longrepr = (str(path), (lineno or 0) + 1, f"unsupported: {reason}")
        report.ecr_unsupported = True  # type: ignore[attr-defined]
    operation, aspect = _contract_of(item)
    if operation is None or aspect is None:
        return report
    contract = item.stash.get(CONTRACT_KEY, None)
    if contract is not None and report.when == "call":
        report.ecr_notes = list(contract.notes)  # type: ignore[attr-defined]
        if report.failed:
            _explain_failure(report, contract, excinfo)
        triggers = _triggers_of(item)
        if report.passed and triggers and triggers not in contract.expected_codes:
            report.outcome = "failed"
            report.longrepr = (
                f"SuiteError: {item.nodeid} declares triggers={triggers!r} but never expects "
                f"that error (it expected {contract.expected_codes or 'none'})"
            )
            excinfo = None
            report.ecr_suite_error = True  # type: ignore[attr-defined]
    outcome = _outcome(report, excinfo)
    if outcome is not None:
        result: dict[str, Any] = {
            "operation": operation,
            "aspect": aspect,
            "outcome": outcome,
            "reason": _reason(report),
        }
        if excinfo is not None and isinstance(excinfo.value, ContractViolation):
            result.update(_violation_details(excinfo.value))
        report.ecr_result = result  # type: ignore[attr-defined]
    return report


def _compare_with_reference(item: pytest.Item, report: pytest.TestReport) -> None:
    """Differential mode: the test's calls against the reference's (``--ecr-reference``)."""
    run = item.config.stash.get(RUN_KEY, None)
    if run is None or run.differ is None:
        return
    try:
        results = run.differ.finish(suite_id(item.nodeid))
    except ReferenceError as exc:
        pytest.exit(f"pytest-ecr: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
    if results:
        report.ecr_reference = results  # type: ignore[attr-defined]
        differences = [
            f"{r['operation']} {describe(v)}" + (" (known)" if v.get("known") else "")
            for r in results
            for v in r["violations"]
        ]
        if differences:
            report.sections.append(
                ("pytest-ecr: differences from the reference", "\n".join(differences))
            )


def _explain_failure(report: pytest.TestReport, contract: ContractClient, excinfo: Any) -> None:
    """Show what the target answered beside a failure the contract client did not raise
    itself (a behaviour assertion): the notes on its answers and the last exchange."""
    lines = [f"note: {note}" for note in contract.notes]
    violation = excinfo is not None and isinstance(excinfo.value, ContractViolation)
    if contract.exchanges and not violation:
        lines.append(f"last exchange: {contract.exchanges[-1].summary()}")
    if lines:
        report.sections.append(("pytest-ecr: the target's answers", "\n".join(lines)))


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


def _violation_details(violation: ContractViolation) -> dict[str, Any]:
    """The failing assertions and the request behind them, JSON-ready for the report."""
    out: dict[str, Any] = {
        "violations": [
            {
                "path": v.path,
                "expected": v.expected,
                "actual": repr(v.actual)[:500],
                "message": v.message,
            }
            for v in violation.violations
        ]
    }
    exchange = violation.exchange
    if exchange is not None:
        out["request"] = {
            "operation": exchange.operation,
            "body": _shorten(exchange.request),
            "status": exchange.status,
            "response": exchange.body[:2000].decode("utf-8", "replace"),
        }
    return out


def _unsupported_reason(item: pytest.Item, excinfo: Any) -> str | None:
    if excinfo is None:
        return None
    if isinstance(excinfo.value, Unsupported):
        return str(excinfo.value.reason)
    if (
        isinstance(excinfo.value, NotImplementedError)
        and item.get_closest_marker(CONTRACT_MARKER) is not None
        and item.config.stash[SETTINGS_KEY].target == "moto"
    ):
        # In-process moto raises this for an action it lacks, also from inside botocore's
        # waiters and paginators, where the contract client cannot catch it.
        return str(excinfo.value) or "not implemented"
    return None


def _triggers_of(item: pytest.Item) -> str | None:
    for marker in item.iter_markers(CONTRACT_MARKER):
        if "triggers" in marker.kwargs:
            return str(marker.kwargs["triggers"])
    return None


def _outcome(report: pytest.TestReport, excinfo: Any) -> Outcome | None:
    if getattr(report, "ecr_unsupported", False):
        return "unsupported"
    if report.when == "call":
        if getattr(report, "ecr_suite_error", False):
            return "error"
        if hasattr(report, "wasxfail"):
            # A known deviation that happened, or (strict) one that no longer does.
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
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2])
    if report.failed:
        crash = getattr(report.longrepr, "reprcrash", None)
        message = getattr(crash, "message", None) if crash is not None else None
        if message:
            return str(message)[:1000]
        text = report.longreprtext.strip()
        return text.splitlines()[-1][:1000] if text else ""
    return ""


def pytest_report_teststatus(
    report: pytest.TestReport, config: pytest.Config
) -> tuple[str, str, tuple[str, dict[str, bool]]] | None:
    if getattr(report, "ecr_unsupported", False):
        return "unsupported", "U", ("UNSUPPORTED", {"yellow": True})
    return None


class _Collector:
    """Turns the reports of a run into the conformance matrix (controller side)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config

    @pytest.hookimpl
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for compared in getattr(report, "ecr_reference", None) or ():
            self.config.stash[MATRIX_KEY].replace(
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
        result = getattr(report, "ecr_result", None)
        if not result:
            return
        # One result per test: a teardown error replaces the call's outcome.
        self.config.stash[MATRIX_KEY].replace(
            Result(
                report.nodeid,
                result["operation"],
                result["aspect"],
                result["outcome"],
                result["reason"],
                tuple(result.get("violations", ())),
                result.get("request"),
            )
        )


@pytest.hookimpl(trylast=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.pluginmanager.register(_Collector(session.config), "ecr-collector")


DEVIATION_PREFIX = "known deviation: "


class _ShortReports:
    """Failure reports without a formatted traceback where nobody reads one: an operation
    the target lacks, and a known deviation that happened (pytest shows only its reason).

    Formatting tracebacks (pytest reads and parses each frame's source) was about a third
    of a replayed suite's time (bench/run.py, profiled), for the 450 such outcomes.
    """

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> pytest.TestReport | None:
        excinfo = call.excinfo
        if excinfo is None or call.when not in ("setup", "call") or item.config.option.runxfail:
            return None
        when: Literal["setup", "call"] = "call" if call.when == "call" else "setup"
        marker = item.get_closest_marker("xfail")
        deviation = (
            when == "call"
            and marker is not None
            and str(marker.kwargs.get("reason", "")).startswith(DEVIATION_PREFIX)
        )
        if not deviation and _unsupported_reason(item, excinfo) is None:
            return None
        return pytest.TestReport(
            item.nodeid,
            item.location,
            {name: 1 for name in item.keywords},
            "failed",
            f"{excinfo.typename}: {excinfo.value}",
            when,
            [(f"Captured {key} {rwhen}", content) for rwhen, key, content in item._report_sections],
            call.duration,
            call.start,
            call.stop,
            item.user_properties,
        )


class _AwsGuard:
    """Before anything else in a run against AWS: which account and Region it uses (the
    run's first line), and a stop when the account is not on ``--ecr-aws-account``."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionstart(self, session: pytest.Session) -> None:
        config = session.config
        run = config.stash[RUN_KEY]
        run.start()  # AwsTarget._start asks STS who the credentials are; exits if refused
        assert isinstance(run.target, AwsTarget)
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(run.target.announcement(), bold=True)


def _report(config: pytest.Config) -> dict[str, Any] | None:
    matrix = config.stash.get(MATRIX_KEY, None)
    if matrix is None or not matrix.results or hasattr(config, "workerinput"):
        return None
    settings = config.stash[SETTINGS_KEY]
    run = config.stash[RUN_KEY]
    extra = {"reference": _reference_summary(config, matrix)} if settings.reference else {}
    return matrix.to_json(
        {
            **extra,
            "target": settings.target,
            "label": config.getoption("--ecr-label") or settings.target,
            "outcomes_of": run.outcome_target(),
            "endpoint": run.target.endpoint_url or settings.endpoint_url,
            "region": settings.region,
            "botocore": botocore.__version__,
            "pytest_ecr": __version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
    )


def _reference_summary(config: pytest.Config, matrix: Matrix) -> dict[str, Any]:
    """What the run was compared with, and what of it no longer holds: operations whose
    model changed since the reference was recorded, and known deviations that match no
    difference any more (among the operations this run compared)."""
    settings = config.stash[SETTINGS_KEY]
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


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    report = _report(config)
    if report is None:
        return
    config.stash[REPORT_KEY] = report
    json_path = config.getoption("--ecr-report-json")
    html_path = config.getoption("--ecr-report-html")
    try:
        if json_path:
            write_json(Path(json_path), report)
        if html_path:
            Path(html_path).parent.mkdir(parents=True, exist_ok=True)
            Path(html_path).write_text(render_html(report), encoding="utf-8")
    except OSError as exc:
        raise pytest.UsageError(f"pytest-ecr: cannot write the report: {exc}") from None
    summary = report.get("reference")
    if summary and summary["differences"] and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    baseline = config.getoption("--ecr-baseline")
    if baseline:
        try:
            differences = compare_baseline(load_baseline(Path(baseline)), report)
        except BaselineError as exc:
            raise pytest.UsageError(f"pytest-ecr: --ecr-baseline: {exc}") from None
        config.stash[BASELINE_KEY] = differences
        if differences and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    report = config.stash.get(REPORT_KEY, None)
    if report is None:
        return
    terminalreporter.section("ECR conformance")
    for line in render_terminal(report):
        terminalreporter.write_line(line)
    for option in ("--ecr-report-json", "--ecr-report-html"):
        if config.getoption(option):
            terminalreporter.write_line(f"report written: {config.getoption(option)}")
    differences = config.stash.get(BASELINE_KEY, None)
    if differences is not None:
        if differences:
            terminalreporter.write_line(
                f"baseline: {len(differences)} outcomes differ from "
                f"{config.getoption('--ecr-baseline')}",
                red=True,
            )
            for line in differences[:50]:
                terminalreporter.write_line(f"  {line}")
        else:
            terminalreporter.write_line("baseline: every outcome as recorded")
    summary = report.get("reference")
    if summary:
        _reference_terminal(terminalreporter, report, summary)
    stale = config.stash.get(STALE_KEY, [])
    if stale:
        terminalreporter.write_line(
            f"stale deviations ({len(stale)}): entries that match no test of this run"
        )
        for nodeid in stale[:20]:
            terminalreporter.write_line(f"  {nodeid}")
    run = config.stash.get(RUN_KEY, None)
    for warning in (run.engine.warnings if run is not None and run.engine is not None else [])[:20]:
        terminalreporter.write_line(f"cassette: {warning}", yellow=True)
    notes = sorted(
        {n for r in terminalreporter.stats.get("passed", []) for n in getattr(r, "ecr_notes", [])}
    )
    if notes:
        terminalreporter.write_line(f"notes ({len(notes)}): what the model does not know")
        for note in notes[:20]:
            terminalreporter.write_line(f"  {note}")


def _reference_terminal(writer: Any, report: dict[str, Any], summary: dict[str, Any]) -> None:
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


def pytest_unconfigure(config: pytest.Config) -> None:
    run = config.stash.get(RUN_KEY, None)
    if run is not None:
        run.close()
