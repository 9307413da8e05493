"""Contracts of UploadLayerPart."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    LIMIT_EXCEPTION,
    MISSING_REPOSITORY,
    MISSING_UPLOAD_ID,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "UploadLayerPart"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "uploadId": s.new_upload_id(),
        "partFirstByte": 0,
        "partLastByte": 3,
        "layerPartBlob": b"part",
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "KmsException": KMS_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (layer parts per upload)",
}


def start(contract: ContractClient, repository: Repository) -> str:
    return str(contract.call("InitiateLayerUpload", **ids(repository))["uploadId"])


@pytest.mark.ecr_contract(aspect="behavior")
def test_parts_are_acknowledged_in_order(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
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


@pytest.mark.ecr_contract(aspect="errors", triggers="InvalidLayerPartException")
def test_part_that_skips_bytes_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """InvalidLayerPartException: "the first byte specified is not consecutive to the last
    byte of a previous layer part upload" (the model's documentation)."""
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


@pytest.mark.ecr_contract(aspect="errors", triggers="UploadNotFoundException")
def test_unknown_upload_is_refused(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "UploadNotFoundException",
        **ids(ecr_repository),
        uploadId=MISSING_UPLOAD_ID,
        partFirstByte=0,
        partLastByte=3,
        layerPartBlob=b"0123",
    )


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        uploadId=MISSING_UPLOAD_ID,
        partFirstByte=0,
        partLastByte=3,
        layerPartBlob=b"0123",
    )
