"""Contracts of SetRepositoryPolicy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    repository_policy,
    validation_tests,
)

OPERATION = "SetRepositoryPolicy"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "policyText": repository_policy(s.registry_id)}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_policy_round_trips(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """Set then Get gives the same policy, compared as parsed JSON."""
    policy = repository_policy(ecr_repository.registry_id)
    answer = ecr_contract.call(OPERATION, **ids(ecr_repository), policyText=policy)
    assert answer["repositoryName"] == ecr_repository.name
    assert json.loads(answer["policyText"]) == json.loads(policy)
    got = ecr_contract.call("GetRepositoryPolicy", **ids(ecr_repository))
    assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidParameterException")
def test_policy_that_is_not_json_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """policyText is "the JSON repository policy text" (the model's documentation)."""
    ecr_contract.expect_error(
        OPERATION,
        "InvalidParameterException",
        **ids(ecr_repository),
        policyText="this is not a JSON policy",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        policyText=repository_policy(ecr_repository.registry_id),
    )
