"""Contracts of CreateRepositoryCreationTemplate (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import (
    LIFECYCLE_POLICY,
    LIMIT_EXCEPTION,
    SERVER_EXCEPTION,
    Scenario,
    allow_registry_changes,
    repository_policy,
    validation_tests,
)

OPERATION = "CreateRepositoryCreationTemplate"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def template(s: Scenario, prefix: str) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "description": "pytest-ecr template",
        "encryptionConfiguration": {
            "encryptionType": "KMS",
            "kmsKey": f"arn:aws:kms:{s.repository.region}:{s.registry_id}:key/pytest-ecr",
        },
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "dev-*"}],
        "repositoryPolicy": repository_policy(s.registry_id),
        "lifecyclePolicy": LIFECYCLE_POLICY,
        "appliedFor": ["REPLICATION"],
        "customRoleArn": f"arn:aws:iam::{s.registry_id}:role/pytest-ecr",
    }


def valid_request(s: Scenario) -> dict[str, Any]:
    return template(s, s.unique("template"))


def undo(client: Any, created: dict[str, Any]) -> None:
    client.delete_repository_creation_template(
        prefix=created["repositoryCreationTemplate"]["prefix"]
    )


test_validation = validation_tests(OPERATION, valid_request, undo=undo)

UNTRIGGERED = {
    "ServerException": SERVER_EXCEPTION,
    "LimitExceededException": LIMIT_EXCEPTION + " (creation templates per registry)",
}


def create(contract: ContractClient, s: Scenario, **fields: Any) -> str:
    prefix = s.unique("template")
    contract.call(OPERATION, prefix=prefix, appliedFor=["REPLICATION"], **fields)
    s.on_cleanup(
        "repository creation template",
        prefix,
        lambda: s.client.delete_repository_creation_template(prefix=prefix),
    )
    return prefix


@pytest.mark.ecr_contract(aspect="behavior")
def test_template_is_described(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = create(
        ecr_contract, ecr_scenario, description="pytest-ecr", imageTagMutability="IMMUTABLE"
    )
    (described,) = ecr_contract.call("DescribeRepositoryCreationTemplates", prefixes=[prefix])[
        "repositoryCreationTemplates"
    ]
    assert described["prefix"] == prefix
    assert described["description"] == "pytest-ecr"
    assert described["imageTagMutability"] == "IMMUTABLE"
    assert described["appliedFor"] == ["REPLICATION"]


@pytest.mark.ecr_contract(aspect="errors", triggers="TemplateAlreadyExistsException")
def test_same_prefix_twice(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = create(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(
        OPERATION, "TemplateAlreadyExistsException", prefix=prefix, appliedFor=["REPLICATION"]
    )
