"""Contracts of InitiateLayerUpload."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import (
    KMS_EXCEPTION,
    MISSING_REPOSITORY,
    SERVER_EXCEPTION,
    Scenario,
    ids,
    validation_tests,
)

OPERATION = "InitiateLayerUpload"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION, "KmsException": KMS_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_upload_gets_an_id_and_a_part_size(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Each upload has its own id; the part size tells clients how to split the blob."""
    first = ecr_contract.call(OPERATION, **ids(ecr_repository))
    second = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert first["uploadId"] != second["uploadId"]
    assert first["partSize"] > 0


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION, "RepositoryNotFoundException", repositoryName=MISSING_REPOSITORY
    )
