"""Contracts of StartImageScan."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "StartImageScan"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "UnsupportedImageTypeException": (
            "AWS does not document which image types basic scanning refuses precisely enough "
            "to build one"
        ),
        "ImageArchivedException": (
            "needs an image in the archive storage class; the suite does not archive images "
            "(archiving is asynchronous and billed for a minimum duration on AWS)"
        ),
    },
    # "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular
    # expression '[a-zA-Z0-9-_.]+''" (StartImageScan, alexjurkiewicz/ecr-scan-image#40).
    validation=Evidence("aws-verified", "alexjurkiewicz/ecr-scan-image#40"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: StartImageScan lists RepositoryNotFoundException"
    ),
    missing_image=Evidence(
        "model", "botocore's ECR model: StartImageScan lists ImageNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior", tier="aws-verified", source="aws-observability/aws-otel-collector#2193"
)
def test_scan_of_a_pushed_image_starts(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The scan starts and the answer names the image and a scan status (only its presence
    is checked: a synthetic image's basic scan ends FAILED, UnsupportedImageError).

    Evidence: aws-verified, aws-observability/aws-otel-collector#2193: real ECR accepts the
    scan of an image without OS packages and reports imageScanStatus.status FAILED.
    """
    started = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageId={"imageDigest": ecr_image.digest}
    )
    assert started["imageId"]["imageDigest"] == ecr_image.digest
    assert started["repositoryName"] == ecr_image.repository.name
    assert "status" in started["imageScanStatus"]


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LimitExceededException",
    tier="aws-verified",
    source="aws/containers-roadmap#1226",
)
def test_second_scan_within_a_day_is_refused(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "A basic image scan can only be started once per 24 hours on an individual image"
    (the model's documentation of StartImageScan).

    Evidence: aws-verified, aws/containers-roadmap#1226: real ECR refuses a second scan of
    an image with an exception that "looks exactly like an API throttling exception"; the
    code, LimitExceededException ("The scan quota per image has been exceeded"), is the
    model's and a public script's.
    """
    image_id = {"imageDigest": ecr_image.digest}
    ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageId=image_id)
    ecr_contract.expect_error(
        OPERATION, "LimitExceededException", **ids(ecr_image.repository), imageId=image_id
    )
