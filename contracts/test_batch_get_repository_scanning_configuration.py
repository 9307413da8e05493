"""Contracts of BatchGetRepositoryScanningConfiguration."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.resources import Repository
from pytest_ecr.suite import MISSING_REPOSITORY, Contract, Evidence, RegistrySettings, Scenario

OPERATION = "BatchGetRepositoryScanningConfiguration"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"repositoryNames": [s.repository.name]}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "RepositoryNotFoundException": (
            "the response model reports a missing repository in failures (failureCode "
            "REPOSITORY_NOT_FOUND); when AWS raises the error instead is not documented, so "
            "test_missing_repository accepts either"
        ),
    },
    # No public AWS answer for this operation; either modeled code is accepted.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior", tier="aws-verified", source="turbot/steampipe-plugin-aws#1716"
)
def test_configuration_of_a_repository(
    ecr_contract: ContractClient, ecr_repository: Repository
) -> None:
    """One configuration, naming the repository, and no failures.

    Evidence: aws-verified, turbot/steampipe-plugin-aws#1716: a real answer with
    ``failures: []`` and one ``scanningConfigurations`` entry with ``repositoryName`` and
    ``repositoryArn`` (and ``scanOnPush`` keeping the repository's own value under
    registry continuous scanning, hence not asserted).
    """
    answer = ecr_contract.call(OPERATION, repositoryNames=[ecr_repository.name])
    (config,) = answer["scanningConfigurations"]
    assert config["repositoryName"] == ecr_repository.name
    assert config["repositoryArn"] == ecr_repository.arn
    # Whether scanOnPush follows the repository's own (deprecated) setting or the registry's
    # rules is not documented precisely enough to assert; only its type is (the schema).
    assert answer.get("failures", []) == []


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: ScanningConfigurationFailureCode REPOSITORY_NOT_FOUND and "
    "the operation's RepositoryNotFoundException",
)
def test_missing_repository(ecr_contract: ContractClient, ecr_repository: Repository) -> None:
    """A missing repository is a failure with code REPOSITORY_NOT_FOUND (the model's
    ScanningConfigurationFailureCode), or the modeled RepositoryNotFoundException.

    Evidence: model, botocore's ECR model: both answers are modeled; no public AWS output
    for a missing name.
    """
    answer = ecr_contract.call_or_error(
        OPERATION,
        ["RepositoryNotFoundException"],
        repositoryNames=[ecr_repository.name, MISSING_REPOSITORY],
    )
    if isinstance(answer, dict):
        failures = {(f["repositoryName"], f["failureCode"]) for f in answer["failures"]}
        assert failures == {(MISSING_REPOSITORY, "REPOSITORY_NOT_FOUND")}


@pytest.mark.ecr_contract(
    aspect="behavior", tier="aws-verified", source="turbot/steampipe-plugin-aws#1716"
)
def test_registry_rule_applies_to_a_matching_repository(
    ecr_contract: ContractClient, ecr_repository: Repository, ecr_registry: RegistrySettings
) -> None:
    """A registry scanning rule whose filter matches the repository is the repository's
    configuration: its scanFrequency is the rule's, and appliedScanFilters holds the
    filter (API Reference, RepositoryScanningConfiguration: "The scan frequency for the
    repository", "The scan filters applied to the repository").

    Evidence: aws-verified, turbot/steampipe-plugin-aws#1716: real answers under a registry
    rule give the rule's scanFrequency (CONTINUOUS_SCAN there) and the applied filters,
    while scanOnPush keeps the repository's own value (not asserted).
    """
    rule_filter = {"filter": ecr_repository.name, "filterType": "WILDCARD"}
    rules = [{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [rule_filter]}]
    with ecr_registry.changing("scanning"):
        ecr_contract.call("PutRegistryScanningConfiguration", scanType="BASIC", rules=rules)
        answer = ecr_contract.call(OPERATION, repositoryNames=[ecr_repository.name])
    (config,) = answer["scanningConfigurations"]
    assert config["scanFrequency"] == "SCAN_ON_PUSH"
    assert rule_filter in config.get("appliedScanFilters", [])
