"""Contracts of GetLifecyclePolicyPreview."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import (
    LIFECYCLE_POLICY,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "GetLifecyclePolicyPreview"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> list[dict[str, Any]]:
    # maxResults and nextToken cannot be used with imageIds (the model's documentation).
    return [
        {**ids(s.repository), "imageIds": [{"imageTag": s.image.tags[0]}]},
        {**ids(s.repository), "maxResults": 10, "filter": {"tagStatus": "ANY"}},
    ]


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_preview_that_was_started(ecr_contract: ContractClient, ecr_image: Image) -> None:
    repository = ecr_image.repository
    ecr_contract.call(
        "StartLifecyclePolicyPreview", **ids(repository), lifecyclePolicyText=LIFECYCLE_POLICY
    )
    preview = ecr_contract.call(OPERATION, **ids(repository))
    assert preview["repositoryName"] == repository.name
    assert preview["registryId"] == repository.registry_id
    assert "status" in preview


@pytest.mark.ecr_contract(aspect="errors", triggers="LifecyclePolicyPreviewNotFoundException")
def test_repository_without_a_preview(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LifecyclePolicyPreviewNotFoundException: "There is no dry run for this repository"."""
    ecr_contract.expect_error(
        OPERATION, "LifecyclePolicyPreviewNotFoundException", **ids(ecr_repository)
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
