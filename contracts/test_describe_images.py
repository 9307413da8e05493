"""Contracts of DescribeImages (see also ../shared/reference/boto3-ecr-describe_images.txt)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, ImageFactory, Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "DescribeImages"
pytestmark = pytest.mark.ecr_contract(OPERATION)


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


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_image(tags=["v1", "v2"], layers=3, layer_size=4096)
def test_tagged_image_details(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """Tags, media type, push time and size of a pushed image.

    The size is of the compressed layers as pushed (the reference page: the Docker client
    "compresses image layers before pushing", so ECR's size is smaller than what
    ``docker images`` shows), so at least the sum of the layer blobs.
    """
    (detail,) = ecr_contract.call(OPERATION, **ids(ecr_image.repository))["imageDetails"]
    assert detail["imageDigest"] == ecr_image.digest
    assert sorted(detail["imageTags"]) == ["v1", "v2"]
    assert detail["imageManifestMediaType"] == ecr_image.media_type
    assert detail["registryId"] == ecr_image.repository.registry_id
    assert detail["repositoryName"] == ecr_image.repository.name
    assert "imagePushedAt" in detail
    layers = sum(len(ecr_image.blobs[d]) for d in ecr_image.layer_digests)
    assert detail["imageSizeInBytes"] >= layers


@pytest.mark.ecr_contract(aspect="behavior")
def test_untagged_image_has_no_tags_and_filters_apply(
    ecr_contract: ContractClient, ecr_image_factory: ImageFactory, ecr_repository: Repository
) -> None:
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


@pytest.mark.ecr_contract(aspect="errors", triggers="ImageNotFoundException")
def test_missing_image(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "ImageNotFoundException",
        **ids(ecr_repository),
        imageIds=[{"imageTag": "no-such-tag"}],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
