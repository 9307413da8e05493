"""Contracts of CompleteLayerUpload."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image, Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    MISSING_DIGEST,
    MISSING_REPOSITORY,
    MISSING_UPLOAD_ID,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "CompleteLayerUpload"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "uploadId": s.new_upload_id(), "layerDigests": [MISSING_DIGEST]}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION, "KmsException": KMS_EXCEPTION}


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def upload(contract: ContractClient, repository: Repository, *parts: bytes) -> str:
    upload_id = str(contract.call("InitiateLayerUpload", **ids(repository))["uploadId"])
    first = 0
    for part in parts:
        contract.call(
            "UploadLayerPart",
            **ids(repository),
            uploadId=upload_id,
            partFirstByte=first,
            partLastByte=first + len(part) - 1,
            layerPartBlob=part,
        )
        first += len(part)
    return upload_id


@pytest.mark.ecr_contract(aspect="behavior")
def test_completed_layer_is_available(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The registry computes the digest of the uploaded bytes; the layer is then AVAILABLE."""
    blob = b"pytest-ecr layer " * 64
    upload_id = upload(ecr_contract, ecr_repository, blob)
    done = ecr_contract.call(
        OPERATION, **ids(ecr_repository), uploadId=upload_id, layerDigests=[digest(blob)]
    )
    assert done["layerDigest"] == digest(blob)
    assert done["uploadId"] == upload_id
    check = ecr_contract.call(
        "BatchCheckLayerAvailability", **ids(ecr_repository), layerDigests=[digest(blob)]
    )
    assert [(x["layerDigest"], x["layerSize"]) for x in check["layers"]] == [
        (digest(blob), len(blob))
    ]


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidLayerException")
def test_wrong_digest_is_refused(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """InvalidLayerException: "The layer digest calculation performed by Amazon ECR upon
    receipt of the image layer does not match the digest specified" (the model)."""
    upload_id = upload(ecr_contract, ecr_repository, b"some bytes")
    ecr_contract.expect_error(
        OPERATION,
        "InvalidLayerException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"other bytes")],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="EmptyUploadException")
def test_upload_without_parts_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """EmptyUploadException: "The specified layer upload does not contain any layer parts"."""
    upload_id = upload(ecr_contract, ecr_repository)
    ecr_contract.expect_error(
        OPERATION,
        "EmptyUploadException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"")],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="LayerPartTooSmallException")
def test_small_leading_part_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LayerPartTooSmallException: "Layer parts must be at least 5 MiB in size" (every
    part but the last)."""
    upload_id = upload(ecr_contract, ecr_repository, b"a" * 1024, b"b" * 1024)
    ecr_contract.expect_error(
        OPERATION,
        "LayerPartTooSmallException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"a" * 1024 + b"b" * 1024)],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="LayerAlreadyExistsException")
def test_layer_already_in_the_repository_is_refused(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """LayerAlreadyExistsException: "The image layer already exists in the associated
    repository" (the model)."""
    layer = ecr_image.layer_digests[0]
    upload_id = upload(ecr_contract, ecr_image.repository, ecr_image.blobs[layer])
    ecr_contract.expect_error(
        OPERATION,
        "LayerAlreadyExistsException",
        **ids(ecr_image.repository),
        uploadId=upload_id,
        layerDigests=[layer],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="UploadNotFoundException")
def test_unknown_upload_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "UploadNotFoundException",
        **ids(ecr_repository),
        uploadId=MISSING_UPLOAD_ID,
        layerDigests=[MISSING_DIGEST],
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        uploadId=MISSING_UPLOAD_ID,
        layerDigests=[MISSING_DIGEST],
    )
