"""Contracts of UpdateImageStorageClass."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Image
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "UpdateImageStorageClass"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        **ids(s.repository),
        "imageId": {"imageTag": s.image.tags[0]},
        "targetStorageClass": "ARCHIVE",
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "ImageStorageClassUpdateNotSupportedException": (
            "AWS does not document which transitions it refuses precisely enough to build one"
        ),
    },
    validation=Evidence(
        "model", "botocore's ECR model: UpdateImageStorageClass's input constraints"
    ),
    missing_repository=Evidence(
        "model", "botocore's ECR model: UpdateImageStorageClass lists RepositoryNotFoundException"
    ),
    missing_image=Evidence(
        "model", "botocore's ECR model: UpdateImageStorageClass lists ImageNotFoundException"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output of UpdateImageStorageClass (image archiving, 2025)",
)
def test_archiving_an_image(ecr_contract: ContractClient, ecr_image: Image) -> None:
    """Transitioning to ARCHIVE answers with the image and a status of the model's
    ImageStatus (ACTIVE, ARCHIVED, ACTIVATING).

    On AWS an archived image is billed for a minimum of 90 days (User Guide, "Archiving an
    image").

    Evidence: inferred: the API reference documents the answer's members, but nothing
    public shows a real answer.
    """
    answer = ecr_contract.call(
        OPERATION,
        **ids(ecr_image.repository),
        imageId={"imageDigest": ecr_image.digest},
        targetStorageClass="ARCHIVE",
    )
    assert answer["imageId"]["imageDigest"] == ecr_image.digest
    assert answer["repositoryName"] == ecr_image.repository.name
    assert "imageStatus" in answer
