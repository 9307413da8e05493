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
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    UPSTREAM,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "BatchGetImage"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageIds": [{"imageTag": s.image.tags[0]}],
        "acceptedMediaTypes": [DOCKER_MANIFEST],
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (image pulls per second)",
    "UnableToGetUpstreamImageException": UPSTREAM,
}


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_image(tags=["v1"], layers=2)
def test_manifest_round_trips(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """The manifest comes back byte for byte, with the digest and media type pushed."""
    for image_id in ({"imageTag": "v1"}, {"imageDigest": ecr_image.digest}):
        answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageIds=[image_id])
        assert answer["failures"] == []
        (image,) = answer["images"]
        assert image["imageManifest"] == ecr_image.manifest
        assert image["imageId"]["imageDigest"] == ecr_image.digest
        assert image["imageManifestMediaType"] == ecr_image.media_type
        assert image["repositoryName"] == ecr_image.repository.name


@pytest.mark.ecr_contract(aspect="behavior")
def test_missing_image_is_a_failure_not_an_error(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """A missing image is reported in ``failures`` (ImageNotFound) in an HTTP 200 answer."""
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageIds=[{"imageDigest": MISSING_DIGEST}, {"imageDigest": ecr_image.digest}],
    )
    assert [i["imageId"]["imageDigest"] for i in answer["images"]] == [ecr_image.digest]
    (failure,) = answer["failures"]
    assert failure["imageId"].get("imageDigest") == MISSING_DIGEST
    assert failure["failureCode"] == "ImageNotFound"


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageIds=[{"imageTag": "v1"}],
    )
