"""Contracts of BatchDeleteImage."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import (
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "BatchDeleteImage"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageIds": [{"imageTag": "no-such-tag"}]}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


def listed_tags(contract: ContractClient, image: Image) -> list[str]:
    answer = contract.call("ListImages", **ids(image.repository))
    return sorted(i["imageTag"] for i in answer["imageIds"] if "imageTag" in i)


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_image(tags=["v1", "v2"])
def test_removing_the_last_tag_deletes_the_image(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "When you remove the last tag from an image, the image is deleted from your
    repository" (the model's documentation of BatchDeleteImage)."""
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageIds=[{"imageTag": "v1"}]
    )
    assert answer["failures"] == []
    assert [i["imageDigest"] for i in answer["imageIds"]] == [ecr_image.digest]
    assert listed_tags(ecr_contract, ecr_image) == ["v2"]
    ecr_contract.call(OPERATION, **ids(ecr_image.repository), imageIds=[{"imageTag": "v2"}])
    assert ecr_contract.call("ListImages", **ids(ecr_image.repository))["imageIds"] == []


@pytest.mark.ecr_contract(aspect="behavior")
@pytest.mark.ecr_image(tags=["v1", "v2"])
def test_deleting_by_digest_removes_every_tag(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """ "You can completely delete an image (and all of its tags) by specifying the image's
    digest" (the model's documentation of BatchDeleteImage)."""
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_image.repository), imageIds=[{"imageDigest": ecr_image.digest}]
    )
    assert answer["failures"] == []
    assert ecr_contract.call("ListImages", **ids(ecr_image.repository))["imageIds"] == []


@pytest.mark.ecr_contract(aspect="behavior")
def test_missing_image_is_a_failure_not_an_error(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """A missing image is reported in ``failures`` (failure code ImageNotFound, from the
    model's ImageFailureCode) in an HTTP 200 answer; the others are still deleted."""
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageIds=[{"imageDigest": MISSING_DIGEST}, {"imageDigest": ecr_image.digest}],
    )
    assert [i["imageDigest"] for i in answer["imageIds"]] == [ecr_image.digest]
    (failure,) = answer["failures"]
    assert failure["imageId"].get("imageDigest") == MISSING_DIGEST
    assert failure["failureCode"] == "ImageNotFound"


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageIds=[{"imageDigest": MISSING_DIGEST}],
    )
