"""Contracts of BatchCheckLayerAvailability."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.images import Blob, Pusher
from pytest_ecr.prerequisites import prerequisite
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import MISSING_DIGEST, Contract, Evidence, Scenario, ids

OPERATION = "BatchCheckLayerAvailability"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "layerDigests": [s.layer_digest]}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # Public AWS refusals of constraint violations come from other operations sharing the
    # RepositoryName shape (SetRepositoryPolicy boto/boto3#3191, CreateRepository
    # aws/aws-dotnet-deploy#549); nothing public for this operation itself.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="aws/aws-cli:awscli/examples/ecr/batch-check-layer-availability.rst",
)
@pytest.mark.ecr_image(layers=2)
def test_pushed_layers_are_available_and_others_are_failures(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """Pushed layers are AVAILABLE with their size; an unknown digest is a failure in an
    HTTP 200 answer (the response's ``failures`` member), not an error.

    Evidence: aws-verified, aws/aws-cli:awscli/examples/ecr/batch-check-layer-availability.rst:
    a real answer lists a pushed layer as AVAILABLE with its layerSize (that a missing
    digest goes to ``failures`` is the model's LayerFailureCode; the failure code is not
    asserted).
    """
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        layerDigests=[*ecr_image.layer_digests, MISSING_DIGEST],
    )
    available = {layer["layerDigest"]: layer for layer in answer["layers"]}
    assert set(available) == set(ecr_image.layer_digests)
    for digest in ecr_image.layer_digests:
        assert available[digest]["layerAvailability"] == "AVAILABLE"
        assert available[digest]["layerSize"] == len(ecr_image.blobs[digest])
    assert [f["layerDigest"] for f in answer["failures"]] == [MISSING_DIGEST]


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output: every public answer lists layers of pushed images",
)
def test_uploaded_layer_no_image_refers_to_is_available(
    ecr_contract: ContractClient, ecr_client: Any, ecr_repository: Repository
) -> None:
    """A completed layer upload that no image refers to yet is listed in ``layers`` with
    its size (moved here from test_complete_layer_upload.py::test_completed_layer_is_available).

    Evidence: inferred, no public AWS output: public answers (the aws-cli example) are of
    layers of pushed images; that an unreferenced layer is listed too is reasoning (a push
    uploads layers before it puts the manifest that refers to them).
    """
    blob = Blob("application/octet-stream", b"pytest-ecr layer " * 64)
    with prerequisite("uploading a layer"):
        Pusher(ecr_client, ecr_repository.name).upload(blob)
    check = ecr_contract.call(OPERATION, **ids(ecr_repository), layerDigests=[blob.digest])
    assert [(x["layerDigest"], x["layerSize"]) for x in check["layers"]] == [
        (blob.digest, len(blob.data))
    ]
