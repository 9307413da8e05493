"""Contracts of DescribeRepositories."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "DescribeRepositories"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> list[dict[str, Any]]:
    # maxResults "cannot be used when you specify repositories with repositoryNames"
    # (the model's documentation of maxResults).
    return [
        {"registryId": s.registry_id, "repositoryNames": [s.repository.name]},
        {"registryId": s.registry_id, "maxResults": 10},
    ]


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="shape")
def test_listing_matches_the_model(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    ecr_contract.call(OPERATION)


@pytest.mark.ecr_contract(aspect="behavior")
def test_named_repositories_are_described(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    (described,) = ecr_contract.call(OPERATION, repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["repositoryName"] == ecr_repository.name
    assert described["repositoryArn"] == ecr_repository.arn
    assert described["repositoryUri"] == ecr_repository.uri
    assert described["registryId"] == ecr_repository.registry_id
    assert "createdAt" in described


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository_is_reported(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryNames=[MISSING_REPOSITORY]
    )
