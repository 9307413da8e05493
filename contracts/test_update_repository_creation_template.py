"""Contracts of UpdateRepositoryCreationTemplate."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "UpdateRepositoryCreationTemplate"


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


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    registry_wide=True,
    validation=Evidence(
        "model", "botocore's ECR model: UpdateRepositoryCreationTemplate's input constraints"
    ),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="aws-verified",
    source="hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template_test.go",
)
def test_update_is_visible_in_describe(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """An update of one member changes that member, as DescribeRepositoryCreationTemplates
    shows.

    Evidence: aws-verified, terraform-provider-aws's acceptance test updates one member of
    a template against AWS (its Update sends only the changed members) and reads it back.
    """
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


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="TemplateNotFoundException",
    tier="model",
    source="botocore's ECR model: UpdateRepositoryCreationTemplate lists TemplateNotFoundException",
)
def test_prefix_without_a_template(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """A prefix no template has answers TemplateNotFoundException.

    Evidence: model; terraform-provider-aws (repository_creation_template.go) reads that
    code as "not found" from Describe and Delete, not from Update.
    """
    ecr_contract.expect_error(
        OPERATION,
        "TemplateNotFoundException",
        prefix=ecr_scenario.unique("template"),
        description="never",
    )
