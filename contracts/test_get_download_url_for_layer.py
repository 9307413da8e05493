"""Contracts of GetDownloadUrlForLayer."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import Blob, Pusher
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import (
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    UPSTREAM,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "GetDownloadUrlForLayer"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "layerDigest": s.layer_digest}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "UnableToGetUpstreamLayerException": UPSTREAM,
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_layer_of_an_image_has_a_url(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """``downloadUrl`` is "the pre-signed Amazon S3 download URL for the requested layer"
    (the model's documentation), so an absolute http(s) URL."""
    layer = ecr_image.layer_digests[0]
    answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), layerDigest=layer)
    assert answer["layerDigest"] == layer
    assert answer["downloadUrl"].startswith(("https://", "http://"))


@pytest.mark.ecr_contract(aspect="errors", triggers="LayerInaccessibleException")
def test_layer_of_no_image_is_inaccessible(
    ecr_contract: ContractClient, ecr_client: Any, ecr_repository: Repository
) -> None:
    """LayerInaccessibleException: "The specified layer is not available because it is not
    associated with an image" (the model)."""
    blob = Blob("application/octet-stream", b"a layer that no image refers to")
    Pusher(ecr_client, ecr_repository.name).upload(blob)
    ecr_contract.expect_error(
        OPERATION, "LayerInaccessibleException", **ids(ecr_repository), layerDigest=blob.digest
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="LayersNotFoundException")
def test_unknown_layer(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    ecr_contract.expect_error(
        OPERATION, "LayersNotFoundException", **ids(ecr_repository), layerDigest=MISSING_DIGEST
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        layerDigest=MISSING_DIGEST,
    )
