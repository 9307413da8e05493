"""Contracts of DeletePullThroughCacheRule."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_ecr import ContractClient
from pytest_ecr.suite import Contract, Evidence, Scenario

OPERATION = "DeletePullThroughCacheRule"


def valid_request(s: Scenario) -> dict[str, Any]:
    return {"ecrRepositoryPrefix": s.short_unique("ptc"), "registryId": s.registry_id}


CONTRACT = Contract(
    OPERATION,
    valid_request=valid_request,
    registry_wide=True,
    # No public AWS answer to a constraint violation of this operation.
    validation=Evidence("model", "botocore's ECR model: the input shape's constraints"),
)


@pytest.mark.ecr_contract(
    aspect="behavior",
    tier="model",
    source="botocore's ECR model: DeletePullThroughCacheRule output; "
    "DescribePullThroughCacheRules' PullThroughCacheRuleNotFoundException",
)
def test_deleted_rule_is_gone(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """The answer names the deleted rule; describing its prefix is then refused.

    Evidence: model, botocore's ECR model: the output members and Describe's not-found
    error. Terraform's CheckDestroy (hashicorp/terraform-provider-aws:internal/service/ecr/
    pull_through_cache_rule.go) accepts this error or an empty list, so it does not tell
    which one AWS sends.
    """
    prefix = ecr_scenario.short_unique("ptc")
    ecr_contract.call(
        "CreatePullThroughCacheRule",
        ecrRepositoryPrefix=prefix,
        upstreamRegistryUrl="public.ecr.aws",
        upstreamRegistry="ecr-public",
    )
    ecr_scenario.on_cleanup(
        "pull-through cache rule",
        prefix,
        lambda: ecr_scenario.client.delete_pull_through_cache_rule(ecrRepositoryPrefix=prefix),
    )
    deleted = ecr_contract.call(OPERATION, ecrRepositoryPrefix=prefix)
    assert deleted["ecrRepositoryPrefix"] == prefix
    assert deleted["upstreamRegistryUrl"] == "public.ecr.aws"
    ecr_contract.expect_error(
        "DescribePullThroughCacheRules",
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefixes=[prefix],
    )


@pytest.mark.ecr_contract(
    aspect="errors",
    triggers="PullThroughCacheRuleNotFoundException",
    tier="model",
    source="botocore's ECR model: PullThroughCacheRuleNotFoundException of the operation",
)
def test_prefix_without_a_rule(ecr_contract: ContractClient, ecr_scenario: Scenario) -> None:
    """Deleting a prefix that has no rule is refused.

    Evidence: model, botocore's ECR model: the operation's errors (terraform's delete
    tolerates the code: client code, not an observation).
    """
    ecr_contract.expect_error(
        OPERATION,
        "PullThroughCacheRuleNotFoundException",
        ecrRepositoryPrefix=ecr_scenario.short_unique("ptc"),
    )
