"""The strategies draw only valid requests, and the broken ones only invalid requests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings

from pytest_ecr.invalid import constraint_cases
from pytest_ecr.model import load_model
from pytest_ecr.schema import validate
from pytest_ecr.strategies import as_call, broken, request, to_wire

OPERATIONS = load_model().operation_names
CHECK = settings(
    max_examples=15,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_requests_are_valid(operation: str) -> None:
    @CHECK
    @given(request(operation))
    def check(params: dict[str, object]) -> None:
        result = validate(operation, "input", to_wire(params))
        assert result.ok, (as_call(operation, params), result.violations)
        assert not result.unknown_members

    check()


CONSTRAINED = [op for op in OPERATIONS if constraint_cases(op)]


@pytest.mark.parametrize("operation", CONSTRAINED)
def test_broken_requests_are_invalid(operation: str) -> None:
    @CHECK
    @given(broken(operation))
    def check(pair: tuple[object, dict[str, object]]) -> None:
        case, params = pair
        result = validate(operation, "input", to_wire(params))
        assert not result.ok, (case, as_call(operation, params))

    check()


def test_as_call_is_ready_to_run() -> None:
    line = as_call("CreateRepository", {"repositoryName": "a-b"})
    assert line == "boto3.client('ecr').create_repository(**{'repositoryName': 'a-b'})"


def test_broken_is_empty_without_constraints() -> None:
    assert broken("ListTagsForResource").is_empty
    # An operation without input members has exactly one valid request: the empty one.
    assert find(request("DescribeRegistry"), lambda _: True) == {}
