"""Contracts of CreateRepositoryCreationTemplate (registry-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import (
    LIFECYCLE_POLICY,
    LIMIT_EXCEPTION,
    Contract,
    Evidence,
    Scenario,
    repository_policy,
)

OPERATION = "CreateRepositoryCreationTemplate"


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


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    untriggered={
        "LimitExceededException": LIMIT_EXCEPTION + " (creation templates per registry)",
    },
    registry_wide=True,
    undo=undo,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


def create(contract: ContractClient, s: Scenario, **fields: Any) -> str:
    prefix = s.unique("template")
    contract.call(OPERATION, prefix=prefix, appliedFor=["REPLICATION"], **fields)
    s.on_cleanup(
        "repository creation template",
        prefix,
        lambda: s.client.delete_repository_creation_template(prefix=prefix),
    )
    return prefix


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template_test.go",
)
def test_template_is_described(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A new template is described with its prefix, description, tag mutability and
    ``appliedFor``.

    Evidence: aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template_test.go:
    TestAccECRRepositoryCreationTemplate_basic reads these back from AWS through
    DescribeRepositoryCreationTemplates.
    """
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


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="TemplateAlreadyExistsException",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template_test.go",
)
def test_same_prefix_twice(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A second template with the same prefix is refused.

    Evidence: aws-verified,
    hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template_test.go:
    TestAccECRRepositoryCreationTemplate_failWhenAlreadyExists expects
    ``TemplateAlreadyExistsException`` from AWS.
    """
    prefix = create(ecr_contract, ecr_scenario)
    ecr_contract.expect_error(
        OPERATION, "TemplateAlreadyExistsException", prefix=prefix, appliedFor=["REPLICATION"]
    )
