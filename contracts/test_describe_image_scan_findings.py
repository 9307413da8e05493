"""Contracts of DescribeImageScanFindings."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "DescribeImageScanFindings"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}, "maxResults": 10}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_findings_of_a_started_scan(ecr_contract: ContractClient, ecr_image: Image) -> None:
    image_id = {"imageDigest": ecr_image.digest}
    ecr_contract.call("StartImageScan", **ids(ecr_image.repository), imageId=image_id)
    answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageId=image_id)
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
    assert answer["repositoryName"] == ecr_image.repository.name
    assert "status" in answer["imageScanStatus"]


@pytest.mark.ecr_contract(aspect="errors", triggers="ScanNotFoundException")
def test_image_never_scanned(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """ScanNotFoundException: "The specified image scan could not be found" (the model);
    the image's repository does not scan on push and no scan was started."""
    ecr_contract.expect_error(
        OPERATION,
        "ScanNotFoundException",
        **ids(ecr_image.repository),
        imageId={"imageDigest": ecr_image.digest},
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageNotFoundException")
def test_missing_image(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "ImageNotFoundException",
        **ids(ecr_repository),
        imageId={"imageTag": "no-such-tag"},
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageId={"imageTag": "v1"},
    )
