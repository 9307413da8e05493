"""Contracts of DeleteRepository."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "DeleteRepository"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION, "KmsException": KMS_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_deleted_repository_is_gone(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    deleted = ecr_contract.call(OPERATION, **ids(ecr_repository))["repository"]
    assert deleted["repositoryName"] == ecr_repository.name
    assert deleted["repositoryArn"] == ecr_repository.arn
    ecr_contract.expect_error(
        "DescribeRepositories", "RepositoryNotFoundException", repositoryNames=[ecr_repository.name]
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotEmptyException")
def test_repository_with_images_needs_force(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """RepositoryNotEmptyException: "To delete a repository that contains images, you must
    force the deletion with the force parameter" (the model's documentation)."""
    repository = ecr_image.repository
    ecr_contract.expect_error(OPERATION, "RepositoryNotEmptyException", **ids(repository))
    deleted = ecr_contract.call(OPERATION, **ids(repository), force=True)
    assert deleted["repository"]["repositoryName"] == repository.name


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
