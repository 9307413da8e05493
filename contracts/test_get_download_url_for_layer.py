"""Contracts of GetDownloadUrlForLayer."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import Blob, Pusher
from pytest_ecr.prerequisites import prerequisite
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import MISSING_DIGEST, UPSTREAM, Contract, Evidence, Scenario, ids

OPERATION = "GetDownloadUrlForLayer"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "layerDigest": s.layer_digest}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"UnableToGetUpstreamLayerException": UPSTREAM},
    # Public InvalidParameterException answers are of other operations; nothing public for
    # this one.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # That the repository is looked up before the layer is inferred; the code is modeled.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html",
)
def test_layer_of_an_image_has_a_url(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """``downloadUrl`` is "the pre-signed Amazon S3 download URL for the requested layer"
    (the model's documentation), so an absolute http(s) URL.

    Evidence: documented, https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetDownloadUrlForLayer.html:
    the sentence above; no pasted real answer found.
    """
    layer = ecr_image.layer_digests[0]
    answer = ecr_contract.call(OPERATION, **ids(ecr_image.repository), layerDigest=layer)
    assert answer["layerDigest"] == layer
    assert answer["downloadUrl"].startswith(("https://", "http://"))


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LayerInaccessibleException",
    tier="documented",
    source="https://docs.aws.amazon.com/goto/cli2/ecr-2015-09-21/GetDownloadUrlForLayer",
)
def test_layer_of_no_image_is_inaccessible(
    ecr_contract: ContractClient, ecr_client: Any, ecr_repository: Repository
) -> None:
    """LayerInaccessibleException: "The specified layer is not available because it is not
    associated with an image" (the model).

    Evidence: documented, https://docs.aws.amazon.com/goto/cli2/ecr-2015-09-21/GetDownloadUrlForLayer:
    "You can only get URLs for image layers that are referenced in an image"; no real
    output found (AWS might answer LayersNotFoundException for such a layer instead).
    """
    blob = Blob("application/octet-stream", b"a layer that no image refers to")
    with prerequisite("uploading a layer"):
        Pusher(ecr_client, ecr_repository.name).upload(blob)
    ecr_contract.expect_error(
        OPERATION, "LayerInaccessibleException", **ids(ecr_repository), layerDigest=blob.digest
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LayersNotFoundException",
    tier="aws-verified",
    source="monken/aws-ecr-public#11",
)
def test_unknown_layer(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """A digest the repository never received is refused.

    Evidence: aws-verified, monken/aws-ecr-public#11: "An error occurred
    (LayersNotFoundException) when calling the GetDownloadUrlForLayer operation: The layer
    with digest <sha256-digest> does not exist within the repository ...".
    """
    ecr_contract.expect_error(
        OPERATION, "LayersNotFoundException", **ids(ecr_repository), layerDigest=MISSING_DIGEST
    )
