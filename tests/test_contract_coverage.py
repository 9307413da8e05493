"""The contract suite against the model: every operation has a module, every modeled error
is triggered by a test or justified, every constrained input member has a validation case.

A botocore release that adds an operation, an error or a constraint makes this fail.
"""

from __future__ import annotations

import importlib.util
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
from pytest_ecr.suite import VALIDATION_ERRORS, FakeScenario, request_with

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
def test_module_names_its_operation(operation: str) -> None:
    module = load(operation)
    assert operation == module.OPERATION
    assert module.pytestmark.name == "ecr_contract"
    assert module.pytestmark.args == (operation,)


@pytest.mark.parametrize("operation", WRITTEN)
def test_every_modeled_error_is_triggered_or_justified(operation: str) -> None:
    module = load(operation)
    modeled = load_model().modeled_errors(operation)
    by_test = set(triggered(module))
    justified: dict[str, str] = module.UNTRIGGERED
    by_validation = modeled & VALIDATION_ERRORS if constraint_cases(operation) else set()
    assert not by_test & set(justified), "both triggered and justified"
    for code, reason in justified.items():
        assert len(reason) >= 20, f"{code}: the reason must say why"
    unaccounted = modeled - by_test - set(justified) - by_validation
    assert unaccounted == set(), f"{operation}: modeled errors neither triggered nor justified"
    unknown = (by_test | set(justified)) - modeled
    assert unknown == set(), f"{operation}: not modeled errors named: {unknown}"


@pytest.mark.parametrize("operation", WRITTEN)
def test_every_constrained_member_has_a_validation_case(operation: str) -> None:
    module = load(operation)
    valid_request = module.test_validation.ecr_valid_request
    requests = valid_request(FakeScenario())
    schema = operation_schema(operation, "input")
    for request in [requests] if isinstance(requests, dict) else requests:
        # The base requests must themselves be valid, or a case tests two things.
        encoded = {k: ("" if isinstance(v, bytes) else v) for k, v in request.items()}
        jsonschema.Draft202012Validator(schema).validate(encoded)
    for case in constraint_cases(operation):
        request = request_with(requests, case)
        invalid_value(case, get_path(request, case.path))


def load_derived(name: str) -> ModuleType:
    return load_file(CONTRACTS / "derived" / f"{name}.py")


def test_every_paginator_is_populated_or_justified() -> None:
    pagination = load_derived("test_pagination")
    paginators = set(load_model().paginators)
    assert paginators == set(pagination.POPULATE) | set(pagination.CANNOT_POPULATE)
    assert not set(pagination.POPULATE) & set(pagination.CANNOT_POPULATE)
    assert {p.id for p in pagination.PAGINATED} == paginators


def test_every_waiter_has_a_start_and_a_missing_resource() -> None:
    waiters = load_derived("test_waiters")
    names = set(load_model().waiters)
    assert set(waiters.START) == names
    assert set(waiters.MISSING) == names
    assert {p.id for p in waiters.WAITERS} == names
