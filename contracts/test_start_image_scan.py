"""Contracts of StartImageScan."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "StartImageScan"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "UnsupportedImageTypeException": (
        "AWS does not document which image types basic scanning refuses precisely enough "
        "to build one"
    ),
    "ImageArchivedException": (
        "needs an image in the archive storage class; the suite does not archive images "
        "(archiving is asynchronous and billed for a minimum duration on AWS)"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_scan_of_a_pushed_image_starts(ecr_contract: ContractClient, ecr_image: Image) -> None:
    started = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageId={"imageDigest": ecr_image.digest}
    )
    assert started["imageId"]["imageDigest"] == ecr_image.digest
    assert started["repositoryName"] == ecr_image.repository.name
    assert "status" in started["imageScanStatus"]


@pytest.mark.ecr_contract(aspect="errors", triggers="LimitExceededException")
def test_second_scan_within_a_day_is_refused(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "A basic image scan can only be started once per 24 hours on an individual image"
    (the model's documentation of StartImageScan)."""
    image_id = {"imageDigest": ecr_image.digest}
    ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageId=image_id)
    ecr_contract.expect_error(
        OPERATION, "LimitExceededException", **ids(ecr_image.repository), imageId=image_id
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
