"""The ``pytest-ecr`` command: run the suite, compare reports, keep baselines, sweep
leftovers, print schemas."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .conformance import BaselineError, baseline_from_report, write_baseline
from .model import UnknownOperationError, load_model
from .report import (
    ReportError,
    compare_html,
    compare_reference_terminal,
    compare_terminal,
    load_report,
)
from .schema import operation_schema
from .settings import SPECS, SettingsError, resolve_settings
from .sweeper import sweep
from .targets import TargetUnavailable, make_target


def contracts_dir() -> Path | None:
    """The contract suite: inside the installed package, or beside it in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "contracts", here.parent / "contracts"):
        if (candidate / "deviations.json").is_file():
            return candidate
    return None


def _schema(args: argparse.Namespace) -> int:
    try:
        load_model().operation(args.operation)
    except UnknownOperationError as exc:
        print(f"pytest-ecr schema: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(operation_schema(args.operation, args.direction), indent=2, sort_keys=True))
    return 0


def _operations(args: argparse.Namespace) -> int:
    for name in load_model().operation_names:
        print(name)
    return 0


RUN_HELP = """usage: pytest-ecr run [TEST ...] [--ecr-* options] [pytest options]

Run the contract suite installed with pytest-ecr against a target, and print the
conformance matrix. TEST may name a module or a test of the suite as its ids read
(contracts/test_put_image.py, contracts/test_put_image.py::test_wrong_digest); without
one, the whole suite runs. Every other argument goes to pytest, which runs with the
suite's own root directory and configuration (not those of the project you are in).

Recording from `run` needs --ecr-cassette-dir DIR: the cassettes shipped with the package
are never overwritten.

options of pytest-ecr:
"""


def _run_help() -> str:
    lines = [RUN_HELP]
    for spec in SPECS:
        flag = spec.flag if spec.is_flag else f"{spec.flag}={spec.metavar or spec.name.upper()}"
        lines.append(f"  {flag}")
        lines.append(
            textwrap.fill(spec.help, 88, initial_indent=" " * 6, subsequent_indent=" " * 6)
        )
    return "\n".join(lines) + "\n"


def _pytest_args(rest: list[str]) -> list[str] | None:
    suite = contracts_dir()
    if suite is None:
        print("pytest-ecr: the contract suite is not installed with this package", file=sys.stderr)
        return None
    home = suite.parent
    # Tests named as the suite names them (contracts/...), wherever it is installed.
    named = [a for a in rest if a.split("::", 1)[0].startswith("contracts/")]
    others = [a for a in rest if a not in named]
    paths = [str(home / a) for a in named] or [str(suite)]
    args = [
        *paths,
        # The suite's own root and an empty configuration: a project's pyproject.toml or
        # pytest.ini around the current directory must not change the suite's ids (and
        # with them its deviations and baselines).
        f"--rootdir={home}",
        "-c",
        str(_empty_ini()),
        "-p",
        "no:cacheprovider",
        # The plugin is already imported by this command, so pytest cannot rewrite its asserts.
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
        *others,
    ]
    if not any(a.startswith("--ecr-deviations") for a in rest):
        args.append(f"--ecr-deviations={suite / 'deviations.json'}")
    shipped = None
    for cassettes in (home / "recorded", home / "cassettes"):
        if (cassettes / "cassettes.json").is_file():
            shipped = cassettes
            break
    recording = any(a.startswith("--ecr-record-mode") for a in rest)
    chosen = any(a.startswith("--ecr-cassette-dir") for a in rest)
    if recording and not chosen:
        print(
            "pytest-ecr run: --ecr-record-mode needs --ecr-cassette-dir DIR: the cassettes "
            f"shipped with the package ({shipped or 'none'}) are never overwritten",
            file=sys.stderr,
        )
        return None
    if shipped is not None and not chosen:
        args.append(f"--ecr-cassette-dir={shipped}")
    return args


def _empty_ini() -> Path:
    path = Path(tempfile.gettempdir()) / "pytest-ecr-run.ini"
    if not path.exists():
        path.write_text("[pytest]\n", encoding="utf-8")
    return path


def _run(rest: list[str]) -> int:
    import pytest

    if "-h" in rest or "--help" in rest:
        print(_run_help(), end="")
        return 0
    args = _pytest_args(rest)
    return 2 if args is None else int(pytest.main(args))


def _reports(paths: Sequence[str]) -> list[dict[str, object]] | None:
    try:
        return [load_report(Path(p)) for p in paths]
    except ReportError as exc:
        print(f"pytest-ecr: {exc}", file=sys.stderr)
        return None


def _compare(args: argparse.Namespace) -> int:
    reports = _reports(args.reports)
    if reports is None:
        return 2
    if args.html:
        Path(args.html).write_text(compare_html(reports), encoding="utf-8")
    for line in [*compare_terminal(reports), *compare_reference_terminal(reports)]:
        print(line)
    if args.html:
        print(f"written: {args.html}")
    return 0


def _baseline_update(args: argparse.Namespace, rest: list[str]) -> int:
    """Run the suite and write every outcome to the baseline file."""
    import pytest

    with tempfile.TemporaryDirectory() as tmp:
        report_path = Path(tmp) / "report.json"
        pytest_args = _pytest_args([*rest, f"--ecr-report-json={report_path}"])
        if pytest_args is None:
            return 2
        code = int(pytest.main(pytest_args))
        if not report_path.exists():
            print(
                f"pytest-ecr baseline: the run wrote no report (pytest exit {code})",
                file=sys.stderr,
            )
            return 2
        reports = _reports([str(report_path)])
        if reports is None:
            return 2
    try:
        write_baseline(Path(args.baseline), baseline_from_report(reports[0]))
    except (OSError, BaselineError) as exc:
        print(f"pytest-ecr baseline: cannot write {args.baseline}: {exc}", file=sys.stderr)
        return 2
    print(f"baseline written: {args.baseline}")
    return 0


def _deviations(args: argparse.Namespace) -> int:
    """Propose known-deviation entries (``expect`` filled in) for a report's failures."""
    from .deviations import FORMAT, VERSION, propose

    reports = _reports([args.report])
    if reports is None:
        return 2
    targets = [t for t in args.targets.split(",") if t] or [str(reports[0]["target"])]
    document = {"format": FORMAT, "version": VERSION, "deviations": propose(reports[0], targets)}
    print(json.dumps(document, indent=2, sort_keys=True))
    return 0


#: The settings that mean something to the sweeper.
SWEEP_SETTINGS = (
    "target",
    "endpoint_url",
    "region",
    "allow_aws",
    "aws_accounts",
    "name_prefix",
    "run_id",
    "max_attempts",
    "connect_timeout",
    "read_timeout",
)


def _add_setting_options(parser: argparse.ArgumentParser, names: Sequence[str]) -> None:
    for spec in SPECS:
        if spec.name not in names:
            continue
        if spec.is_flag:
            parser.add_argument(spec.flag, action="store_true", default=None, help=spec.help)
        else:
            parser.add_argument(
                spec.flag,
                default=None,
                choices=spec.choices,
                help=spec.help,
                metavar=spec.metavar or spec.name.upper(),
            )


def _seconds(text: str) -> float:
    """``--older-than``: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not (0 <= value < float("inf")):
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds, 0 or more")
    return value


def _sweep(args: argparse.Namespace) -> int:
    cli = {
        spec.name: getattr(args, spec.flag[2:].replace("-", "_"), None)
        for spec in SPECS
        if spec.name in SWEEP_SETTINGS
    }
    try:
        settings = resolve_settings(cli, {})
    except SettingsError as exc:
        print(f"pytest-ecr sweep: {exc}", file=sys.stderr)
        return 2
    if settings.target not in ("url", "aws"):
        print(
            "pytest-ecr sweep: leftovers live on a target that outlives a run: give "
            "--ecr-endpoint-url URL, or --ecr-target=aws --ecr-allow-aws",
            file=sys.stderr,
        )
        return 2
    target = make_target(settings)
    try:
        target.start()
    except TargetUnavailable as exc:
        print(f"pytest-ecr sweep: {exc}", file=sys.stderr)
        return 2
    client = target.client()
    try:
        found = sweep(
            client,
            prefix=settings.name_prefix,
            older_than=args.older_than,
            dry_run=args.dry_run,
            run_id=settings.run_id,
            ignore_heartbeats=args.ignore_heartbeats,
        )
        restored = [] if args.dry_run else _restore_registry(settings, target, client)
    finally:
        client.close()
        target.stop()
    verb = "would delete" if args.dry_run else "deleted"
    for leftover in found:
        what = leftover.problem or verb
        print(
            f"{what}: {leftover.name} (run {leftover.run_id}, created "
            f"{leftover.created_at.isoformat()})"
        )
    for line in restored:
        print(line)
    failed = [leftover for leftover in found if leftover.problem]
    done = len(found) - len(failed)
    scope = f" of run {settings.run_id}" if settings.run_id else ""
    print(
        f"{done} repositories{scope} {verb} under {settings.name_prefix}/ on "
        f"{target.describe()}" + (f"; {len(failed)} left, listed above" if failed else "")
    )
    return 1 if failed else 0


def _restore_registry(settings: Any, target: Any, client: Any) -> list[str]:
    """Registry-wide settings that killed runs on this machine left changed, put back."""
    from .run import registry_lock_dir, shared_registry_key
    from .suite.registry import RegistrySettings

    try:
        registry_id = str(client.describe_registry()["registryId"])
    except Exception:
        registry_id = None
    account = getattr(target, "account", None) or registry_id
    lock_dir = registry_lock_dir(shared_registry_key(settings, account))
    if not lock_dir.is_dir():
        return []
    return RegistrySettings(client, settings, lock_dir).recover()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pytest-ecr", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run",
        help="Run the contract suite; every other argument (the --ecr-* options included) "
        "goes to pytest (pytest-ecr run --help lists them).",
        add_help=False,
    )
    p_compare = sub.add_parser("compare", help="Show several JSON reports side by side.")
    p_compare.add_argument("reports", nargs="+", metavar="REPORT.json")
    p_compare.add_argument("--html", metavar="PATH", help="Also write the table as HTML.")
    p_baseline = sub.add_parser("baseline", help="Keep a target's baseline of outcomes.")
    baseline_sub = p_baseline.add_subparsers(dest="baseline_command", required=True)
    p_update = baseline_sub.add_parser(
        "update",
        help="Run the suite and write every outcome to BASELINE.json; other "
        "arguments go to pytest.",
    )
    p_update.add_argument("baseline", metavar="BASELINE.json")
    p_sweep = sub.add_parser(
        "sweep",
        help="Delete repositories left by killed runs: only names under the prefix that "
        "carry the plugin's marker tag.",
    )
    _add_setting_options(p_sweep, SWEEP_SETTINGS)
    p_sweep.add_argument(
        "--older-than",
        type=_seconds,
        default=3600.0,
        metavar="SECONDS",
        help="Only repositories at least this old (default 3600).",
    )
    p_sweep.add_argument(
        "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
    )
    p_sweep.add_argument(
        "--ignore-heartbeats",
        action="store_true",
        help="Sweep runs whose heartbeat is fresh too (a run refreshes it every minute while "
        "it is alive; use this when you know it was killed within the last minutes).",
    )
    p_schema = sub.add_parser(
        "schema", help="Print the JSON Schema of an operation's input or output."
    )
    p_schema.add_argument("operation", help="An ECR operation name, for example DescribeImages.")
    p_schema.add_argument("--direction", choices=("input", "output"), default="output")
    sub.add_parser("operations", help="List the operations of the installed ECR model.")
    sub.add_parser(
        "serve",
        help="Serve recorded cassettes on 127.0.0.1 as an ECR endpoint, for programs that "
        "are not Python tests (the AWS CLI, other SDKs): pytest-ecr serve --cassette-dir DIR "
        "[--port P].",
        add_help=False,
    )
    p_deviations = sub.add_parser(
        "deviations",
        help="Propose known-deviation entries, with what went wrong filled in, for every "
        "failure of a JSON report (a starting point: say why in each reason).",
    )
    p_deviations.add_argument("report", metavar="REPORT.json")
    p_deviations.add_argument(
        "--targets",
        default="",
        metavar="T1,T2",
        help="The targets the entries apply to (default: the report's target).",
    )

    if argv is None:
        argv = sys.argv[1:]
    if list(argv[:1]) == ["serve"]:
        from .serve import serve_main

        return serve_main(list(argv[1:]))
    args, rest = parser.parse_known_args(argv)
    if args.command == "run":
        return _run(rest)
    if args.command == "baseline":
        return _baseline_update(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "compare":
        return _compare(args)
    if args.command == "sweep":
        return _sweep(args)
    if args.command == "schema":
        return _schema(args)
    if args.command == "deviations":
        return _deviations(args)
    return _operations(args)


if __name__ == "__main__":
    raise SystemExit(main())
