"""The ``pytest-ecr`` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .model import UnknownOperationError, load_model
from .resources import sweep
from .schema import operation_schema
from .settings import SPECS, SettingsError, resolve_settings
from .targets import TargetUnavailable, make_target

CONTRACTS_DIR = Path(__file__).resolve().parent.parent / "contracts"


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


def _run(args: argparse.Namespace, rest: list[str]) -> int:
    import pytest

    if not CONTRACTS_DIR.is_dir():
        print(f"pytest-ecr run: no contract suite at {CONTRACTS_DIR}", file=sys.stderr)
        return 2
    return int(pytest.main([str(CONTRACTS_DIR), "-p", "no:cacheprovider", *rest]))


def _add_setting_options(parser: argparse.ArgumentParser) -> None:
    for spec in SPECS:
        if spec.is_flag:
            parser.add_argument(spec.flag, action="store_true", default=None, help=spec.help)
        else:
            parser.add_argument(spec.flag, default=None, choices=spec.choices, help=spec.help)


def _sweep(args: argparse.Namespace) -> int:
    cli = {spec.name: getattr(args, spec.flag[2:].replace("-", "_")) for spec in SPECS}
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
            client, prefix=settings.name_prefix, older_than=args.older_than, dry_run=args.dry_run
        )
    finally:
        client.close()
        target.stop()
    verb = "would delete" if args.dry_run else "deleted"
    for leftover in found:
        print(
            f"{verb} {leftover.name} (run {leftover.run_id}, created "
            f"{leftover.created_at.isoformat()})"
        )
    print(f"{len(found)} repositories {verb} under {settings.name_prefix}/ on {target.describe()}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pytest-ecr", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_schema = sub.add_parser(
        "schema", help="Print the JSON Schema of an operation's input or output."
    )
    p_schema.add_argument("operation", help="An ECR operation name, for example DescribeImages.")
    p_schema.add_argument("--direction", choices=("input", "output"), default="output")
    sub.add_parser("operations", help="List the operations of the installed ECR model.")
    sub.add_parser(
        "run", help="Run the contract suite; other arguments (--ecr-* included) go to pytest."
    )
    p_sweep = sub.add_parser(
        "sweep",
        help="Delete repositories left by killed runs: only names under the prefix that "
        "carry the plugin's marker tag.",
    )
    _add_setting_options(p_sweep)
    p_sweep.add_argument(
        "--older-than",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="Only repositories at least this old (default 3600).",
    )
    p_sweep.add_argument(
        "--dry-run", action="store_true", help="List what would be deleted; delete nothing."
    )
    args, rest = parser.parse_known_args(argv)
    if args.command == "run":
        return _run(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "schema":
        return _schema(args)
    if args.command == "sweep":
        return _sweep(args)
    return _operations(args)


if __name__ == "__main__":
    raise SystemExit(main())
