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
    MISSING_UPLOAD_ID,
    Contract,
    Evidence,
    Scenario,
    ids,
)

OPERATION = "CompleteLayerUpload"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "uploadId": s.new_upload_id(), "layerDigests": [MISSING_DIGEST]}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"KmsException": KMS_EXCEPTION},
    # Public refusals of repositoryName violations are of other operations
    # (aws/aws-dotnet-deploy#549, boto/boto3#3191); the uploadId and layerDigests
    # constraints are the model's alone.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
    # The message form is AWS's for DescribeImageScanFindings
    # (turbot/steampipe-plugin-aws#1938); nothing public for this operation.
    missing_repository=Evidence(
        "model", "botocore's ECR model: RepositoryNotFoundException of the operation"
    ),
)


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


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="aws/aws-cli:awscli/examples/ecr/complete-layer-upload.rst",
)
def test_completed_layer_is_available(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The registry computes the digest of the uploaded bytes and answers it with the
    upload's id. (That the completed layer is then listed as available, though no image
    refers to it, is test_batch_check_layer_availability.py::
    test_uploaded_layer_no_image_refers_to_is_available: inferred.)

    Evidence: aws-verified, aws/aws-cli:awscli/examples/ecr/complete-layer-upload.rst: a
    real answer with ``uploadId`` and ``layerDigest``.
    """
    blob = b"pytest-ecr layer " * 64
    upload_id = upload(ecr_contract, ecr_repository, blob)
    done = ecr_contract.call(
        OPERATION, **ids(ecr_repository), uploadId=upload_id, layerDigests=[digest(blob)]
    )
    assert done["layerDigest"] == digest(blob)
    assert done["uploadId"] == upload_id


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidLayerException",
    tier="model",
    source="botocore's ECR model: InvalidLayerException; AWS's refusal through the registry "
    "API in dotnet/sdk-container-builds#424",
)
def test_wrong_digest_is_refused(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """InvalidLayerException: "The layer digest calculation performed by Amazon ECR upon
    receipt of the image layer does not match the digest specified" (the model).

    Evidence: model, botocore's ECR model: the code. dotnet/sdk-container-builds#424 shows
    real AWS refusing a digest mismatch at completion ("None of the provided layer digests
    match the calculated layer digest"), but through the Docker registry API
    (``BLOB_UPLOAD_INVALID``), so the ECR API's code is the model's.
    """
    upload_id = upload(ecr_contract, ecr_repository, b"some bytes")
    ecr_contract.expect_error(
        OPERATION,
        "InvalidLayerException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"other bytes")],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="EmptyUploadException",
    tier="aws-verified",
    source="devcontainers/cli#814",
)
def test_upload_without_parts_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """EmptyUploadException: "The specified layer upload does not contain any layer parts".

    Evidence: aws-verified, devcontainers/cli#814: a CloudTrail record of
    CompleteLayerUpload with ``"errorCode": "EmptyUploadException"`` ("... cannot be
    completed because it does not have any parts").
    """
    upload_id = upload(ecr_contract, ecr_repository)
    ecr_contract.expect_error(
        OPERATION,
        "EmptyUploadException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"")],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LayerPartTooSmallException",
    tier="aws-verified",
    source="dotnet/sdk-container-builds#424",
)
def test_small_leading_part_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """LayerPartTooSmallException: "Layer parts must be at least 5 MiB in size" (the model;
    every part but the last).

    Evidence: aws-verified, dotnet/sdk-container-builds#424: a CloudTrail record with
    ``"errorCode": "LayerPartTooSmallException"``, ``"errorMessage": "All layer parts
    except the last part should be at least 5MB"`` (the model puts the error on
    CompleteLayerUpload alone).
    """
    upload_id = upload(ecr_contract, ecr_repository, b"a" * 1024, b"b" * 1024)
    ecr_contract.expect_error(
        OPERATION,
        "LayerPartTooSmallException",
        **ids(ecr_repository),
        uploadId=upload_id,
        layerDigests=[digest(b"a" * 1024 + b"b" * 1024)],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="LayerAlreadyExistsException",
    tier="model",
    source="botocore's ECR model: LayerAlreadyExistsException",
)
def test_layer_already_in_the_repository_is_refused(
    ecr_contract: ContractClient, ecr_image: Image
) -> None:
    """LayerAlreadyExistsException: "The image layer already exists in the associated
    repository" (the model).

    Evidence: model, botocore's ECR model: the error's documentation; no public AWS output.
    """
    layer = ecr_image.layer_digests[0]
    upload_id = upload(ecr_contract, ecr_image.repository, ecr_image.blobs[layer])
    ecr_contract.expect_error(
        OPERATION,
        "LayerAlreadyExistsException",
        **ids(ecr_image.repository),
        uploadId=upload_id,
        layerDigests=[layer],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="UploadNotFoundException",
    tier="model",
    source="botocore's ECR model: UploadNotFoundException",
)
def test_unknown_upload_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """UploadNotFoundException for a well-formed upload id the repository never issued.

    Evidence: model, botocore's ECR model: "The upload could not be found, or the specified
    upload ID is not valid for this repository"; no public AWS output.
    """
    ecr_contract.expect_error(
        OPERATION,
        "UploadNotFoundException",
        **ids(ecr_repository),
        uploadId=MISSING_UPLOAD_ID,
        layerDigests=[MISSING_DIGEST],
    )
