"""Contracts of PutImageScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import Contract, Evidence, Scenario, ids

OPERATION = "PutImageScanningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageScanningConfiguration": {"scanOnPush": True}}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    validation=Evidence(
        "model", "botocore's ECR model: PutImageScanningConfiguration's input constraints"
    ),
    missing_repository=Evidence(
        "model",
        "botocore's ECR model: PutImageScanningConfiguration lists RepositoryNotFoundException",
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="documented",
    source="https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageScanningConfiguration.html",
)
def test_setting_is_visible_in_describe(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """Evidence: documented, API_PutImageScanningConfiguration: the answer echoes the
    repository and its imageScanningConfiguration (the operation is deprecated in favour
    of registry-level scanning, but still documented)."""
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_repository), imageScanningConfiguration={"scanOnPush": True}
    )
    assert answer["repositoryName"] == ecr_repository.name
    assert answer["imageScanningConfiguration"] == {"scanOnPush": True}
    (described,) = ecr_contract.call("DescribeRepositories", repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["imageScanningConfiguration"]["scanOnPush"] is True
