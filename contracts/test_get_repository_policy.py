"""Contracts of GetRepositoryPolicy."""

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

OPERATION = "GetRepositoryPolicy"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_policy_that_was_set(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    policy = repository_policy(ecr_repository.registry_id)
    ecr_contract.call("SetRepositoryPolicy", **ids(ecr_repository), policyText=policy)
    got = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert got["repositoryName"] == ecr_repository.name
    assert got["registryId"] == ecr_repository.registry_id
    assert json.loads(got["policyText"]) == json.loads(policy)


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryPolicyNotFoundException")
def test_repository_without_a_policy(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    ecr_contract.expect_error(OPERATION, "RepositoryPolicyNotFoundException", **ids(ecr_repository))


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
