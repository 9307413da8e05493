"""Contracts of InitiateLayerUpload."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import KMS_EXCEPTION, Contract, Evidence, Scenario, ids

OPERATION = "InitiateLayerUpload"


def valid_request(s: Scenario) -> dict[str, Any]:
    return ids(s.repository)


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={"KmsException": KMS_EXCEPTION},
    validation=Evidence("model", "botocore's ECR model: InitiateLayerUpload's input constraints"),
    missing_repository=Evidence(
        "model", "botocore's ECR model: InitiateLayerUpload lists RepositoryNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="aws/aws-cli:awscli/examples/ecr/initiate-layer-upload.rst",
)
def test_upload_gets_an_id_and_a_part_size(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """The part size tells clients how to split the blob.

    Evidence: documented, aws-cli example initiate-layer-upload: the answer has an uploadId
    and a partSize (10485760).
    """
    first = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert first["uploadId"]
    assert first["partSize"] > 0


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output of two uploads; each call starts a new upload",
)
def test_each_upload_has_its_own_id(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Each upload has its own id (split from test_upload_gets_an_id_and_a_part_size).

    Evidence: inferred: an uploadId names one upload to UploadLayerPart and
    CompleteLayerUpload, so two uploads cannot share one; nothing public shows two.
    """
    first = ecr_contract.call(OPERATION, **ids(ecr_repository))
    second = ecr_contract.call(OPERATION, **ids(ecr_repository))
    assert first["uploadId"] != second["uploadId"]
