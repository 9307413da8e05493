"""Contracts of DescribeRepositoryCreationTemplates."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "DescribeRepositoryCreationTemplates"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"prefixes": [s.unique("template")], "maxResults": 10}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="inferred",
    source="the model lists no not-found error; AWS may answer TemplateNotFoundException",
)
def test_prefix_without_a_template_lists_nothing(
    ecr_contract: ContractClient, ecr_scenario: Scenario
) -> None:
    """A filter that matches no template is an empty listing, not an error (the operation
    models no not-found error).

    Evidence: inferred, no public AWS output: terraform's finder
    (hashicorp/terraform-provider-aws:internal/service/ecr/repository_creation_template.go)
    handles TemplateNotFoundException from this operation as well as an empty result, so
    AWS may answer that error, which the model does not list for the operation.
    """
    answer = ecr_contract.call(OPERATION, prefixes=[ecr_scenario.unique("template")])
    assert answer["repositoryCreationTemplates"] == []
