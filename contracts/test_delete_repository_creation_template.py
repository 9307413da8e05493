"""Contracts of DeleteRepositoryCreationTemplate."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "DeleteRepositoryCreationTemplate"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"prefix": s.unique("template")}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    registry_wide=True,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="no public AWS output of a listing of a prefix without a template",
)
def test_deleted_template_is_gone(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """The answer names the deleted template; listing its prefix then gives nothing.

    Evidence: inferred, no public AWS output: Describe models no not-found error, so an
    empty list is its only modeled answer, but terraform's finder
    (hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template.go)
    also handles TemplateNotFoundException from it, so AWS may answer that instead (the
    same doubt as test_describe_repository_creation_templates.py::
    test_prefix_without_a_template_lists_nothing).
    """
    prefix = ecr_scenario.unique("template")
    ecr_contract.call("CreateRepositoryCreationTemplate", prefix=prefix, appliedFor=["REPLICATION"])
    ecr_scenario.on_cleanup(
        "repository creation template",
        prefix,
        lambda: ecr_scenario.client.delete_repository_creation_template(prefix=prefix),
    )
    deleted = ecr_contract.call(OPERATION, prefix=prefix)
    assert deleted["repositoryCreationTemplate"]["prefix"] == prefix
    listed = ecr_contract.call("DescribeRepositoryCreationTemplates", prefixes=[prefix])
    assert listed["repositoryCreationTemplates"] == []


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="TemplateNotFoundException",
    tier="model",
    source="botocore's ECR model: TemplateNotFoundException of the operation",
)
def test_prefix_without_a_template(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """Deleting a prefix that has no template is refused.

    Evidence: model, botocore's ECR model: the operation's errors (terraform's delete
    tolerates the code: client code, not an observation).
    """
    ecr_contract.expect_error(
        OPERATION, "TemplateNotFoundException", prefix=ecr_scenario.unique("template")
    )
