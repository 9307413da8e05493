"""Contracts of DescribeImageSigningStatus (managed signing, 2025-11; see
../shared/reference/boto3-ecr-describe_image_signing_status.txt)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "DescribeImageSigningStatus"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public InvalidParameterException answers are of other operations; nothing public for
    # this one (managed signing, 2025-11).
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
    missing_image=Evidence(
        "model", "botocore's ECR model: ImageNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageSigningStatus.html",
)
def test_status_of_a_pushed_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The answer names the image; each status's ``failureCode`` and ``failureReason`` are
    "only present if status is FAILED" (the reference page).

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageSigningStatus.html:
    "failureCode: The failure code, which is only present if status is FAILED"; no public
    real answer found.
    """
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageId={"imageDigest": ecr_image.digest}
    )
    assert answer["repositoryName"] == ecr_image.repository.name
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
    for status in answer.get("signingStatuses", []):
        failed = status.get("status") == "FAILED"
        assert ("failureCode" in status) == failed, status
        assert ("failureReason" in status) == failed, status
