"""Contracts of BatchGetImage."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import DOCKER_MANIFEST
from pytest_ecr.resources import Image
from pytest_ecr.suite import (
    LIMIT_EXCEPTION,
    MISSING_DIGEST,
    UPSTREAM,
    Contract,
    Evidence,
    Scenario,
    ids,
)

OPERATION = "BatchGetImage"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageIds": [{"imageTag": s.image.tags[0]}],
        "acceptedMediaTypes": [DOCKER_MANIFEST],
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (image pulls per second)",
        "UnableToGetUpstreamImageException": UPSTREAM,
    },
    # The public InvalidParameterException answers are of other operations (BatchDeleteImage
    # trek10inc/ecr-cleaner#8, SetRepositoryPolicy boto/boto3#3191); BatchGetImage is not
    # among the operations whose own refusals were checked.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: Image.imageManifestMediaType; the rest "
    "aws/aws-cli:awscli/examples/ecr/batch-get-image.rst, aws/aws-sdk-js-v3#6642",
)
@pytest.mark.ecr_image(tags=["v1"], layers=2)
def test_manifest_round_trips(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The manifest comes back byte for byte, with the digest and media type pushed.

    Evidence: model, botocore's ECR model: ``imageManifestMediaType`` (absent from every
    public real answer found, which predate it); the verbatim manifest, ``imageId`` and
    ``repositoryName`` are aws-verified (aws/aws-cli:awscli/examples/ecr/batch-get-image.rst,
    aws/aws-sdk-js-v3#6642). The tier is the weakest one the assertions need.
    """
    for image_id in ({"imageTag": "v1"}, {"imageDigest": ecr_image.digest}):
        answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageIds=[image_id])
        assert answer["failures"] == []
        (image,) = answer["images"]
        assert image["imageManifest"] == ecr_image.manifest
        assert image["imageId"]["imageDigest"] == ecr_image.digest
        assert image["imageManifestMediaType"] == ecr_image.media_type
        assert image["repositoryName"] == ecr_image.repository.name


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: ImageFailureCode ImageNotFound",
)
def test_missing_image_is_a_failure_not_an_error(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """A missing image is reported in ``failures`` (ImageNotFound) in an HTTP 200 answer.

    Evidence: model, botocore's ECR model: ImageFailureCode; no public BatchGetImage
    failure found (the BatchDeleteImage analogue is real output: aws/aws-cli#6424).
    """
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageIds=[{"imageDigest": MISSING_DIGEST}, {"imageDigest": ecr_image.digest}],
    )
    assert [i["imageId"]["imageDigest"] for i in answer["images"]] == [ecr_image.digest]
    (failure,) = answer["failures"]
    assert failure["imageId"].get("imageDigest") == MISSING_DIGEST
    assert failure["failureCode"] == "ImageNotFound"
