"""Contracts of PutImageScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, ids, validation_tests

OPERATION = "PutImageScanningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {**ids(s.repository), "imageScanningConfiguration": {"scanOnPush": True}}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_setting_is_visible_in_describe(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    answer = ecr_contract.call(
        OPERATION, **ids(ecr_repository), imageScanningConfiguration={"scanOnPush": True}
    )
    assert answer["repositoryName"] == ecr_repository.name
    assert answer["imageScanningConfiguration"] == {"scanOnPush": True}
    (described,) = ecr_contract.call("DescribeRepositories", repositoryNames=[ecr_repository.name])[
        "repositories"
    ]
    assert described["imageScanningConfiguration"]["scanOnPush"] is True


@pytest.mark.ecr_contract(aspect="errors", triggers="RepositoryNotFoundException")
def test_missing_repository(ecr_contract: ContractClient) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "RepositoryNotFoundException",
        repositoryName=MISSING_REPOSITORY,
        imageScanningConfiguration={"scanOnPush": True},
    )
