"""Contracts of BatchDeleteImage."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import MISSING_DIGEST, Contract, Evidence, Scenario, ids

OPERATION = "BatchDeleteImage"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageIds": [{"imageTag": "no-such-tag"}]}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "An error occurred (InvalidParameterException) when calling the BatchDeleteImage
    # operation: Invalid parameter at 'imageIds' failed to satisfy constraint: 'Member must
    # have length less than or equal to 100'" (awslabs/ecr-cleanup-lambda#11; HTTP 400 in
    # fujiwara/ecrm#3; the minimum in puemos/aws-lambda-ecr-cleaner#3).
    validation=Evidence("aws-verified", "awslabs/ecr-cleanup-lambda#11"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


def listed_tags(contract: ContractClient, image: Image) -> list[str]:
    answer = contract.call("ListImages", **ids(image.repository))
    return sorted(i["imageTag"] for i in answer["imageIds"] if "imageTag" in i)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html",
)
@pytest.mark.ecr_image(tags=["v1", "v2"])
def test_removing_the_last_tag_deletes_the_image(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "When you remove the last tag from an image, the image is deleted from your
    repository" (the model's documentation of BatchDeleteImage).

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html:
    the last-tag rule (the answer's imageIds with the digest: real output in
    aws/aws-cli:awscli/examples/ecr/batch-delete-image.rst).
    """
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageIds=[{"imageTag": "v1"}]
    )
    assert answer["failures"] == []
    assert [i["imageDigest"] for i in answer["imageIds"]] == [ecr_image.digest]
    assert listed_tags(ecr_contract, ecr_image) == ["v2"]
    ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageIds=[{"imageTag": "v2"}])
    assert ecr_contract.call("ListImages", **ids(ecr_image.repository))["imageIds"] == []


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html",
)
@pytest.mark.ecr_image(tags=["v1", "v2"])
def test_deleting_by_digest_removes_every_tag(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "You can completely delete an image (and all of its tags) by specifying the image's
    digest" (the model's documentation of BatchDeleteImage).

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_BatchDeleteImage.html:
    the sentence above.
    """
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageIds=[{"imageDigest": ecr_image.digest}]
    )
    assert answer["failures"] == []
    assert ecr_contract.call("ListImages", **ids(ecr_image.repository))["imageIds"] == []


@pytest.mark.ecr_contract(aspect="behavior", tier="aws-verified", source="aws/aws-cli#6424")
def test_missing_image_is_a_failure_not_an_error(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """A missing image is reported in ``failures`` (failure code ImageNotFound, from the
    model's ImageFailureCode) in an HTTP 200 answer; the others are still deleted.

    Evidence: aws-verified, aws/aws-cli#6424: a real HTTP 200 body
    ``{"failures":[{"failureCode":"ImageNotFound",...,"imageId":{"imageTag":"latest"}}],
    "imageIds":[]}`` (seen for a missing tag; this test names a missing digest).
    """
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageIds=[{"imageDigest": MISSING_DIGEST}, {"imageDigest": ecr_image.digest}],
    )
    assert [i["imageDigest"] for i in answer["imageIds"]] == [ecr_image.digest]
    (failure,) = answer["failures"]
    assert failure["imageId"].get("imageDigest") == MISSING_DIGEST
    assert failure["failureCode"] == "ImageNotFound"
