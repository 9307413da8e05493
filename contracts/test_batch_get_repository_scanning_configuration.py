"""Contracts of BatchGetRepositoryScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, SERVER_EXCEPTION, Scenario, validation_tests

OPERATION = "BatchGetRepositoryScanningConfiguration"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"repositoryNames": [s.repository.name]}


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "RepositoryNotFoundException": (
        "the response model reports a missing repository in failures (failureCode "
        "REPOSITORY_NOT_FOUND); when AWS raises the error instead is not documented, so "
        "test_missing_repository accepts either"
    ),
}


@pytest.mark.ecr_contract(aspect="behavior")
def test_configuration_of_a_repository(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    answer = ecr_contract.call(OPERATION, repositoryNames=[ecr_repository.name])
    (config,) = answer["scanningConfigurations"]
    assert config["repositoryName"] == ecr_repository.name
    assert config["repositoryArn"] == ecr_repository.arn
    # Whether scanOnPush follows the repository's own (deprecated) setting or the registry's
    # rules is not documented precisely enough to assert; only its type is (the schema).
    assert answer.get("failures", []) == []


@pytest.mark.ecr_contract(aspect="behavior")
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """A missing repository is a failure with code REPOSITORY_NOT_FOUND (the model's
    ScanningConfigurationFailureCode), or the modeled RepositoryNotFoundException."""
    answer = ecr_contract.call_or_error(
        OPERATION,
        ["RepositoryNotFoundException"],
        repositoryNames=[ecr_repository.name, MISSING_REPOSITORY],
    )
    if isinstance(answer, dict):
        failures = {(f["repositoryName"], f["failureCode"]) for f in answer["failures"]}
        assert failures == {(MISSING_REPOSITORY, "REPOSITORY_NOT_FOUND")}
