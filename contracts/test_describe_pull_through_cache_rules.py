"""Contracts of DescribePullThroughCacheRules."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "DescribePullThroughCacheRules"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {
        "registryId": s.registry_id,
        "ecrRepositoryPrefixes": [s.short_unique("ptc")],
        "maxResults": 10,
    }


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="shape",
    tier="model",
    source="botocore's ECR model: DescribePullThroughCacheRules output shape",
)
def test_listing_matches_the_model(ecr_contract: ContractClient) -> None:
    """A listing without arguments matches the model's output shape.

    Evidence: model, botocore's ECR model: the output shape; no public real answer quoted.
    """
    ecr_contract.call(OPERATION)


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="PullThroughCacheRuleNotFoundException",
    tier="model",
    source="botocore's ECR model: PullThroughCacheRuleNotFoundException of the operation",
)
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """Describing a prefix that has no rule is refused (not an empty listing).

    Evidence: model, botocore's ECR model: the operation's errors. Terraform's finder
    (hashicorp/terraform-provider-aws:internal/service/ecr/pull_through_cache_rule.go) maps
    this error to "not found", which suggests AWS answers it; no real output quoted.
    """
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefixes=[ecr_scenario.short_unique("ptc")],
    )
