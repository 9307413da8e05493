"""Contracts of DescribeImages (see also ../shared/reference/boto3-ecr-describe_images.txt)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, ImageFactory, Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "DescribeImages"


def valid_request(s: Scenario) -> list[dict[str, Any]]:
    # maxResults and nextToken "cannot be used when you specify images with imageIds"
    # (the model's documentation of maxResults).
    return [
        {**ids(s.repository), "imageIds": [{"imageTag": s.image.tags[0]}]},
        {
            **ids(s.repository),
            "maxResults": 10,
            "filter": {"tagStatus": "ANY", "imageStatus": "ANY"},
        },
    ]


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # "InvalidParameterException: Invalid parameter at 'registryId' failed to satisfy
    # constraint: 'must satisfy regular expression [0-9]{12}' status code: 400"
    # (DescribeImages, icy/gDockerImageCheck:README.md). The imageIds bound's answer is seen
    # on BatchDeleteImage (trek10inc/ecr-cleaner#8, puemos/aws-lambda-ecr-cleaner#3).
    validation=Evidence("aws-verified", "icy/gDockerImageCheck:README.md"),
    # No public DescribeImages answer for a missing repository; the message form is AWS's
    # for DescribeImageScanFindings (turbot/steampipe-plugin-aws#1938).
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
    # "ImageNotFoundException: The image with imageId {imageDigest:'null',
    # imageTag:'latest'} does not exist within the repository with name 'main' ..."
    # (hashicorp/terraform-provider-aws#35268; a missing tag there, a missing digest here).
    missing_image=Evidence("aws-verified", "hashicorp/terraform-provider-aws#35268"),
)


@pytest.mark.ecr_contract(
    aspect="behavior", tier="aws-verified", source="hashicorp/terraform-provider-aws#35268"
)
@pytest.mark.ecr_image(tags=["v1", "v2"], layers=3, layer_size=4096)
def test_tagged_image_details(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """Digest, tags, media type, identifiers and push time of a pushed image. (Its size:
    test_image_size_covers_its_layers.)

    Evidence: aws-verified, hashicorp/terraform-provider-aws#35268: a real DescribeImages
    body (debug log) with ``imageDigest``, ``imageTags``, ``imageManifestMediaType``,
    ``registryId``, ``repositoryName`` and ``imagePushedAt``.
    """
    (detail,) = ecr_contract.call(OPERATION, **ids(ecr_image.repository))["imageDetails"]
    assert detail["imageDigest"] == ecr_image.digest
    assert sorted(detail["imageTags"]) == ["v1", "v2"]
    assert detail["imageManifestMediaType"] == ecr_image.media_type
    assert detail["registryId"] == ecr_image.repository.registry_id
    assert detail["repositoryName"] == ecr_image.repository.name
    assert "imagePushedAt" in detail


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public source says the size is at least the sum of the layers",
)
@pytest.mark.ecr_image(tags=["v1", "v2"], layers=3, layer_size=4096)
def test_image_size_covers_its_layers(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The size of a single-platform image is at least the sum of its layer blobs (moved
    here from test_tagged_image_details).

    The size is of the compressed layers as pushed (the reference page: the Docker client
    "compresses image layers before pushing", so ECR's size is smaller than what
    ``docker images`` shows), so at least the sum of the layer blobs.

    Evidence: inferred, no public AWS output: only the documentation says the size is of
    the compressed layers (botocore's ImageDetail.imageSizeInBytes, API_ImageDetail);
    whether it is at least their sum (config and manifest bytes counted or not) is
    reasoning. It would not hold for a manifest list (the maximum of its children).
    """
    (detail,) = ecr_contract.call(OPERATION, **ids(ecr_image.repository))["imageDetails"]
    layers = sum(len(ecr_image.blobs[d]) for d in ecr_image.layer_digests)
    assert detail["imageSizeInBytes"] >= layers


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImagesFilter.html"
    "; ministryofjustice/opg-lpa#1354",
)
def test_untagged_image_has_no_tags_and_filters_apply(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
    """An untagged image has no tags; the ``tagStatus`` filter selects tagged or untagged
    images.

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImagesFilter.html:
    the ``tagStatus`` filter (no public output of a filtered call: the weakest of the
    assertions); that AWS omits ``imageTags`` for an untagged image is real output
    (ministryofjustice/opg-lpa#1354, PrairieLearn/PrairieLearn#3200).
    """
    tagged = ecr_image_factory.push(ecr_repository, tags=["v1"], seed="tagged")
    untagged = ecr_image_factory.push(ecr_repository, tags=[], seed="untagged")
    details = {
        d["imageDigest"]: d
        for d in ecr_contract.call(OPERATION, **ids(ecr_repository))["imageDetails"]
    }
    assert set(details) == {tagged.digest, untagged.digest}
    assert not details[untagged.digest].get("imageTags")
    only = ecr_contract.call(OPERATION, **ids(ecr_repository), filter={"tagStatus": "UNTAGGED"})
    assert [d["imageDigest"] for d in only["imageDetails"]] == [untagged.digest]
    only = ecr_contract.call(OPERATION, **ids(ecr_repository), filter={"tagStatus": "TAGGED"})
    assert [d["imageDigest"] for d in only["imageDetails"]] == [tagged.digest]
