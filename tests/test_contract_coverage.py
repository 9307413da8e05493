"""The contract suite against the model: every operation has a module, every modeled error
is triggered by a test or justified, every constrained input member has a validation case.

A botocore release that adds an operation, an error or a constraint makes this fail.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pytest
from botocore import xform_name

from pytest_ecr.invalid import constraint_cases, get_path, invalid_value
from pytest_ecr.model import load_model
from pytest_ecr.schema import operation_schema
from pytest_ecr.suite import Contract, FakeScenario, request_with
from pytest_ecr.terms import TIERS

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts"

#: Operations whose modules are not written yet, and where they will come from.
PENDING: dict[str, str] = {}


def module_path(operation: str) -> Path:
    return CONTRACTS / f"test_{xform_name(operation)}.py"


def load_file(path: Path) -> ModuleType:
    """Import a contract module by its path (once), under a name of its own."""
    name = "_contract_" + "_".join(path.relative_to(CONTRACTS).with_suffix("").parts)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load(operation: str) -> ModuleType:
    return load_file(module_path(operation))


WRITTEN = [op for op in load_model().operation_names if module_path(op).exists()]


def test_every_operation_has_a_module_or_is_pending() -> None:
    missing = [
        op
        for op in load_model().operation_names
        if not module_path(op).exists() and op not in PENDING
    ]
    assert missing == [], f"operations without a contract module: {missing}"
    stale = [op for op in PENDING if module_path(op).exists()]
    assert stale == [], f"written, remove from PENDING: {stale}"
    extra = {p.stem for p in CONTRACTS.glob("test_*.py")} - {
        f"test_{xform_name(op)}" for op in load_model().operation_names
    }
    assert extra == set(), f"modules that name no operation of the model: {extra}"


def marks(function: Any) -> list[Any]:
    return [m for m in getattr(function, "pytestmark", []) if m.name == "ecr_contract"]


def triggered(module: ModuleType) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in vars(module).items():
        if name.startswith("test") and callable(value):
            for mark in marks(value):
                if "triggers" in mark.kwargs:
                    assert mark.kwargs.get("aspect") == "errors", (
                        f"{name}: triggers= needs the errors aspect"
                    )
                    out.setdefault(mark.kwargs["triggers"], []).append(name)
    return out


@pytest.mark.parametrize("operation", WRITTEN)
def test_module_declares_its_operation(operation: str) -> None:
    """One declaration per module, and none of the names it replaced."""
    module = load(operation)
    assert isinstance(module.CONTRACT, Contract)
    assert module.CONTRACT.operation == operation
    leftovers = {"pytestmark", "UNTRIGGERED", "test_validation"} & set(vars(module))
    assert leftovers == set(), f"{operation}: the Contract declaration replaces {leftovers}"


@pytest.mark.parametrize("operation", WRITTEN)
def test_every_modeled_error_is_triggered_or_justified(operation: str) -> None:
    module = load(operation)
    assert module.CONTRACT.problems(triggered(module)) == []


@pytest.mark.parametrize("operation", WRITTEN)
def test_every_constrained_member_has_a_validation_case(operation: str) -> None:
    module = load(operation)
    valid_request = module.CONTRACT.valid_request
    if valid_request is None:
        assert constraint_cases(operation) == [], f"{operation}: constrained, no valid_request"
        return
    requests = valid_request(FakeScenario())
    schema = operation_schema(operation, "input")
    for request in [requests] if isinstance(requests, dict) else requests:
        # The base requests must themselves be valid, or a case tests two things.
        encoded = {k: ("" if isinstance(v, bytes) else v) for k, v in request.items()}
        jsonschema.Draft202012Validator(schema).validate(encoded)
    for case in constraint_cases(operation):
        request = request_with(requests, case)
        invalid_value(case, get_path(request, case.path))


TIER_DUMP = """
import json

def pytest_collection_finish(session):
    from pytest_ecr.markers import contract_of

    out = []
    for item in session.items:
        mark = contract_of(item)
        named = any("tier" in m.kwargs for m in item.iter_markers("ecr_contract"))
        out.append([item.nodeid, named, mark.tier if mark else None, mark.source if mark else ""])
    with open("tiers.json", "w") as handle:
        json.dump(out, handle)
"""


def test_every_contract_test_names_its_evidence(pytester: pytest.Pytester) -> None:
    """Every contract test has a tier, and a tier above ``model`` names its source."""
    pytester.makepyfile(tierdump=TIER_DUMP)
    result = pytester.runpytest_subprocess(
        str(CONTRACTS), "--collect-only", "-q", "-p", "tierdump", "-p", "no:randomly"
    )
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()[-2000:]
    items = json.loads((pytester.path / "tiers.json").read_text())
    assert len(items) > 500
    unnamed = [nodeid for nodeid, named, _, _ in items if not named]
    assert unnamed == [], f"{len(unnamed)} contract tests without a tier: {unnamed[:20]}"
    assert {tier for _, _, tier, _ in items} <= set(TIERS)
    unsourced = [
        nodeid
        for nodeid, _, tier, source in items
        if tier in ("aws-verified", "documented") and not source.strip()
    ]
    assert unsourced == [], f"tiers above model without a source: {unsourced[:20]}"


def load_derived(name: str) -> ModuleType:
    return load_file(CONTRACTS / "derived" / f"{name}.py")


def test_every_paginator_is_populated_or_justified() -> None:
    pagination = load_derived("test_pagination")
    paginators = set(load_model().paginators)
    assert paginators == set(pagination.POPULATE) | set(pagination.CANNOT_POPULATE)
    assert not set(pagination.POPULATE) & set(pagination.CANNOT_POPULATE)
    assert set(pagination.PAGINATORS) == paginators


def test_every_waiter_has_a_start_and_a_missing_resource() -> None:
    waiters = load_derived("test_waiters")
    names = set(load_model().waiters)
    assert set(waiters.START) == names
    assert set(waiters.MISSING) == names
    assert {p.id for p in waiters.WAITERS} == names
