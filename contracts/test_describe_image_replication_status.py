"""Contracts of DescribeImageReplicationStatus."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "DescribeImageReplicationStatus"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageId": {"imageTag": s.image.tags[0]}}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public InvalidParameterException answers are of other operations
    # (DescribeRepositories serverless/serverless#8905, SetRepositoryPolicy boto/boto3#3191);
    # nothing public for this one.
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
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageReplicationStatus.html",
)
def test_status_of_a_pushed_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The answer names the repository and the image.

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageReplicationStatus.html
    (and the response syntax of DescribeImageReplicationStatus): ``repositoryName`` and
    ``imageId``; no public real answer found.
    """
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageId={"imageDigest": ecr_image.digest}
    )
    assert answer["repositoryName"] == ecr_image.repository.name
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
