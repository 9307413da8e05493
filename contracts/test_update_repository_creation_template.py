"""Contracts of UpdateRepositoryCreationTemplate."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.settings import EcrSettings
from pytest_ecr.suite import SERVER_EXCEPTION, Scenario, allow_registry_changes, validation_tests

OPERATION = "UpdateRepositoryCreationTemplate"
pytestmark = pytest.mark.ecr_contract(OPERATION)


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "prefix": s.unique("template"),
        "description": "pytest-ecr template",
        "encryptionConfiguration": {
            "encryptionType": "KMS",
            "kmsKey": f"arn:aws:kms:{s.repository.region}:{s.registry_id}:key/pytest-ecr",
        },
        "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION",
        "imageTagMutabilityExclusionFilters": [{"filterType": "WILDCARD", "filter": "dev-*"}],
        "repositoryPolicy": "{}",
        "lifecyclePolicy": "",
        "appliedFor": ["REPLICATION"],
        "customRoleArn": f"arn:aws:iam::{s.registry_id}:role/pytest-ecr",
    }


test_validation = validation_tests(OPERATION, valid_request)

UNTRIGGERED = {"ServerException": SERVER_EXCEPTION}


@pytest.mark.ecr_contract(aspect="behavior")
def test_update_is_visible_in_describe(
    ecr_contract: ContractClient, ecr_scenario: Scenario, ecr_settings: EcrSettings
) -> None:
    allow_registry_changes(ecr_settings)
    prefix = ecr_scenario.unique("template")
    ecr_contract.call(
        "CreateRepositoryCreationTemplate",
        prefix=prefix,
        appliedFor=["REPLICATION"],
        description="before",
    )
    ecr_scenario.on_cleanup(
        "repository creation template",
        prefix,
        lambda: ecr_scenario.client.delete_repository_creation_template(prefix=prefix),
    )
    answer = ecr_contract.call(OPERATION, prefix=prefix, description="after")
    assert answer["repositoryCreationTemplate"]["description"] == "after"
    (described,) = ecr_contract.call("DescribeRepositoryCreationTemplates", prefixes=[prefix])[
        "repositoryCreationTemplates"
    ]
    assert described["description"] == "after"


@pytest.mark.ecr_contract(aspect="errors", triggers="TemplateNotFoundException")
def test_prefix_without_a_template(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    ecr_contract.expect_error(
        OPERATION,
        "TemplateNotFoundException",
        prefix=ecr_scenario.unique("template"),
        description="never",
    )
