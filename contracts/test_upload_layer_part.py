"""Contracts of UploadLayerPart."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    MISSING_UPLOAD_ID,
    Contract,
    Evidence,
    Scenario,
    ids,
)

OPERATION = "UploadLayerPart"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "uploadId": s.new_upload_id(),
        "partFirstByte": 0,
        "partLastByte": 3,
        "layerPartBlob": b"part",
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "KmsException": KMS_EXCEPTION,
        "LimitExceededException": LIMIT_EXCEPTION + " (layer parts per upload)",
    },
    validation=Evidence("model", "botocore's ECR model: UploadLayerPart's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: UploadLayerPart lists RepositoryNotFoundException"
    ),
)


def start(contract: ContractClient, repository: Repository) -> str:
    return str(contract.call("InitiateLayerUpload", **ids(repository))["uploadId"])


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/upload-layer-part.rst",
)
def test_parts_are_acknowledged_in_order(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Each part is acknowledged with the upload id and the last byte received so far.

    The parts here are under 5 MiB, the minimum for every part but the last (User Guide,
    service quotas). AWS refuses them only at completion: CloudTrail in
    dotnet/sdk-container-builds#424 shows LayerPartTooSmallException ("All layer parts
    except the last part should be at least 5MB") from CompleteLayerUpload, and the model
    lists it for CompleteLayerUpload only. This test never completes the upload.

    Evidence: documented, aws-cli example upload-layer-part: the answer carries uploadId
    and lastByteReceived.
    """
    upload_id = start(ecr_contract, ecr_repository)
    first = ecr_contract.call(
        OPERATION,
        **ids(ecr_repository),
        uploadId=upload_id,
        partFirstByte=0,
        partLastByte=9,
        layerPartBlob=b"0123456789",
    )
    assert first["uploadId"] == upload_id
    assert first["lastByteReceived"] == 9
    second = ecr_contract.call(
        OPERATION,
        **ids(ecr_repository),
        uploadId=upload_id,
        partFirstByte=10,
        partLastByte=14,
        layerPartBlob=b"abcde",
    )
    assert second["lastByteReceived"] == 14


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="InvalidLayerPartException",
    tier="aws-verified",
    source="uber-archive/makisu#224",
)
def test_part_that_skips_bytes_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """InvalidLayerPartException: "the first byte specified is not consecutive to the last
    byte of a previous layer part upload" (the model's documentation).

    Evidence: aws-verified, uber-archive/makisu#224: real ECR refuses a part that is not
    consecutive, "First byte of the layer part is 0 instead of 52428800" (seen through the
    registry API; the UploadLayerPart code is the model's).
    """
    upload_id = start(ecr_contract, ecr_repository)
    ecr_contract.call(
        OPERATION,
        **ids(ecr_repository),
        uploadId=upload_id,
        partFirstByte=0,
        partLastByte=3,
        layerPartBlob=b"0123",
    )
    ecr_contract.expect_error(
        OPERATION,
        "InvalidLayerPartException",
        **ids(ecr_repository),
        uploadId=upload_id,
        partFirstByte=10,
        partLastByte=13,
        layerPartBlob=b"abcd",
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="UploadNotFoundException",
    tier="model",
    source="botocore's ECR model: UploadLayerPart lists UploadNotFoundException",
)
def test_unknown_upload_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """A well-formed id of no upload answers UploadNotFoundException.

    Evidence: model, the exception's documentation ("The upload could not be found, or the
    specified upload ID is not valid for this repository").
    """
    ecr_contract.expect_error(
        OPERATION,
        "UploadNotFoundException",
        **ids(ecr_repository),
        uploadId=MISSING_UPLOAD_ID,
        partFirstByte=0,
        partLastByte=3,
        layerPartBlob=b"0123",
    )
