"""The ``pytest-ecr`` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from .model import UnknownOperationError, load_model
from .schema import operation_schema

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
    args, rest = parser.parse_known_args(argv)
    if args.command == "run":
        return _run(args, rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "schema":
        return _schema(args)
    return _operations(args)


if __name__ == "__main__":
    raise SystemExit(main())
