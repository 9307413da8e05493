"""Contracts of UpdateImageStorageClass."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "UpdateImageStorageClass"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageId": {"imageTag": s.image.tags[0]},
        "targetStorageClass": "ARCHIVE",
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "ImageStorageClassUpdateNotSupportedException": (
        "AWS does not document which transitions it refuses precisely enough to build one"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_archiving_an_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """Transitioning to ARCHIVE answers with the image and a status of the model's
    ImageStatus (ACTIVE, ARCHIVED, ACTIVATING)."""
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageId={"imageDigest": ecr_image.digest},
        targetStorageClass="ARCHIVE",
    )
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
    assert answer["repositoryName"] == ecr_image.repository.name
    assert "imageStatus" in answer


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageNotFoundException")
def test_missing_image(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "ImageNotFoundException",
        **ids(ecr_repository),
        imageId={"imageTag": "no-such-tag"},
        targetStorageClass="ARCHIVE",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageId={"imageTag": "v1"},
        targetStorageClass="ARCHIVE",
    )
