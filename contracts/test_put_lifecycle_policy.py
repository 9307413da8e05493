"""Contracts of PutLifecyclePolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    LIFECYCLE_POLICY,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "PutLifecyclePolicy"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "lifecyclePolicyText": LIFECYCLE_POLICY}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_policy_round_trips(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Put then Get gives the same policy, compared as parsed JSON (AWS may re-format it)."""
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    assert answer["repositoryName"] == ecr_repository.name
    assert json.loads(answer["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)
    got = ecr_contract.call("GetLifecyclePolicy", **ids(ecr_repository))
    assert json.loads(got["lifecyclePolicyText"]) == json.loads(LIFECYCLE_POLICY)


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidParameterException")
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A lifecycle policy is a JSON document (Amazon ECR User Guide, "Lifecycle policy
    parameters"); text of a valid length that is not JSON is an invalid parameter."""
    ecr_contract.expect_error(
        OPERATION,
        "InvalidParameterException",
        **ids(ecr_repository),
        lifecyclePolicyText="this is not a JSON lifecycle policy " * 4,
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        lifecyclePolicyText=LIFECYCLE_POLICY,
    )
